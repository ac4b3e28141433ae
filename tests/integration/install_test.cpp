// Installation and packaging: `cmake --install` into a scratch prefix lays out the
// binary, the profiles, the man pages and the completions, and the installed sbx finds
// its profiles relative to itself (also after the prefix is moved); CPack builds a .deb
// with computed Depends, which `dpkg -x` unpacks into a scratch root where sbx runs.
//
// Needs: cmake, dpkg-dev (dpkg-shlibdeps), file, man-db (man -l).
// The build tree is the directory holding the sbx binary (SBX_BINARY).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness.hpp"

namespace sbx::test {

namespace {

namespace fs = std::filesystem;

const std::string kSource = SBX_SOURCE_DIR;
std::string build_dir() { return fs::path(SBX_BINARY).parent_path().string(); }

// Runs as the invoking user even when the suite runs as root: the build tree may not
// be readable by the unprivileged test user.
Result as_builder(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(120)) {
  RunOptions o;
  o.privileged = true;
  o.timeout = timeout;
  o.cwd = make_temp_dir("installer");
  return run(argv, o);
}

bool have(const std::string& tool) { return run({"sh", "-c", "command -v " + tool}).status == 0; }

// Lets the unprivileged test user read and enter everything below `dir`.
void open_up(const std::string& dir) {
  if (!running_as_root()) return;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); ++it)
    (void)::lchown(it->path().c_str(), test_uid(), test_gid());
  (void)::lchown(dir.c_str(), test_uid(), test_gid());
}

// What `cmake --install` must lay out under a prefix (relative paths), with the source
// each must be a copy of ("" for the binary).
struct Installed {
  std::string path, source;
};
std::vector<Installed> expected_files(const std::string& zsh_dir) {
  std::vector<Installed> v = {
      {"bin/sbx", ""},
      {"share/man/man1/sbx.1", "man/sbx.1"},
      {"share/man/man5/sbx-profile.5", "man/sbx-profile.5"},
      {"share/bash-completion/completions/sbx", "completions/sbx.bash"},
      {zsh_dir + "/_sbx", "completions/_sbx"},
      {"share/fish/vendor_completions.d/sbx.fish", "completions/sbx.fish"},
  };
  for (const auto& e : fs::directory_iterator(kSource + "/profiles"))
    if (e.path().extension() == ".toml")
      v.push_back({"share/sbx/profiles/" + e.path().filename().string(), "profiles/" + e.path().filename().string()});
  return v;
}

void expect_layout(const std::string& root, const std::string& zsh_dir) {
  for (const auto& f : expected_files(zsh_dir)) {
    std::string p = root + "/" + f.path;
    ASSERT_TRUE(fs::is_regular_file(p)) << p << " was not installed";
    if (!f.source.empty()) {
      EXPECT_EQ(read_file(p), read_file(kSource + "/" + f.source)) << p;
    }
  }
  EXPECT_TRUE(fs::status(root + "/bin/sbx").permissions() == (fs::perms::owner_all | fs::perms::group_read |
                                                               fs::perms::group_exec | fs::perms::others_read |
                                                               fs::perms::others_exec))
      << "bin/sbx should be 0755";
}

// Runs an installed sbx the way a user would, with nothing of the build tree around:
// its own directory not on PATH, an empty XDG_CONFIG_HOME.
Result run_installed(const std::string& sbx_path, const std::vector<std::string>& args) {
  RunOptions o;
  std::string home = make_temp_dir("home");
  o.clear_env = true;
  o.env = {"PATH=/usr/bin:/bin", "HOME=" + home, "XDG_CONFIG_HOME=" + home + "/.config", "LANG=C.UTF-8"};
  o.cwd = make_temp_dir("project");  // not $HOME: the default profile mounts a tmpfs there
  std::vector<std::string> argv = {sbx_path};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, o);
}

void expect_finds_own_profiles(const std::string& sbx_path, const std::string& profiles_dir) {
  Result r = run_installed(sbx_path, {"profiles"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("from " + profiles_dir + "/installed-only.toml"), std::string::npos)
      << "installed sbx does not list " << profiles_dir << ":\n" << r.out;
  // A file in the installed directory wins over the built-in copy of the same name
  // (unless /etc/sbx/profiles has one, which comes first).
  if (!fs::exists("/etc/sbx/profiles/default.toml")) {
    EXPECT_NE(r.out.find("from " + profiles_dir + "/default.toml"), std::string::npos) << r.out;
  }
  // A profile only the installed directory has is found by name.
  Result names = run_installed(sbx_path, {"profiles", "--names"});
  EXPECT_NE(names.out.find("installed-only\n"), std::string::npos) << names.out;
  Result check = run_installed(sbx_path, {"check", "installed-only"});
  EXPECT_EQ(check.status, 0) << check.err;
  EXPECT_NE(check.out.find(profiles_dir + "/installed-only.toml"), std::string::npos) << check.out;
}

void expect_man_renders(const std::string& page) {
  if (!have("man")) {
    ADD_FAILURE() << "man is not installed: apt-get install man-db";
    return;
  }
  RunOptions o;
  o.env = {"MANPAGER=cat", "PAGER=cat", "MANWIDTH=80"};
  Result r = run({"man", "-l", page}, o);
  EXPECT_EQ(r.status, 0) << page << "\n" << r.err;
  EXPECT_NE(r.out.find("NAME"), std::string::npos) << r.out.substr(0, 400);
  EXPECT_NE(r.out.find("SEE ALSO"), std::string::npos);
}

}  // namespace

