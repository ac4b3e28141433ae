// spec/from_profile.hpp: every profile key's mapping to the Spec, and every error a
// profile's values can cause, with the exact message.
#include "spec/from_profile.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>

#include "../profile/profile_fixture.hpp"

namespace sbx {
namespace {

using testing::error_of;
using testing::TempDir;
using testing::test_context;

class FromProfile : public ::testing::Test {
 protected:
  // Builds `text` as the profile file p.toml (files named in `extra` beside it).
  Spec build(const std::string& text, const BuildContext& ctx = test_context()) {
    return testing::build_file(dir.write("p.toml", text), ctx);
  }
  // The error building `text` gives, with the temporary directory cut from paths.
  std::string err(const std::string& text, const BuildContext& ctx = test_context()) {
    std::string e = error_of([&] { build(text, ctx); });
    std::string prefix = dir.path() + "/";
    for (size_t pos; (pos = e.find(prefix)) != std::string::npos;) e.erase(pos, prefix.size());
    return e;
  }
  const Mount* mount(const Spec& s, const std::string& dest) {
    for (const auto& m : s.mounts)
      if (m.destination == dest) return &m;
    return nullptr;
  }
  std::vector<std::string> namespaces(const Spec& s) {
    std::vector<std::string> out;
    for (const auto& n : s.linux.namespaces) out.push_back(n.type);
    return out;
  }
  const Rlimit* rlimit(const Spec& s, const std::string& type) {
    for (const auto& r : s.process.rlimits)
      if (r.type == type) return &r;
    return nullptr;
  }
  TempDir dir;
};

using Opts = std::vector<std::string>;

// ---- Mapping -------------------------------------------------------------------

TEST_F(FromProfile, AnEmptyProfileIsTheSafeMinimum) {
  Spec s = build("");
  EXPECT_EQ(namespaces(s), (Opts{"user", "mount", "pid", "ipc", "uts", "cgroup", "network"}));
  EXPECT_EQ(s.hostname, "sbx");
  EXPECT_TRUE(s.process.env.empty());
  EXPECT_EQ(s.process.args, (Opts{"make", "-j4"}));
  EXPECT_EQ(s.process.cwd, "/");
  EXPECT_EQ(s.process.uid, 1000u);
  EXPECT_EQ(s.process.gid, 1000u);
  EXPECT_TRUE(s.process.no_new_privileges);
  EXPECT_TRUE(s.process.capabilities.bounding.empty());
  EXPECT_TRUE(s.process.capabilities.ambient.empty());
  EXPECT_TRUE(s.process.rlimits.empty());
  EXPECT_FALSE(s.process.umask);
  EXPECT_TRUE(s.root.readonly);
  ASSERT_EQ(s.linux.uid_mappings.size(), 1u);
  EXPECT_EQ(s.linux.uid_mappings[0].container_id, 1000u);
  EXPECT_EQ(s.linux.uid_mappings[0].host_id, 1000u);
  EXPECT_EQ(s.linux.uid_mappings[0].size, 1u);
  EXPECT_EQ(s.linux.masked_paths, oci_default_masked_paths());
  EXPECT_EQ(s.linux.readonly_paths, oci_default_readonly_paths());
  EXPECT_FALSE(s.linux.seccomp);
  std::vector<std::string> dests;
  for (const auto& m : s.mounts) dests.push_back(m.destination);
  EXPECT_EQ(dests, (Opts{"/proc", "/dev", "/dev/pts", "/dev/shm"}));
  EXPECT_EQ(mount(s, "/proc")->type, "proc");
  EXPECT_EQ(mount(s, "/dev/pts")->type, "devpts");
  EXPECT_FALSE(s.sbx.timeout);
  EXPECT_EQ(s.sbx.profile, "test");
}

TEST_F(FromProfile, TheDefaultProfile) {
  Spec s = build_spec(load_profile(std::string(), testing::test_variables()).table, test_context());
  const Mount* usr = mount(s, "/usr");
  ASSERT_NE(usr, nullptr);
  EXPECT_EQ(usr->type, "bind");
  EXPECT_EQ(usr->source, "/usr");
  EXPECT_EQ(usr->options, (Opts{"rbind", "ro", "nosuid", "nodev"}));
  EXPECT_FALSE(usr->optional);
  ASSERT_NE(mount(s, "/opt"), nullptr);
  EXPECT_TRUE(mount(s, "/opt")->optional);
  const Mount* proj = mount(s, "/work/proj");
  ASSERT_NE(proj, nullptr);
  EXPECT_EQ(proj->options, (Opts{"rbind", "nosuid", "nodev"}));
  const Mount* home = mount(s, "/home/u");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->type, "tmpfs");
  EXPECT_EQ(home->options, (Opts{"nosuid", "nodev", "size=15%", "mode=755"}));
  EXPECT_EQ(mount(s, "/tmp")->options, (Opts{"nosuid", "nodev", "mode=1777", "size=15%"}));
  EXPECT_EQ(s.process.cwd, "/work/proj");
  EXPECT_EQ(s.process.env, (Opts{"PATH=/usr/bin:/bin", "HOME=/home/u", "USER=u", "LC_ALL=C.UTF-8",
                                 "LC_TIME=en_GB.UTF-8", "TERM=xterm"}));
  EXPECT_EQ(s.hostname, "sbx");
  EXPECT_TRUE(s.has_namespace("network"));
  ASSERT_TRUE(s.linux.seccomp);
  EXPECT_FALSE(s.linux.seccomp->syscalls.empty());
  EXPECT_FALSE(s.sbx.description.empty());
  // Parents before children.
  for (size_t i = 1; i < s.mounts.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      EXPECT_FALSE(s.mounts[j].destination.rfind(s.mounts[i].destination + "/", 0) == 0)
          << s.mounts[i].destination << " after " << s.mounts[j].destination;
}

TEST_F(FromProfile, BindEntries) {
  Spec s = build("[filesystem]\nro = ['/usr/share:/share', '?/no/such/dir', '//etc/./ssl/']\nrw = ['/srv:/data']\n");
  EXPECT_EQ(mount(s, "/share")->source, "/usr/share");
  EXPECT_EQ(mount(s, "/no/such/dir")->optional, true);
  EXPECT_EQ(mount(s, "/etc/ssl")->source, "/etc/ssl");
  EXPECT_EQ(mount(s, "/data")->source, "/srv");
  EXPECT_EQ(mount(s, "/data")->options, (Opts{"rbind", "nosuid", "nodev"}));
}

TEST_F(FromProfile, TmpfsEntries) {
  Spec s = build("[filesystem]\ntmpfs = ['/a', '/b:mode=700,size=64M', '/c:size=64MiB,noexec,ro', '/d:size=1g']\n");
  EXPECT_EQ(mount(s, "/a")->options, (Opts{"nosuid", "nodev", "mode=755"}));
  EXPECT_EQ(mount(s, "/b")->options, (Opts{"nosuid", "nodev", "mode=700", "size=64M"}));
  EXPECT_EQ(mount(s, "/c")->options, (Opts{"nosuid", "nodev", "size=67108864", "noexec", "ro", "mode=755"}));
  EXPECT_EQ(mount(s, "/d")->options, (Opts{"nosuid", "nodev", "size=1g", "mode=755"}));
  EXPECT_EQ(mount(s, "/a")->source, "tmpfs");
}

TEST_F(FromProfile, MirrorKeepsSymlinksAndSkipsWhatIsAbsent) {
  std::string d = dir.path();
  ::mkdir((d + "/real").c_str(), 0755);
  ASSERT_EQ(::symlink("real", (d + "/link").c_str()), 0);
  Spec s = build("[filesystem]\nmirror = ['" + d + "/real', '" + d + "/link', '" + d + "/absent']\n");
  ASSERT_NE(mount(s, d + "/real"), nullptr);
  EXPECT_EQ(mount(s, d + "/real")->options, (Opts{"rbind", "ro", "nosuid", "nodev"}));
  EXPECT_EQ(mount(s, d + "/link"), nullptr);
  EXPECT_EQ(mount(s, d + "/absent"), nullptr);
  ASSERT_EQ(s.sbx.symlinks.size(), 1u);
  EXPECT_EQ(s.sbx.symlinks[0].target, "real");
  EXPECT_EQ(s.sbx.symlinks[0].path, d + "/link");
}

TEST_F(FromProfile, SymlinksMaskedAndRootReadonly) {
  Spec s = build("[filesystem]\nsymlinks = ['usr/bin:/bin', '/a:b:/c']\nmasked = ['/etc/shadow', '/proc/kcore']\n"
                 "root_readonly = false\nproc = false\ndev = false\n");
  ASSERT_EQ(s.sbx.symlinks.size(), 2u);
  EXPECT_EQ(s.sbx.symlinks[0].target, "usr/bin");
  EXPECT_EQ(s.sbx.symlinks[0].path, "/bin");
  EXPECT_EQ(s.sbx.symlinks[1].target, "/a:b");
  EXPECT_EQ(s.sbx.symlinks[1].path, "/c");
  EXPECT_EQ(s.linux.masked_paths.back(), "/etc/shadow");
  EXPECT_EQ(std::count(s.linux.masked_paths.begin(), s.linux.masked_paths.end(), "/proc/kcore"), 1);
  EXPECT_FALSE(s.root.readonly);
  EXPECT_TRUE(s.mounts.empty());
}

TEST_F(FromProfile, FullMounts) {
  Spec s = build(
      "[[filesystem.mount]]\ndestination = '/data'\ntype = 'bind'\nsource = '/srv'\noptions = ['ro', 'nosuid']\n"
      "optional = true\n"
      "[[filesystem.mount]]\ndestination = '/scratch'\ntype = 'tmpfs'\noptions = ['size=16MiB', 'mode=1777', 'noexec']\n"
      "[[filesystem.mount]]\ndestination = '/dev/mqueue'\ntype = 'mqueue'\n");
  EXPECT_EQ(mount(s, "/data")->options, (Opts{"rbind", "ro", "nosuid"}));
  EXPECT_TRUE(mount(s, "/data")->optional);
  EXPECT_EQ(mount(s, "/scratch")->options, (Opts{"size=16777216", "mode=1777", "noexec"}));
  EXPECT_EQ(mount(s, "/scratch")->source, "tmpfs");
  EXPECT_EQ(mount(s, "/dev/mqueue")->source, "mqueue");
}

TEST_F(FromProfile, Environment) {
  Spec s = build("[process.env]\nkeep = ['PATH', 'LC_*']\nset = { PATH = '/bin', EDITOR = 'vi' }\nunset = ['LC_TIME']\n");
  // set: in key order, after what was kept.
  EXPECT_EQ(s.process.env, (Opts{"LC_ALL=C.UTF-8", "EDITOR=vi", "PATH=/bin"}));
  Spec all = build("[process]\nenv = { clear = false, unset = ['CI_JOB_TOKEN', 'AWS_SECRET_ACCESS_KEY'] }\n");
  EXPECT_EQ(all.process.env,
            (Opts{"PATH=/usr/bin:/bin", "HOME=/home/u", "USER=u", "LC_ALL=C.UTF-8", "LC_TIME=en_GB.UTF-8", "TERM=xterm"}));
}

TEST_F(FromProfile, Process) {
  Spec s = build("[process]\ncwd = '/work'\nuid = 0\ngid = 0\numask = '027'\ntimeout = '1h30m'\nkeep_fds = [3, 7]\n");
  EXPECT_EQ(s.process.cwd, "/work");
  EXPECT_EQ(s.process.uid, 0u);
  EXPECT_EQ(s.linux.uid_mappings[0].container_id, 0u);
  EXPECT_EQ(s.linux.uid_mappings[0].host_id, 1000u);
  EXPECT_EQ(s.linux.gid_mappings[0].container_id, 0u);
  EXPECT_EQ(s.process.umask, 027u);
  EXPECT_EQ(s.sbx.timeout->count(), 5400000);
  EXPECT_EQ(s.sbx.keep_fds, (std::vector<int>{3, 7}));
  EXPECT_EQ(build("[process]\numask = 0o077\n").process.umask, 077u);
}

// sbx-profile(5): "a bare number is seconds".
TEST_F(FromProfile, TimeoutAsABareNumberIsSeconds) {
  Spec s = build("[process]\ntimeout = 45\n");
  ASSERT_TRUE(s.sbx.timeout);
  EXPECT_EQ(s.sbx.timeout->count(), 45000);
}

TEST_F(FromProfile, NamespacesAndNetwork) {
  Spec s = build("[namespaces]\npid = false\nipc = false\nuts = false\ncgroup = false\n[network]\nmode = 'host'\n"
                 "[filesystem]\nproc = false\n");
  EXPECT_EQ(namespaces(s), (Opts{"user", "mount"}));
  EXPECT_EQ(s.hostname, "");
  EXPECT_EQ(build("[namespaces]\nhostname = 'build-1.example'\n").hostname, "build-1.example");
  EXPECT_EQ(build("[namespaces]\nhostname = ''\n").hostname, "");
  // An inherited hostname is dropped with hostname = "" when uts goes.
  dir.write("base.toml", "[namespaces]\nhostname = 'box'\n");
  EXPECT_EQ(build("extends = './base.toml'\n[namespaces]\nuts = false\nhostname = ''\n").hostname, "");
}

TEST_F(FromProfile, Capabilities) {
  Spec s = build("[capabilities]\nadd = ['net_raw', 'CAP_NET_RAW', 'cap_sys_ptrace', 'Chown']\n");
  Opts caps{"CAP_NET_RAW", "CAP_SYS_PTRACE", "CAP_CHOWN"};
  EXPECT_EQ(s.process.capabilities.bounding, caps);
  EXPECT_EQ(s.process.capabilities.effective, caps);
  EXPECT_EQ(s.process.capabilities.permitted, caps);
  EXPECT_EQ(s.process.capabilities.inheritable, caps);
  EXPECT_EQ(s.process.capabilities.ambient, caps);
}

TEST_F(FromProfile, Limits) {
  Spec s = build("[limits]\nnofile = 1024\nnproc = 'unlimited'\nfsize = '1G'\ncpu = '10m'\ncore = 0\nas = '512MiB'\n"
                 "stack = 8388608\nrttime = '500ms'\nnice = 10\nRLIMIT_MEMLOCK = '64k'\n");
  EXPECT_EQ(rlimit(s, "RLIMIT_NOFILE")->hard, 1024u);
  EXPECT_EQ(rlimit(s, "RLIMIT_NOFILE")->soft, 1024u);
  EXPECT_EQ(rlimit(s, "RLIMIT_NPROC")->hard, RLIM_INFINITY);
  EXPECT_EQ(rlimit(s, "RLIMIT_FSIZE")->hard, 1u << 30);
  EXPECT_EQ(rlimit(s, "RLIMIT_CPU")->hard, 600u);
  EXPECT_EQ(rlimit(s, "RLIMIT_CORE")->hard, 0u);
  EXPECT_EQ(rlimit(s, "RLIMIT_AS")->hard, 512u << 20);
  EXPECT_EQ(rlimit(s, "RLIMIT_STACK")->hard, 8388608u);
  EXPECT_EQ(rlimit(s, "RLIMIT_RTTIME")->hard, 500000u);
  EXPECT_EQ(rlimit(s, "RLIMIT_NICE")->hard, 10u);
  EXPECT_EQ(rlimit(s, "RLIMIT_MEMLOCK")->hard, 65536u);
  EXPECT_EQ(build("[limits]\ncpu = 30\n").process.rlimits[0].hard, 30u);
}

TEST_F(FromProfile, DescriptionAndSeccomp) {
  Spec s = build("description = 'Just a test'\n[seccomp]\ndeny = ['ptrace']\n");
  EXPECT_EQ(s.sbx.description, "Just a test");
  ASSERT_TRUE(s.linux.seccomp);
  EXPECT_EQ(s.linux.seccomp->default_action, "SCMP_ACT_ALLOW");
}

TEST_F(FromProfile, ContextFromTheProcess) {
  BuildContext ctx = BuildContext::from_process({"x"});
  EXPECT_EQ(ctx.caller_uid, ::getuid());
  EXPECT_EQ(ctx.args, (Opts{"x"}));
  struct rlimit rl {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &rl), 0);
  EXPECT_EQ(ctx.hard_limits["RLIMIT_NOFILE"], rl.rlim_max);
  EXPECT_GE(ctx.nr_open, 1024u);
}

// ---- Paths ---------------------------------------------------------------------

TEST_F(FromProfile, NormalizeSandboxPath) {
  EXPECT_EQ(normalize_sandbox_path("/"), "/");
  EXPECT_EQ(normalize_sandbox_path("//a/./b//"), "/a/b");
  EXPECT_EQ(error_of([] { normalize_sandbox_path(""); }), "empty path");
  EXPECT_EQ(error_of([] { normalize_sandbox_path("a/b"); }), "path must be absolute: \"a/b\"");
  EXPECT_EQ(error_of([] { normalize_sandbox_path("/a/../b"); }), "'..' is not allowed in a path: \"/a/../b\"");
  EXPECT_EQ(error_of([] { normalize_sandbox_path("/a\nb"); }), "control character in path \"/a\\nb\"");
  EXPECT_EQ(error_of([] { normalize_sandbox_path("/" + std::string(PATH_MAX, 'x')); }), "path is longer than PATH_MAX (4096)");
  EXPECT_EQ(error_of([] { normalize_sandbox_path("/" + std::string(NAME_MAX + 1, 'x')); }),
            "path component longer than NAME_MAX (255): \"" + std::string(32, 'x') + "...\"");
  EXPECT_EQ(normalize_sandbox_path("/" + std::string(NAME_MAX, 'x')), "/" + std::string(NAME_MAX, 'x'));
}

TEST_F(FromProfile, BadPathsNameFileLineAndKey) {
  EXPECT_EQ(err("[filesystem]\nro = ['usr']\n"), "p.toml:2:7: [filesystem] ro: path must be absolute: \"usr\"");
  EXPECT_EQ(err("[filesystem]\nrw = ['/srv:data']\n"), "p.toml:2:7: [filesystem] rw: path must be absolute: \"data\"");
  EXPECT_EQ(err("[filesystem]\nrw = ['/srv:']\n"), "p.toml:2:7: [filesystem] rw: empty path");
  EXPECT_EQ(err("[filesystem]\nro = ['/usr/../etc']\n"),
            "p.toml:2:7: [filesystem] ro: '..' is not allowed in a path: \"/usr/../etc\"");
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['tmp']\n"), "p.toml:2:10: [filesystem] tmpfs: path must be absolute: \"tmp\"");
  EXPECT_EQ(err("[filesystem]\nmasked = ['/a/..']\n"), "p.toml:2:11: [filesystem] masked: '..' is not allowed in a path: \"/a/..\"");
  EXPECT_EQ(err("[filesystem]\nmasked = ['/']\n"), "p.toml:2:11: [filesystem] masked: cannot mask /");
  EXPECT_EQ(err("[process]\ncwd = 'src'\n"), "p.toml:2:7: [process] cwd: path must be absolute: \"src\"");
  EXPECT_EQ(err("[filesystem]\nro = ['/" + std::string(PATH_MAX, 'a') + "']\n"),
            "p.toml:2:7: [filesystem] ro: path is longer than PATH_MAX (4096)");
  EXPECT_EQ(err("[filesystem]\nro = [\"/a\\u0001b\"]\n"), "p.toml:2:7: [filesystem] ro: control character in path \"/a\\x01b\"");
  EXPECT_EQ(err("[filesystem]\nsymlinks = ['/usr/bin:bin']\n"),
            "p.toml:2:13: [filesystem] symlinks: path must be absolute: \"bin\"");
  EXPECT_EQ(err("[filesystem]\nsymlinks = ['/usr/bin']\n"),
            "p.toml:2:13: [filesystem] symlinks: expected \"TARGET:PATH\", got \"/usr/bin\"");
  EXPECT_EQ(err("[filesystem]\nsymlinks = [\"a\\u001b[2J:/x\"]\n"),
            "p.toml:2:13: [filesystem] symlinks: control character in symlink target \"a\\x1b[2J\"");
  EXPECT_EQ(err("[filesystem]\nsymlinks = ['x:/']\n"), "p.toml:2:13: [filesystem] symlinks: cannot replace / with a symlink");
}

