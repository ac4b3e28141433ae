// spec/from_oci: config.json -> Spec. What sbx supports is mapped field by field; what it
// does not is refused with the JSON path in the message, never ignored.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "spec/from_oci.hpp"
#include "spec/oci_json.hpp"
#include "util/error.hpp"

namespace sbx {
namespace {

using nlohmann::json;

constexpr uid_t kUid = 1000;
constexpr gid_t kGid = 1000;

OciContext ctx() { return {"b/config.json", "/bundles/b", kUid, kGid}; }

// What `runc spec --rootless` writes for uid 1000, made acceptable to sbx.
json base() {
  return json::parse(R"({
    "ociVersion": "1.0.2",
    "process": {
      "terminal": false,
      "user": {"uid": 0, "gid": 0},
      "args": ["sh", "-c", "true"],
      "env": ["PATH=/usr/bin:/bin", "TERM=xterm"],
      "cwd": "/",
      "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]},
      "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 512}],
      "noNewPrivileges": true
    },
    "root": {"path": "rootfs", "readonly": true},
    "hostname": "box",
    "mounts": [
      {"destination": "/proc", "type": "proc", "source": "proc"},
      {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
      {"destination": "/sys", "type": "none", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]},
      {"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "rro"]}
    ],
    "linux": {
      "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
      "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
      "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "user"}],
      "maskedPaths": ["/proc/kcore"],
      "readonlyPaths": ["/proc/sys"]
    }
  })");
}

// The error message of converting `config`, or "" when it converts.
std::string error_of(const json& config) {
  try {
    spec_from_oci_json(config, ctx());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(OciFromOci, MapsEveryFieldItSupports) {
  Spec s = spec_from_oci_json(base(), ctx());
  EXPECT_EQ(s.process.args, (std::vector<std::string>{"sh", "-c", "true"}));
  EXPECT_EQ(s.process.env.size(), 2u);
  EXPECT_EQ(s.process.cwd, "/");
  EXPECT_EQ(s.process.uid, 0u);
  EXPECT_EQ(s.process.capabilities.bounding, (std::vector<std::string>{"CAP_KILL"}));
  EXPECT_TRUE(s.process.capabilities.inheritable.empty());
  ASSERT_EQ(s.process.rlimits.size(), 1u);
  EXPECT_EQ(s.process.rlimits[0].soft, 512u);
  EXPECT_TRUE(s.process.no_new_privileges);
  EXPECT_EQ(s.root.path, "/bundles/b/rootfs");
  EXPECT_TRUE(s.root.readonly);
  EXPECT_EQ(s.hostname, "box");
  ASSERT_EQ(s.mounts.size(), 4u);
  EXPECT_EQ(s.mounts[2].type, "bind");  // "none" + rbind
  EXPECT_EQ(s.mounts[3].source, "/bundles/b/data");  // relative to the bundle
  EXPECT_TRUE(s.mounts[3].has_option("ro"));          // rro: sbx applies ro to every submount
  EXPECT_TRUE(s.has_namespace("user") && s.has_namespace("uts") && !s.has_namespace("network"));
  EXPECT_EQ(s.linux.masked_paths, (std::vector<std::string>{"/proc/kcore"}));
  EXPECT_FALSE(s.linux.seccomp);
}

TEST(OciFromOci, MapsSeccompCompletely) {
  json c = base();
  c["linux"]["seccomp"] = json::parse(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "architectures": ["SCMP_ARCH_X86_64"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "listenerPath": "/run/agent.sock", "listenerMetadata": "meta",
    "syscalls": [
      {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
       "args": [{"index": 1, "value": 4294967295, "valueTwo": 21522, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}
    ]})");
  Spec s = spec_from_oci_json(c, ctx());
  ASSERT_TRUE(s.linux.seccomp);
  const auto& sc = *s.linux.seccomp;
  EXPECT_EQ(sc.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(sc.default_errno_ret, 38u);
  EXPECT_EQ(sc.flags, (std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"}));
  EXPECT_EQ(sc.listener_path, "/run/agent.sock");
  EXPECT_EQ(sc.listener_metadata, "meta");
  ASSERT_EQ(sc.syscalls.size(), 3u);
  ASSERT_EQ(sc.syscalls[1].args.size(), 1u);
  EXPECT_EQ(sc.syscalls[1].args[0].value, 0xffffffffu);
  EXPECT_EQ(sc.syscalls[1].args[0].value_two, 0x5412u);
  EXPECT_EQ(sc.syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
}

TEST(OciFromOci, RoundTripsWhatSbxExports) {
  Spec in;
  in.process.uid = kUid;
  in.process.gid = kGid;
  in.process.args = {"make", "-j2"};
  in.process.env = {"PATH=/usr/bin", "HOME=/home/u"};
  in.process.cwd = "/src";
  in.process.umask = 022;
  in.process.rlimits = {{"RLIMIT_CORE", 0, 0}};
  in.hostname = "sbx";
  in.mounts = {{"/usr", "bind", "/usr", {"rbind", "ro", "nosuid", "nodev"}, false},
               {"/opt", "bind", "/opt", {"rbind", "ro"}, true},
               {"/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777"}, false}};
  in.linux.namespaces = {{"user"}, {"mount"}, {"pid"}, {"uts"}, {"network"}};
  in.linux.uid_mappings = {{kUid, kUid, 1}};
  in.linux.gid_mappings = {{kGid, kGid, 1}};
  in.linux.masked_paths = oci_default_masked_paths();
  in.linux.readonly_paths = oci_default_readonly_paths();
  Seccomp sc;
  sc.architectures = {"SCMP_ARCH_X86_64"};
  sc.syscalls = {{{"unshare"}, "SCMP_ACT_ERRNO", 1, {}}};
  in.linux.seccomp = sc;
  in.sbx.symlinks = {{"usr/bin", "/bin"}};
  in.sbx.timeout = std::chrono::milliseconds(90000);
  in.sbx.description = "d";

  Spec out = spec_from_oci_json(to_oci_json(in), ctx());
  EXPECT_EQ(out.root.path, "/bundles/b/rootfs");
  out.root.path = "rootfs";
  EXPECT_EQ(to_oci_json(out).dump(2), to_oci_json(in).dump(2));
  EXPECT_TRUE(out.mounts[1].optional);
  EXPECT_EQ(out.sbx.timeout, in.sbx.timeout);
  ASSERT_EQ(out.sbx.symlinks.size(), 1u);
  EXPECT_EQ(out.sbx.symlinks[0].path, "/bin");
}

struct Refusal {
  const char* name;
  void (*edit)(json&);
  const char* message;
};

const Refusal kRefusals[] = {
    {"resources", [](json& c) { c["linux"]["resources"] = {{"memory", {{"limit", 1 << 30}}}}; },
     "b/config.json: linux.resources.memory is not supported by sbx (no cgroup management)"},
    {"cgroups_path", [](json& c) { c["linux"]["cgroupsPath"] = "/k8s/pod"; },
     "b/config.json: linux.cgroupsPath is not supported by sbx (no cgroup management)"},
    {"hooks", [](json& c) { c["hooks"] = {{"prestart", {{{"path", "/bin/true"}}}}}; },
     "b/config.json: hooks.prestart is not supported by sbx (no OCI hooks)"},
    {"namespace_path", [](json& c) { c["linux"]["namespaces"][1]["path"] = "/proc/1/ns/ipc"; },
     "b/config.json: linux.namespaces[1].path is not supported by sbx (joining an existing namespace)"},
    {"no_user_namespace", [](json& c) { c["linux"]["namespaces"].erase(4); },
     "b/config.json: linux.namespaces: sbx is rootless and needs a new user namespace"},
    {"time_namespace", [](json& c) { c["linux"]["namespaces"].push_back({{"type", "time"}}); },
     "b/config.json: linux.namespaces[5].type 'time' is not supported by sbx"},
    {"cgroup_mount", [](json& c) { c["mounts"].push_back({{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"}, {"source", "cgroup"}}); },
     "b/config.json: mounts[4].type 'cgroup' is not supported by sbx"},
    {"mount_option", [](json& c) { c["mounts"][1]["options"].push_back("tmpcopyup"); },
     "b/config.json: mounts[1].options[4] 'tmpcopyup' is not supported by sbx"},
    {"idmapped_mount", [](json& c) { c["mounts"][3]["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", 1}, {"size", 1}}}); },
     "b/config.json: mounts[3].uidMappings is not supported by sbx (no id-mapped mounts)"},
    {"terminal", [](json& c) { c["process"]["terminal"] = true; },
     "b/config.json: process.terminal = true is not supported by sbx"},
    {"apparmor", [](json& c) { c["process"]["apparmorProfile"] = "docker-default"; },
     "b/config.json: process.apparmorProfile is not supported by sbx (no AppArmor support)"},
    {"selinux", [](json& c) { c["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"; },
     "b/config.json: process.selinuxLabel is not supported by sbx (no SELinux support)"},
    {"no_new_privs_off", [](json& c) { c["process"]["noNewPrivileges"] = false; },
     "b/config.json: process.noNewPrivileges = false is not supported by sbx (sbx always sets no_new_privs)"},
    {"additional_gids", [](json& c) { c["process"]["user"]["additionalGids"] = {5}; },
     "b/config.json: process.user.additionalGids is not supported by sbx"},
    {"propagation", [](json& c) { c["linux"]["rootfsPropagation"] = "shared"; },
     "b/config.json: linux.rootfsPropagation 'shared' is not supported by sbx"},
    {"device", [](json& c) { c["linux"]["devices"] = json::array({{{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}}}); },
     "b/config.json: linux.devices[0] (/dev/fuse) is not supported by sbx"},
    {"sysctl", [](json& c) { c["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}}; },
     "b/config.json: linux.sysctl.net.ipv4.ip_forward is not supported by sbx (sbx sets no sysctls)"},
    {"unknown_top_level", [](json& c) { c["extra"] = 1; },
     "b/config.json: extra is not known to sbx"},
    {"unknown_nested", [](json& c) { c["process"]["user"]["uidd"] = 1; },
     "b/config.json: process.user.uidd is not known to sbx"},
    {"windows", [](json& c) { c["windows"] = {{"layerFolders", {"C:\\"}}}; },
     "b/config.json: windows.layerFolders is not supported by sbx (sbx runs Linux containers only)"},
    {"unknown_syscall", [](json& c) { c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {{{"names", {"unshare", "nosuchcall"}}, {"action", "SCMP_ACT_ERRNO"}}}}}; },
     "b/config.json: linux.seccomp.syscalls[0].names[1]: unknown syscall 'nosuchcall'"},
    {"notify_without_listener", [](json& c) { c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}}; },
     "b/config.json: linux.seccomp.syscalls: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"},
    {"seccomp_trace", [](json& c) { c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_TRACE"}}; },
     "b/config.json: linux.seccomp.defaultAction SCMP_ACT_TRACE is not supported by sbx"},
    {"seccomp_flag", [](json& c) { c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"flags", {"SECCOMP_FILTER_FLAG_TSYNC"}}}; },
     "b/config.json: linux.seccomp.flags[0] 'SECCOMP_FILTER_FLAG_TSYNC' is not supported by sbx"},
    {"unknown_capability", [](json& c) { c["process"]["capabilities"]["effective"].push_back("CAP_FLY"); },
     "b/config.json: process.capabilities.effective[1]: unknown capability 'CAP_FLY'"},
    {"ambient_not_inheritable", [](json& c) { c["process"]["capabilities"]["ambient"] = {"CAP_KILL"}; },
     "b/config.json: process.capabilities.ambient[0]: CAP_KILL must also be in permitted and inheritable"},
    {"caller_not_mapped", [](json& c) { c["linux"]["uidMappings"][0]["hostID"] = 2000; },
     "b/config.json: linux.uidMappings: your uid 1000 is not mapped"},
    {"other_user", [](json& c) { c["process"]["user"]["uid"] = 5; },
     "b/config.json: process.user.uid: 5, but your uid 1000 maps to 0"},
    {"wrong_type", [](json& c) { c["process"]["args"] = "sh -c true"; },
     "b/config.json: process.args: must be an array of strings, not a string"},
    {"relative_cwd", [](json& c) { c["process"]["cwd"] = "src"; },
     "b/config.json: process.cwd: path must be absolute"},
    {"hostname_without_uts", [](json& c) { c["linux"]["namespaces"].erase(2); },
     "b/config.json: hostname: needs a new uts namespace"},
    {"oci_version", [](json& c) { c["ociVersion"] = "2.0.0"; },
     "b/config.json: ociVersion 2.0.0 is not supported by sbx"},
    {"unknown_sbx_annotation", [](json& c) { c["annotations"] = {{"org.sbx.timeuot-ms", "5"}}; },
     "b/config.json: annotations[\"org.sbx.timeuot-ms\"]: unknown sbx annotation"},
};

void PrintTo(const Refusal& r, std::ostream* os) { *os << r.name; }

class OciFromOciRefuses : public testing::TestWithParam<Refusal> {};

TEST_P(OciFromOciRefuses, NamingTheJsonPath) {
  json c = base();
  GetParam().edit(c);
  std::string err = error_of(c);
  EXPECT_EQ(err.rfind(GetParam().message, 0), 0u) << "got:      " << err << "\nexpected: " << GetParam().message << "...";
}

INSTANTIATE_TEST_SUITE_P(Fields, OciFromOciRefuses, testing::ValuesIn(kRefusals),
                         [](const testing::TestParamInfo<Refusal>& i) { return std::string(i.param.name); });

TEST(OciFromOci, AcceptsWhatAsksForNothing) {
  json c = base();
  c["linux"]["resources"] = json::object();
  c["hooks"] = json::object();
  c["process"]["apparmorProfile"] = "";
  c["linux"]["devices"] = json::array({{{"path", "/dev/null"}, {"type", "c"}, {"major", 1}, {"minor", 3}}});
  c["linux"]["rootfsPropagation"] = "rslave";
  c["annotations"] = {{"io.kubernetes.pod.name", "x"}};
  EXPECT_EQ(error_of(c), "");
}

// What sbx run adds beyond OCI's fields travels as annotations and comes back on import:
// a bundle run by sbx gets the same read-only project parents as `sbx run`.
TEST(OciFromOci, ReadonlyDirsRoundTripThroughTheAnnotation) {
  json c = base();
  c["annotations"] = {{"org.sbx.readonly-dirs", R"(["/home/u/src"])"}};
  Spec s = spec_from_oci_json(c, ctx());
  ASSERT_EQ(s.sbx.readonly_dirs, std::vector<std::string>{"/home/u/src"});
  EXPECT_EQ(to_oci_json(s)["annotations"]["org.sbx.readonly-dirs"], R"(["/home/u/src"])");
  c["annotations"] = {{"org.sbx.readonly-dirs", R"("/home/u/src")"}};
  EXPECT_NE(error_of(c).find("malformed value"), std::string::npos) << error_of(c);
}

// The fail-closed filter for unknown syscalls has no OCI field: it travels as an
// annotation, and a bundle run by sbx gets it back (with the numbers allowed anyway).
TEST(OciFromOci, TheUnknownSyscallFilterRoundTripsThroughAnnotations) {
  json c = base();
  c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {"SCMP_ARCH_X86_64"}}};
  c["annotations"] = {{"org.sbx.seccomp-unknown", "enosys"}, {"org.sbx.seccomp-allow-numbers", "[469]"}};
  Spec s = spec_from_oci_json(c, ctx());
  ASSERT_TRUE(s.linux.seccomp);
  EXPECT_TRUE(s.linux.seccomp->unknown_enosys);
  EXPECT_EQ(s.linux.seccomp->allow_numbers, std::vector<uint32_t>{469});
  json back = to_oci_json(s)["annotations"];
  EXPECT_EQ(back["org.sbx.seccomp-unknown"], "enosys");
  EXPECT_EQ(back["org.sbx.seccomp-allow-numbers"], "[469]");
  // Without a filter to stack it on, or with a value it does not know: refused, named.
  c.erase("linux");
  c["linux"] = base()["linux"];
  EXPECT_NE(error_of(c).find("org.sbx.seccomp-unknown"), std::string::npos) << error_of(c);
  c["annotations"] = {{"org.sbx.seccomp-unknown", "maybe"}};
  EXPECT_NE(error_of(c).find("malformed value"), std::string::npos) << error_of(c);
}

}  // namespace
}  // namespace sbx
