// The Spec: one in-memory description of a sandbox, mirroring the OCI runtime-spec
// (config.json). Profiles are resolved into a Spec (spec/from_profile), the launcher
// consumes only a Spec, and `sbx export` serialises one (spec/oci_json).
//
// Field names follow the runtime-spec. What OCI cannot express lives in `Sbx`
// (exported as annotations under "org.sbx.*").
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sbx {

inline constexpr const char* kOciVersion = "1.0.2";

struct Mount {
  std::string destination;  // absolute, inside the sandbox
  std::string type;         // "bind", "tmpfs", "proc", "devpts", "mqueue", ...
  std::string source;       // host path for binds, else the fs name
  std::vector<std::string> options;  // OCI mount options: "rbind", "ro", "nosuid", "mode=755", ...
  bool optional = false;    // sbx: skip silently when a bind source is absent (annotation)

  bool is_bind() const { return type == "bind"; }
  bool has_option(const std::string& o) const;
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE", ...
  uint64_t hard = 0;
  uint64_t soft = 0;
};

struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 1;
};

struct Capabilities {
  std::vector<std::string> bounding, effective, inheritable, permitted, ambient;  // "CAP_NET_RAW", ...
};

struct Process {
  bool terminal = false;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;
  std::optional<uint32_t> umask;
  std::vector<std::string> args;
  std::vector<std::string> env;  // "K=V"
  std::string cwd = "/";
  Capabilities capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = true;
};

struct Namespace {
  std::string type;  // "user", "mount", "pid", "network", "ipc", "uts", "cgroup"
};

struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  std::string op;  // "SCMP_CMP_EQ", ...
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;  // "SCMP_ACT_ERRNO", ...
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;
};

struct Seccomp {
  std::string default_action = "SCMP_ACT_ALLOW";
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;  // "SCMP_ARCH_X86_64", ...
  std::vector<std::string> flags;          // "SECCOMP_FILTER_FLAG_LOG", ...
  std::string listener_path;
  std::string listener_metadata;
  std::vector<SeccompSyscall> syscalls;
  // sbx's own, no OCI field ([seccomp] unknown = "enosys"): syscall numbers this
  // libseccomp has no name for answer ENOSYS on every ABI, but for `allow_numbers`
  // (native ABI). A second filter, stacked on the first (seccomp/known.hpp).
  bool unknown_enosys = false;
  std::vector<uint32_t> allow_numbers;
};

// What OCI has no field for.
struct SbxExtensions {
  struct Symlink {
    std::string target;  // what the link points to
    std::string path;    // where it is created inside the sandbox
  };
  std::vector<Symlink> symlinks;
  // Directories inside a writable tmpfs made read-only (not the mounts below them): the
  // ones leading to the project, so that a write to ../x fails (EROFS) instead of
  // landing on a tmpfs that is gone at exit.
  std::vector<std::string> readonly_dirs;
  // [filesystem] cache: made by `sbx run` when missing, with a .gitignore of "*"
  // (launch/cache_dir.hpp). Empty: none.
  std::string cache_dir;
  // Where each bind source was declared ("file:line:col", "<command line>"), for the
  // message when it is missing at run time (launch/hints.hpp).
  std::map<std::string, std::string> bind_origins;
  std::optional<std::chrono::milliseconds> timeout;
  std::vector<int> keep_fds;  // inherited fds (besides 0-2) left open for the workload
  bool subordinate_ids = false;  // map /etc/subuid ranges through newuidmap
  // Built-in seccomp-notify listener ([seccomp.notify]).
  struct Notify {
    std::vector<std::string> syscalls;
    bool allow = true;  // false: answer with errno
    uint32_t errno_ret = 1;
    std::string log;    // JSON-lines file, empty for none
  };
  std::optional<Notify> notify;
  // The directory sbx was started in, when it is the project: binds of exactly this
  // source are made from the working directory (sandbox/plan.hpp, MountStep::from_cwd).
  std::string project;
  // [filesystem] protect: paths relative to each writable bind the workload may not
  // change or create (launch/guard.hpp).
  std::vector<std::string> protect;
  // Host paths the workload may not change or create when they lie under a writable
  // bind: the profile files of the `extends` chain, the profile search directories and
  // the sbx binary.
  std::vector<std::string> guarded_paths;
  std::string description;
  std::string profile;  // where the spec came from, for messages
  std::vector<std::string> warnings;  // said on stderr before the sandbox starts
};

struct Spec {
  std::string oci_version = kOciVersion;
  Process process;
  struct Root {
    std::string path = "rootfs";
    bool readonly = true;
  } root;
  std::string hostname;
  std::vector<Mount> mounts;
  std::map<std::string, std::string> annotations;
  struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
    std::optional<Seccomp> seccomp;
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
  } linux;
  SbxExtensions sbx;

  bool has_namespace(const std::string& type) const;
};

// The OCI defaults every runtime applies (runc/crun's spec templates).
const std::vector<std::string>& oci_default_masked_paths();
const std::vector<std::string>& oci_default_readonly_paths();

}  // namespace sbx