// ---- Duplicate destinations -----------------------------------------------------

TEST_F(FromProfile, DuplicateDestinationsNameBothPlaces) {
  EXPECT_EQ(err("[filesystem]\nro = ['/usr']\nrw = ['/srv:/usr']\n"),
            "p.toml:3:7: [filesystem] rw: '/usr' is mounted twice (also at p.toml:2:7)");
  EXPECT_EQ(err("[filesystem]\nro = ['/usr', '/usr/']\n"),
            "p.toml:2:15: [filesystem] ro: '/usr' is mounted twice (also at p.toml:2:7)");
  EXPECT_EQ(err("[filesystem]\nro = ['/opt']\ntmpfs = ['/opt:mode=700']\n"),
            "p.toml:3:10: [filesystem] tmpfs: '/opt' is mounted twice (also at p.toml:2:7)");
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['/x']\nsymlinks = ['y:/x']\n"),
            "p.toml:3:13: [filesystem] symlinks: '/x' is mounted twice (also at p.toml:2:10)");
  EXPECT_EQ(err("[filesystem]\nro = ['/x']\n[[filesystem.mount]]\ndestination = '/x'\ntype = 'tmpfs'\n"),
            "p.toml:4:15: [[filesystem.mount]] destination: '/x' is mounted twice (also at p.toml:2:7)");
  EXPECT_EQ(err("[[filesystem.mount]]\ndestination = '/x'\ntype = 'tmpfs'\n[[filesystem.mount]]\ndestination = '/x/'\n"
                "type = 'proc'\n"),
            "p.toml:5:15: [[filesystem.mount]] destination: '/x' is mounted twice (also at p.toml:2:15)");
}

