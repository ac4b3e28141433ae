// The Plan: everything the child needs, computed by the parent from the Spec. The child
// only reads it: no parsing, no allocation, no locks after clone. Its memory is the
// heap, or for a prestarted sandbox a mapping shared with the child (plan_arena.hpp):
// hence the Plan* container types.
#pragma once
#include <linux/filter.h>
#include <sys/capability.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/plan_arena.hpp"
#include "spec/spec.hpp"

namespace sbx {

struct MountStep {
  // Filesystem: tmpfs, proc, devpts, mqueue, sysfs.
  // Protect: what is at `destination` (in the new root, where an earlier bind put it)
  //   bound read-only over itself, after checking it is the object sbx checked on the
  //   host (`dev`/`ino`): a project's .git, a profile file (launch/guard.hpp).
  // Content: a read-only file holding `source` bound over the file at `destination`
  //   (same check): the sanitized .git/config.
  enum class Kind { Bind, Filesystem, Protect, Content };
  Kind kind = Kind::Bind;
  PlanString source;       // bind: host path; filesystem: the fs type ("tmpfs"); content: the bytes
  PlanString destination;  // inside the new root
  PlanVector<std::pair<PlanString, PlanString>> fs_options;  // fsconfig key/value ("" value: a flag)
  uint64_t attr_set = 0;    // MOUNT_ATTR_RDONLY | NOSUID | NODEV | NOEXEC | atime
  bool recursive = true;    // rbind
  bool optional = false;    // skip when the bind source does not exist
  bool populate_dev = false;  // the /dev tmpfs: create the default devices in it
  // A bind source inside a writable bind's source (the project) is resolved beneath
  // that directory: the workload could have planted symlinks there in an earlier run.
  PlanString confine;
  // Bind: the source is the directory sbx was started in (the project), taken from the
  // working directory the child inherited, never resolved again by path (a concurrent
  // rename could swap it for a symlink to $HOME). confine_cwd: `confine` is that one.
  bool from_cwd = false;
  bool confine_cwd = false;
  // Bind, Protect, Content: the inode the parent checked (dev 0: no check). The child
  // refuses to go on if what it opened is another one.
  uint64_t dev = 0, ino = 0;
};

struct PlanSymlink {
  PlanString target;  // what the link points to
  PlanString path;    // where it is created inside the sandbox
};

struct UserCounterStep {  // /proc/sys/user/<name> in the sandbox's user namespace
  PlanString name;
  uint64_t value;
};

struct RlimitStep {
  int resource;
  uint64_t soft, hard;
};

struct Plan {
  // rootfs
  PlanVector<MountStep> mounts;
  PlanVector<PlanSymlink> symlinks;
  PlanVector<PlanString> masked_paths;
  PlanVector<PlanString> readonly_paths;
  bool root_readonly = true;
  // Directories in a writable tmpfs made read-only on their own, not what is mounted
  // below them (Spec: SbxExtensions::readonly_dirs).
  PlanVector<PlanString> readonly_dirs;
  PlanString hosts_entry;      // "127.0.1.1\tsbx\n" for /etc/hosts (hosts.hpp); empty: none
  bool bind_console = false;   // the caller's terminal at /dev/console (devices.hpp)
  // namespaces
  PlanString hostname;         // empty: leave it
  bool loopback_up = false;    // own network namespace: bring lo up
  // process
  PlanVector<PlanString> args, env;
  PlanVector<char*> argv, envp;  // point into args/env
  PlanString cwd;
  PlanVector<RlimitStep> rlimits;
  PlanVector<UserCounterStep> user_counters;  // sandbox/user_counters.hpp
  int umask = -1;
  PlanVector<int> keep_fds;      // sorted
  // Never the caller's process group (launch/terminal.hpp): setsid(), or setpgid() and,
  // for a foreground run, tcsetpgrp() on fd 0 before exec.
  bool new_session = false;
  bool take_terminal = false;
  // Capabilities the workload keeps, per set (libcap's cap_t objects are allocated
  // before clone: see ChildCaps). Init keeps none.
  PlanVector<cap_value_t> effective, permitted, inheritable;
  PlanVector<int> bounding_keep;  // capability numbers kept in the bounding set
  PlanVector<int> ambient;        // capability numbers raised in the ambient set
  // seccomp (compiled by the parent; empty = no filter)
  PlanVector<struct sock_filter> workload_filter;
  // unknown = "enosys" (seccomp/known.hpp): installed by the sandbox's first process, as
  // its first step (a prestarted one had it installed before it had its Plan)
  PlanVector<struct sock_filter> workload_known_filter;
  unsigned workload_filter_flags = 0;  // SECCOMP_FILTER_FLAG_*
  bool workload_filter_notify = false; // NEW_LISTENER: send the fd to the parent
  PlanVector<struct sock_filter> init_filter;
  // diagnostics
  bool verbose = false;

  Plan() = default;
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;
};

// libcap's objects for the child's capability changes, allocated (by libcap) before
// clone, filled in by the child from the Plan's lists: libcap allocates, the child
// must not.
struct ChildCaps {
  cap_t workload = nullptr;
  cap_t none = nullptr;
  ChildCaps();  // throws sbx::Error if libcap cannot allocate
  ~ChildCaps();
  ChildCaps(const ChildCaps&) = delete;
  ChildCaps& operator=(const ChildCaps&) = delete;
};

struct PlanOptions {
  bool verbose = false;
  bool new_session = false;    // else a process group of its own
  bool take_terminal = false;  // (not new_session) make it the terminal's foreground group
};

// Builds the plan; throws sbx::Error when the Spec asks for what sbx cannot do.
void build_plan(const Spec& spec, const PlanOptions& opts, Plan& plan);

}  // namespace sbx