TEST(Install, CmakeInstallLaysOutEverythingAndSbxFindsItsProfiles) {
  ASSERT_TRUE(have("cmake")) << "apt-get install cmake";
  std::string prefix = make_temp_dir("prefix") + "/usr-local";
  Result r = as_builder({"cmake", "--install", build_dir(), "--prefix", prefix});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  expect_layout(prefix, "share/zsh/site-functions");

  write_file(prefix + "/share/sbx/profiles/installed-only.toml",
             "extends = \"default\"\ndescription = \"only in this prefix\"\n");
  open_up(prefix);
  Result v = run_installed(prefix + "/bin/sbx", {"--version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out.rfind("sbx ", 0), 0u) << v.out;
  expect_finds_own_profiles(prefix + "/bin/sbx", prefix + "/share/sbx/profiles");

  // Relocatable: the profiles are found relative to the binary, not the configured prefix.
  std::string moved = fs::path(prefix).parent_path().string() + "/moved";
  fs::rename(prefix, moved);
  expect_finds_own_profiles(moved + "/bin/sbx", moved + "/share/sbx/profiles");
  expect_man_renders(moved + "/share/man/man1/sbx.1");
  expect_man_renders(moved + "/share/man/man5/sbx-profile.5");
}

TEST(Install, CpackBuildsADebThatRunsFromAScratchRoot) {
  ASSERT_TRUE(have("cpack")) << "apt-get install cmake";
  ASSERT_TRUE(have("dpkg-shlibdeps")) << "apt-get install dpkg-dev";
  ASSERT_TRUE(have("file")) << "apt-get install file (CPack's DEB generator runs it to find the binaries)";
  ASSERT_TRUE(fs::exists(build_dir() + "/CPackConfig.cmake"))
      << "no CPackConfig.cmake: the top-level CMakeLists.txt must include(cmake/packaging.cmake)";
  std::string out = make_temp_dir("deb");
  Result r = as_builder({"cpack", "--config", build_dir() + "/CPackConfig.cmake", "-B", out}, std::chrono::seconds(240));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::string deb;
  for (const auto& e : fs::directory_iterator(out))
    if (e.path().extension() == ".deb") deb = e.path().string();
  ASSERT_FALSE(deb.empty()) << r.out;

  Result info = run({"dpkg-deb", "--field", deb, "Package", "Version", "Section", "Maintainer", "Depends"});
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("Package: sbx\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("Section: utils\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("Maintainer: "), std::string::npos) << info.out;
  // Computed by dpkg-shlibdeps from what the binary links: exactly the shared libraries
  // it needs (with SBX_STATIC_DEPS, the default, none: sbx is a static PIE).
  std::string linked = run({"ldd", sbx_binary()}).out;
  for (auto [lib, dep] : {std::pair{"libc.so", "libc6"}, std::pair{"libseccomp.so", "libseccomp2"}, std::pair{"libcap.so", "libcap2"},
                          std::pair{"libstdc++.so", "libstdc++6"}, std::pair{"libtomlplusplus.so", "libtomlplusplus"}}) {
    bool dynamic = linked.find(lib) != std::string::npos;
    EXPECT_EQ(info.out.find(dep) != std::string::npos, dynamic)
        << dep << (dynamic ? " missing from" : " needlessly in") << " Depends:\n" << info.out << "ldd:\n" << linked;
  }
  std::string version = sbx({"--version"}).out;  // "sbx X.Y.Z\n"
  EXPECT_NE(info.out.find("Version: " + version.substr(4)), std::string::npos) << info.out << version;

  std::string root = make_temp_dir("root");
  Result x = run({"dpkg", "-x", deb, root});
  ASSERT_EQ(x.status, 0) << x.err;
  // Debian's zsh looks in /usr/share/zsh/vendor-completions, not .../site-functions.
  bool debian = fs::exists("/etc/debian_version");
  expect_layout(root + "/usr", debian ? "share/zsh/vendor-completions" : "share/zsh/site-functions");
  write_file(root + "/usr/share/sbx/profiles/installed-only.toml", "extends = \"default\"\n");
  open_up(root);
  Result v = run_installed(root + "/usr/bin/sbx", {"--version"});
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_EQ(v.out, version);
  expect_finds_own_profiles(root + "/usr/bin/sbx", root + "/usr/share/sbx/profiles");
  expect_man_renders(root + "/usr/share/man/man1/sbx.1");
  Result help = run_installed(root + "/usr/bin/sbx", {"completion", "bash"});
  EXPECT_EQ(help.out, read_file(root + "/usr/share/bash-completion/completions/sbx"));
}

}  // namespace sbx::test