TEST_F(FromProfile, DuplicateDestinationsAcrossExtendsSayHowToRemove) {
  dir.write("base.toml", "[filesystem]\nro = ['/usr']\n");
  EXPECT_EQ(err("extends = './base.toml'\n[filesystem]\nrw = ['/usr']\n"),
            "p.toml:3:7: [filesystem] rw: '/usr' is mounted twice (also at base.toml:2:7); to replace the inherited "
            "entry, remove it with \"!ENTRY\" in the array that declares it");
  EXPECT_EQ(err("extends = './base.toml'\n[filesystem]\nro = ['!/usr']\nrw = ['/usr']\n"), "no error");
}

TEST_F(FromProfile, DuplicatesOfBuiltInMountsSayWhichSwitch) {
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['/dev']\n"),
            "p.toml:2:10: [filesystem] tmpfs: '/dev' is mounted twice (also by [filesystem] dev = true; set dev = false "
            "to mount your own /dev)");
  EXPECT_EQ(err("[filesystem]\nro = ['/proc']\n"),
            "p.toml:2:7: [filesystem] ro: only a fresh procfs may be mounted at /proc, not a bind");
  EXPECT_EQ(err("[[filesystem.mount]]\ndestination = '/proc'\ntype = 'proc'\n"),
            "p.toml:2:15: [[filesystem.mount]] destination: '/proc' is mounted twice (also by [filesystem] proc = "
            "true; set proc = false to mount your own)");
  EXPECT_EQ(err("[filesystem]\ndev = false\ntmpfs = ['/dev']\n"), "no error");
}

