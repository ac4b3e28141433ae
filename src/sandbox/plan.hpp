// The Plan: everything the child needs, computed by the parent before clone from the
// Spec. The child only reads it: no parsing, no allocation, no locks after clone.
#pragma once
#include <linux/filter.h>
#include <sys/capability.h>

#include <cstdint>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace sbx {

struct MountStep {
  enum class Kind { Bind, Filesystem };  // Filesystem: tmpfs, proc, devpts, mqueue, sysfs
  Kind kind = Kind::Bind;
  std::string source;       // bind: host path; filesystem: the fs type ("tmpfs")
  std::string destination;  // inside the new root
  std::vector<std::pair<std::string, std::string>> fs_options;  // fsconfig key/value ("" value: a flag)
  uint64_t attr_set = 0;    // MOUNT_ATTR_RDONLY | NOSUID | NODEV | NOEXEC | atime
  bool recursive = true;    // rbind
  bool optional = false;    // skip when the bind source does not exist
  bool populate_dev = false;  // the /dev tmpfs: create the default devices in it
  // A bind source inside a writable bind's source (the project) is resolved beneath
  // that directory: the workload could have planted symlinks there in an earlier run.
  std::string confine;
};

struct RlimitStep {
  int resource;
  uint64_t soft, hard;
};

struct Plan {
  // rootfs
  std::vector<MountStep> mounts;
  std::vector<SbxExtensions::Symlink> symlinks;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  bool root_readonly = true;
  // namespaces
  std::string hostname;        // empty: leave it
  bool loopback_up = false;    // own network namespace: bring lo up
  // process
  std::vector<std::string> args, env;
  std::vector<char*> argv, envp;  // point into args/env
  std::string cwd;
  std::vector<RlimitStep> rlimits;
  int umask = -1;
  std::vector<int> keep_fds;      // sorted
  bool new_session = false;       // setsid(): no terminal shared with the caller
  cap_t workload_caps = nullptr;  // permitted/effective/inheritable for the workload
  cap_t no_caps = nullptr;        // the empty set, for init
  std::vector<int> bounding_keep; // capability numbers kept in the bounding set
  std::vector<int> ambient;       // capability numbers raised in the ambient set
  // seccomp (compiled by the parent; empty = no filter)
  std::vector<struct sock_filter> workload_filter;
  unsigned workload_filter_flags = 0;  // SECCOMP_FILTER_FLAG_*
  bool workload_filter_notify = false; // NEW_LISTENER: send the fd to the parent
  std::vector<struct sock_filter> init_filter;
  // diagnostics
  bool verbose = false;

  Plan() = default;
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;
  ~Plan();
};

struct PlanOptions {
  bool verbose = false;
  bool new_session = false;
};

// Builds the plan; throws sbx::Error when the Spec asks for what sbx cannot do.
void build_plan(const Spec& spec, const PlanOptions& opts, Plan& plan);

}  // namespace sbx
