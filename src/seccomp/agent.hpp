// The OCI seccomp agent protocol (runtime-spec, config-linux.md, "The Container Process
// State"): with `[seccomp] listener = "/path/agent.sock"` (linux.seccomp.listenerPath),
// sbx connects to the agent's AF_UNIX stream socket before creating the sandbox (so a
// missing agent fails fast, exit 125), and once the workload has installed its filter
// sends, in ONE sendmsg, the container process state as JSON with the listener fd as
// the single SCM_RIGHTS fd; then closes the socket and its own copy of the fd. The
// agent alone answers from then on; when it closes the fd, notified syscalls fail with
// ENOSYS instead of waiting.
#pragma once
#include <sys/types.h>

#include <string>

#include <nlohmann/json.hpp>

#include "spec/spec.hpp"
#include "util/fd.hpp"

namespace sbx {

// The state document: {ociVersion, fds: ["seccompFd"], pid, metadata, state: {ociVersion,
// id, status: "creating", pid, bundle, annotations}}.
nlohmann::json container_process_state(const Spec& spec, pid_t pid, const std::string& id,
                                       const std::string& bundle);

// The host pid of the sandbox's workload: sbx's child is the sandbox's init, whose
// child is the workload. 0 when it cannot be found (it exited already).
pid_t find_workload_pid();

class SeccompAgent {
 public:
  // Connects to spec.linux.seccomp->listener_path; throws sbx::Error naming the path.
  explicit SeccompAgent(const Spec& spec);

  // Sends the state with the fd, then closes the connection and the fd. On failure
  // prints "sbx: ..." on stderr and returns false (the workload's notified syscalls
  // then fail with ENOSYS).
  bool hand_over(UniqueFd listener_fd, const nlohmann::json& state);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  UniqueFd sock_;
};

}  // namespace sbx