TEST_F(FromProfile, MirrorDuplicatesAreErrors) {
  std::string d = dir.path();
  ASSERT_EQ(::symlink("usr/lib", (d + "/lib").c_str()), 0);
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['" + d + "/lib']\nmirror = ['" + d + "/lib']\n"),
            "p.toml:3:11: [filesystem] mirror: 'lib' is mounted twice (also at p.toml:2:10)");  // (dir cut)
}

// ---- tmpfs and [[filesystem.mount]] -------------------------------------------

TEST_F(FromProfile, BadTmpfsEntries) {
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['/t:mode=999']\n"),
            "p.toml:2:10: [filesystem] tmpfs: tmpfs mode must be octal, like mode=1777: \"mode=999\"");
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['/t:size=lots']\n"),
            "p.toml:2:10: [filesystem] tmpfs: invalid tmpfs size \"size=lots\" (like size=64M, or size=25% of the RAM)");
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['/t:sise=1M']\n"),
            "p.toml:2:10: [filesystem] tmpfs: unknown tmpfs option \"sise=1M\" (did you mean 'size'?) (mode=, size=, "
            "noexec, ro)");
  EXPECT_EQ(err("[filesystem]\ntmpfs = ['/t:size=1M,size=2M']\n"),
            "p.toml:2:10: [filesystem] tmpfs: tmpfs option \"size\" given twice");
}

TEST_F(FromProfile, BadFullMounts) {
  const std::string m = "[[filesystem.mount]]\n";
  EXPECT_EQ(err(m + "type = 'tmpfs'\n"), "p.toml:1:1: [[filesystem.mount]] needs a destination");
  EXPECT_EQ(err(m + "destination = '/x'\n"),
            "p.toml:1:1: [[filesystem.mount]] needs a type (bind, tmpfs, proc, devpts, mqueue, sysfs)");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpsf'\n"),
            "p.toml:3:8: [[filesystem.mount]] type: unsupported mount type 'tmpsf' (did you mean 'tmpfs'?) (bind, tmpfs, "
            "proc, devpts, mqueue, sysfs)");
  EXPECT_EQ(err(m + "destination = 'x'\ntype = 'tmpfs'\n"),
            "p.toml:2:15: [[filesystem.mount]] destination: path must be absolute: \"x\"");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'bind'\n"), "p.toml:1:1: a bind [[filesystem.mount]] needs a source");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'bind'\nsource = 'rel'\n"),
            "p.toml:4:10: [[filesystem.mount]] source: path must be absolute: \"rel\"");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptions = ['nosiud']\n"),
            "p.toml:4:12: [[filesystem.mount]] options: unknown mount option 'nosiud' (did you mean 'nosuid'?)");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'bind'\nsource = '/usr'\noptions = ['size=1M']\n"),
            "p.toml:5:12: [[filesystem.mount]] options: a bind mount takes no key=value options, not \"size=1M\"");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptions = ['huge=always']\n"),
            "p.toml:4:12: [[filesystem.mount]] options: unknown tmpfs option \"huge=always\" (size=, mode=, nr_inodes=, "
            "uid=, gid=)");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptions = ['size=big']\n"),
            "p.toml:4:12: [[filesystem.mount]] options: invalid size \"big\" (like 64M or 1G)");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptions = ['rbind']\n"),
            "p.toml:4:12: [[filesystem.mount]] options: 'rbind' only goes with type = \"bind\"");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptions = ['ro', 'rw']\n"),
            "p.toml:1:1: [[filesystem.mount]] options: 'ro' and 'rw' contradict each other");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptions = ['ro', 'ro']\n"),
            "p.toml:4:18: [[filesystem.mount]] options: \"ro\" given twice");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptional = true\n"),
            "p.toml:4:12: [[filesystem.mount]] optional only applies to bind mounts (a missing source)");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'tmpfs'\noptinal = true\n"),
            "p.toml:4:1: unknown key 'optinal' in [[filesystem.mount]] (did you mean 'optional'?)");
  EXPECT_EQ(err(m + "destination = '/x'\ntype = 'proc'\noptions = ['hidepid=7']\n"),
            "p.toml:4:12: [[filesystem.mount]] options: hidepid must be off, noaccess, invisible or ptraceable: "
            "\"hidepid=7\"");
  EXPECT_EQ(err("[filesystem]\nmount = ['/x']\n"), "p.toml:2:10: [[filesystem.mount]] entries must be tables, not a string");
  EXPECT_EQ(err("[filesystem.mount]\ndestination = '/x'\ntype = 'tmpfs'\n"),
            "p.toml:1:1: [filesystem] mount is an array of tables: write [[filesystem.mount]], with two brackets");
}

// ---- [process] -----------------------------------------------------------------

TEST_F(FromProfile, BadProcessValues) {
  EXPECT_EQ(err("[process]\ntimeout = '10 minutes'\n"),
            "p.toml:2:11: [process] timeout: invalid duration \"10 minutes\" (like \"90s\", \"30m\", \"1h30m\", or 45 for seconds)");
  EXPECT_EQ(err("[process]\ntimeout = '0s'\n"),
            "p.toml:2:11: [process] timeout: invalid duration \"0s\" (like \"90s\", \"30m\", \"1h30m\", or 45 for seconds)");
  EXPECT_EQ(err("[process]\ntimeout = 0\n"), "p.toml:2:11: [process] timeout must be a positive number of seconds, not 0");
  EXPECT_EQ(err("[process]\ntimeout = 1.5\n"),
            "p.toml:2:11: [process] timeout must be a number of seconds or a duration like \"90s\", not a float");
  EXPECT_EQ(err("[process]\numask = '0999'\n"), "p.toml:2:9: [process] umask must be an octal mode like \"022\" or 0o022");
  EXPECT_EQ(err("[process]\numask = 0o1000\n"), "p.toml:2:9: [process] umask must be an octal mode like \"022\" or 0o022");
  EXPECT_EQ(err("[process]\nuid = -1\n"), "p.toml:2:7: [process] uid must be between 0 and 4294967294, not -1");
  EXPECT_EQ(err("[process]\ngid = 4294967295\n"),
            "p.toml:2:7: [process] gid must be between 0 and 4294967294, not 4294967295");
  EXPECT_EQ(err("[process]\nkeep_fds = [2]\n"), "p.toml:2:13: [process] keep_fds entries are fd numbers from 3 to 65535");
  EXPECT_EQ(err("[process]\nargs = ['x']\n"), "p.toml:2:1: unknown key 'args' in [process]");
  EXPECT_EQ(err("[process]\ncwdd = '/'\n"), "p.toml:2:1: unknown key 'cwdd' in [process] (did you mean 'cwd'?)");
}

TEST_F(FromProfile, BadEnvironmentValues) {
  EXPECT_EQ(err("[process]\nenv = ['PATH']\n"),
            "p.toml:2:7: [process] env must be a table like { clear = true, keep = [\"PATH\"] }, not an array");
  EXPECT_EQ(err("[process.env]\nkeep = ['PATH=/bin']\n"),
            "p.toml:2:9: [process.env] keep: \"PATH=/bin\" is not a variable name");
  EXPECT_EQ(err("[process.env]\nkeep = ['']\n"), "p.toml:2:9: [process.env] keep: \"\" is not a variable name");
  EXPECT_EQ(err("[process.env]\nunset = ['A=1']\n"), "p.toml:2:10: [process.env] unset: \"A=1\" is not a variable name");
  EXPECT_EQ(err("[process.env]\nunset = ['LC_*']\n"),
            "p.toml:2:10: [process.env] unset: \"LC_*\" is a pattern; unset takes variable names");
  EXPECT_EQ(err("[process.env]\nset = { 'A=B' = 'x' }\n"), "p.toml:2:9: [process.env] set: invalid variable name 'A=B'");
  EXPECT_EQ(err("[process.env]\nset = { \"A\\u0007\" = 'x' }\n"),
            "p.toml:2:9: [process.env] set: invalid variable name 'A\\x07'");
  EXPECT_EQ(err("[process.env]\nset = { A = 1 }\n"), "p.toml:2:13: [process.env] set.A must be a string, not an integer");
  EXPECT_EQ(err("[process.env]\nclear = 'yes'\n"), "p.toml:2:9: [process.env] clear must be true or false, not a string");
  EXPECT_EQ(err("[process.env]\nkep = []\n"), "p.toml:2:1: unknown key 'kep' in [process.env] (did you mean 'keep'?)");
}

// ---- [namespaces], [network], [capabilities] -----------------------------------

TEST_F(FromProfile, BadNamespaces) {
  EXPECT_EQ(err("[namespaces]\nuser = false\n"),
            "p.toml:2:8: [namespaces] user cannot be turned off: sbx is rootless and builds its root in a new user "
            "namespace");
  EXPECT_EQ(err("[namespaces]\nnetwork = false\n"),
            "p.toml:2:11: [namespaces] network: set [network] mode = \"none\" or \"host\" instead");
  EXPECT_EQ(err("[namespaces]\nhostname = 'my_host'\n"),
            "p.toml:2:12: [namespaces] hostname must be 1-64 letters, digits, '-' or '.', not \"my_host\"");
  EXPECT_EQ(err("[namespaces]\nhostname = \"a\\u0001\"\n"),
            "p.toml:2:12: [namespaces] hostname must be 1-64 letters, digits, '-' or '.', not \"a\\x01\"");
  EXPECT_EQ(err("[namespaces]\nhostname = '" + std::string(65, 'h') + "'\n"),
            "p.toml:2:12: [namespaces] hostname must be 1-64 letters, digits, '-' or '.', not \"" + std::string(65, 'h') +
                "\"");
  EXPECT_EQ(err("[namespaces]\nuts = false\nhostname = 'x'\n"),
            "p.toml:3:12: [namespaces] hostname needs the uts namespace: set uts = true, or hostname = \"\" to set none");
  EXPECT_EQ(err("[namespaces]\npid = false\n"),
            "p.toml:2:7: [namespaces] pid = false: a fresh /proc needs the pid namespace; also set [filesystem] proc = "
            "false");
  EXPECT_EQ(err("[namespaces]\npdi = false\n"), "p.toml:2:1: unknown key 'pdi' in [namespaces] (did you mean 'pid'?)");
  BuildContext ctx = test_context();
  ctx.caller_user = "sbx-unit-no-such-user";
  ctx.caller_uid = 4000000000u;
  EXPECT_EQ(err("[namespaces]\nsubordinate_ids = true\n", ctx),
            "p.toml:2:19: [namespaces] subordinate_ids: user 'sbx-unit-no-such-user' has "
            "no range in /etc/subuid (add one with `usermod --add-subuids 100000-165535 --add-subgids 100000-165535 "
            "sbx-unit-no-such-user`)");
}

TEST_F(FromProfile, BadNetworkAndCapabilities) {
  EXPECT_EQ(err("[network]\nmode = 'nnoe'\n"),
            "p.toml:2:8: [network] mode must be \"none\" or \"host\", not \"nnoe\" (did you mean 'none'?)");
  EXPECT_EQ(err("[network]\nmode = 'bridge'\n"), "p.toml:2:8: [network] mode must be \"none\" or \"host\", not \"bridge\"");
  EXPECT_EQ(err("[network]\nallow = []\n"), "p.toml:2:1: unknown key 'allow' in [network]");
  EXPECT_EQ(err("[capabilities]\nadd = ['net_raww']\n"),
            "p.toml:2:8: [capabilities] add: unknown capability 'net_raww' (did you mean 'CAP_NET_RAW'?)");
  EXPECT_EQ(err("[capabilities]\nadd = ['12']\n"), "p.toml:2:8: [capabilities] add: unknown capability '12'");
  EXPECT_EQ(err("[capabilities]\ndrop = ['CHOWN']\n"), "p.toml:2:1: unknown key 'drop' in [capabilities]");
}

// ---- [limits] ------------------------------------------------------------------

TEST_F(FromProfile, BadLimits) {
  EXPECT_EQ(err("[limits]\nnofle = 10\n"), "p.toml:2:1: unknown key 'nofle' in [limits] (did you mean 'nofile'?)");
  EXPECT_EQ(err("[limits]\nRLIMIT_BOGUS = 10\n"), "p.toml:2:1: unknown key 'RLIMIT_BOGUS' in [limits]");
  EXPECT_EQ(err("[limits]\nnofile = 10\nRLIMIT_NOFILE = 20\n"),
            "p.toml:3:1: [limits] 'RLIMIT_NOFILE' and 'nofile' set the same limit (RLIMIT_NOFILE)");
  EXPECT_EQ(err("[limits]\nnofile = -1\n"), "p.toml:2:10: [limits] nofile cannot be negative");
  EXPECT_EQ(err("[limits]\nfsize = '1Q'\n"),
            "p.toml:2:9: [limits] fsize: invalid value \"1Q\" (a number of bytes, a size like \"1G\", or \"unlimited\")");
  EXPECT_EQ(err("[limits]\ncpu = 'ten'\n"),
            "p.toml:2:7: [limits] cpu: invalid value \"ten\" (a number of seconds, a duration like \"10m\", or "
            "\"unlimited\")");
  EXPECT_EQ(err("[limits]\ncpu = '1500ms'\n"), "p.toml:2:7: [limits] cpu: \"1500ms\" is not a whole number of seconds");
  EXPECT_EQ(err("[limits]\nnofile = '1k'\n"), "p.toml:2:10: [limits] nofile: invalid value \"1k\" (a number, or \"unlimited\")");
  EXPECT_EQ(err("[limits]\nnofile = 'unlimited'\n"),
            "p.toml:2:10: [limits] nofile: \"unlimited\" is above the kernel's maximum for open files, fs.nr_open = "
            "1048576");
  EXPECT_EQ(err("[limits]\nnofile = 2000000\n"),
            "p.toml:2:10: [limits] nofile: 2000000 is above the kernel's maximum for open files, fs.nr_open = 1048576");
  EXPECT_EQ(err("[limits]\nnice = 41\n"), "p.toml:2:8: [limits] nice must be between 0 and 40, not 41");
  EXPECT_EQ(err("[limits]\nrtprio = 'unlimited'\n"), "p.toml:2:10: [limits] rtprio: invalid value \"unlimited\" (a number)");
  EXPECT_EQ(err("[limits]\nnproc = true\n"),
            "p.toml:2:9: [limits] nproc must be an integer or a string (a number, or \"unlimited\"), not a boolean");
  BuildContext ctx = test_context();
  ctx.hard_limits["RLIMIT_NOFILE"] = 4096;
  ctx.hard_limits["RLIMIT_CORE"] = RLIM_INFINITY;
  EXPECT_EQ(err("[limits]\nnofile = 8192\n", ctx),
            "p.toml:2:10: [limits] nofile: 8192 is above the caller's hard limit (4096), which a sandbox cannot raise; "
            "raise it before starting sbx (ulimit -H)");
  EXPECT_EQ(err("[limits]\nnofile = 4096\ncore = 'unlimited'\n", ctx), "no error");
}

// ---- The top level, [seccomp], description -------------------------------------

TEST_F(FromProfile, TopLevelStrictness) {
  EXPECT_EQ(err("[filesytem]\nro = ['/usr']\n"), "p.toml:1:2: unknown table [filesytem] (did you mean [filesystem]?)");
  EXPECT_EQ(err("[proces.env]\nclear = true\n"), "p.toml:1:2: unknown table [proces] (did you mean [process]?)");
  EXPECT_EQ(err("[[limit]]\nnofile = 1\n"), "p.toml:1:3: unknown table [[limit]] (did you mean [[limits]]?)");
  EXPECT_EQ(err("[[bogus]]\nx = 1\n"), "p.toml:1:3: unknown table [[bogus]]");
  EXPECT_EQ(err("name = 'x'\n"), "p.toml:1:1: unknown key 'name' at the top level");
  EXPECT_EQ(err("description = 3\n"), "p.toml:1:15: 'description' must be a string, not an integer");
  EXPECT_EQ(err("description = \"two\\nlines\"\n"),
            "p.toml:1:15: 'description' must be one line of text without control characters");
  EXPECT_EQ(err("filesystem = 'ro'\n"), "p.toml:1:14: 'filesystem' must be a table, not a string");
  EXPECT_EQ(err("[filesystem]\nro = '/usr'\n"), "p.toml:2:6: [filesystem] ro must be an array of strings, not a string");
  EXPECT_EQ(err("[filesystem]\nproc = 1\n"), "p.toml:2:8: [filesystem] proc must be true or false, not an integer");
}

TEST_F(FromProfile, SeccompNamesAreChecked) {
  // The [seccomp] messages are spec/from_profile_seccomp's; checked here for position
  // and the offending name.
  std::string e = err("[seccomp]\ndeny = ['ptrace', 'opne']\n");
  EXPECT_EQ(e.rfind("p.toml:2:19: [seccomp] deny", 0), 0u) << e;
  EXPECT_NE(e.find("unknown syscall 'opne'"), std::string::npos) << e;
  e = err("[seccomp]\ndeny_errno = 'EPREM'\ndeny = ['ptrace']\n");
  EXPECT_EQ(e.rfind("p.toml:2:14: [seccomp] deny_errno", 0), 0u) << e;
  EXPECT_NE(e.find("unknown errno 'EPREM' (did you mean 'EPERM'?)"), std::string::npos) << e;
  e = err("[seccomp]\ndenny = ['ptrace']\n");
  EXPECT_EQ(e, "p.toml:2:1: unknown key 'denny' in [seccomp] (did you mean 'deny'?)");
}

TEST_F(FromProfile, NothingIsSilentlyIgnoredInEveryTable) {
  for (const char* table : {"process", "process.env", "filesystem", "network", "namespaces", "capabilities", "seccomp"}) {
    std::string e = err(std::string("[") + table + "]\nxyzzy = 1\n");
    EXPECT_EQ(e, std::string("p.toml:2:1: unknown key 'xyzzy' in [") + table + "]") << table;
  }
}

}  // namespace
}  // namespace sbx

namespace sbx {
namespace {

// Every error of a file in one go, in file order, each with file:line:col.
TEST_F(FromProfile, ReportsEveryErrorOfAFileAtOnce) {
  std::string e = err(
      "[filesystem]\nrox = ['/usr']\nro = ['relative']\ntmpfs = 5\n"
      "[process]\ncwd = 3\numask = '999'\n"
      "[network]\nmode = 'hots'\n"
      "[namespaces]\nhostnam = 'x'\n");
  EXPECT_EQ(e,
            "p.toml:2:1: unknown key 'rox' in [filesystem] (did you mean 'ro'?)\n"
            "p.toml:3:7: [filesystem] ro: path must be absolute: \"relative\"\n"
            "p.toml:4:9: [filesystem] tmpfs must be an array of strings, not an integer\n"
            "p.toml:6:7: [process] cwd must be a string, not an integer\n"
            "p.toml:7:9: [process] umask must be an octal mode like \"022\" or 0o022\n"
            "p.toml:9:8: [network] mode must be \"none\" or \"host\", not \"hots\" (did you mean 'host'?)\n"
            "p.toml:11:1: unknown key 'hostnam' in [namespaces] (did you mean 'hostname'?)");
}

TEST_F(FromProfile, TooManyErrorsAreCut) {
  std::string text = "[filesystem]\n";
  for (int i = 0; i < 25; ++i) text += "bad" + std::to_string(i) + " = 1\n";
  std::string e = err(text);
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 20) << e;
  EXPECT_NE(e.find("\n... and 5 more errors"), std::string::npos) << e;
}

// Keys in the wrong place say where they belong, rather than the nearest spelling.
TEST_F(FromProfile, MisplacedKeysSayWhereTheyBelong) {
  EXPECT_EQ(err("[process]\nkeep_env = ['CI']\n"),
            "p.toml:2:1: unknown key 'keep_env' in [process]; variables are kept, set and unset in [process.env]: "
            "[process.env] keep = ...");
  EXPECT_EQ(err("timeout = '10m'\n"),
            "p.toml:1:1: unknown key 'timeout' at the top level; timeout belongs in [process]: write it below a "
            "[process] line");
  EXPECT_EQ(err("[env]\nset = { A = 'b' }\n"),
            "p.toml:1:2: unknown table [env]; the environment is [process.env] (keep, set, unset)");
  EXPECT_EQ(err("[limits]\nmemory = '4G'\n"),
            "p.toml:2:1: unknown key 'memory' in [limits]; there is no memory limit as such: 'as' caps the address "
            "space (virtual memory), as = \"4G\"");
}

}  // namespace
}  // namespace sbx

namespace sbx {
namespace {

// The directories leading to the project in a private tmpfs are read-only: the topmost
// one below the tmpfs; none when the project is directly in it, or not in a tmpfs.
TEST_F(FromProfile, TheProjectsParentsInAPrivateTmpfsAreReadOnly) {
  const std::string text = "[filesystem]\nrw = ['${PWD}']\ntmpfs = ['${HOME}', '/tmp:mode=1777']\n";
  auto dirs = [&](const std::string& cwd) {
    BuildContext ctx = testing::test_context();
    ctx.cwd = cwd;
    Variables v = testing::test_variables();
    v.values["PWD"] = cwd;
    std::string p = dir.write("parents.toml", text);
    return build_spec(load_profile(p, v).table, ctx).sbx.readonly_dirs;
  };
  EXPECT_EQ(dirs("/home/u/src/proj"), (std::vector<std::string>{"/home/u/src"}));
  // Only the project's own parent: $HOME/go/pkg beside $HOME/go/src/x stays writable.
  EXPECT_EQ(dirs("/home/u/a/b/c/proj"), (std::vector<std::string>{"/home/u/a/b/c"}));
  EXPECT_EQ(dirs("/tmp/build/proj"), (std::vector<std::string>{"/tmp/build"}));
  EXPECT_TRUE(dirs("/home/u/proj").empty());  // directly in $HOME: it stays writable
  EXPECT_TRUE(dirs("/srv/proj").empty());     // below the read-only root already
}

TEST_F(FromProfile, TheCacheDirectoryIsInsideTheProject) {
  BuildContext ctx = test_context();
  ctx.cwd = "/work/proj";
  EXPECT_EQ(build("[filesystem]\ncache = '${PWD}/.cache'\n", ctx).sbx.cache_dir, "/work/proj/.cache");
  EXPECT_EQ(err("[filesystem]\ncache = '/var/cache/x'\n", ctx),
            "p.toml:2:9: [filesystem] cache: \"/var/cache/x\" is not inside the project (/work/proj): sbx makes the "
            "cache directory there");
}

}  // namespace
}  // namespace sbx
