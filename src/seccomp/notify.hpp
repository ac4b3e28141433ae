// The seccomp user-notification side of the supervisor: either sbx's built-in listener
// ([seccomp.notify], or --audit: seccomp/listener.hpp), or the OCI agent protocol
// (linux.seccomp.listenerPath: the fd goes to an external agent, seccomp/agent.hpp).
//
// Constructed before clone: it connects to the agent and opens the logs there, so that
// these fail before any sandbox exists.
#pragma once
#include <memory>
#include <string>

#include "launch/supervisor.hpp"
#include "seccomp/agent.hpp"
#include "seccomp/listener.hpp"
#include "spec/spec.hpp"

namespace sbx {

class NotifyHandler {
 public:
  NotifyHandler(const Spec& spec, std::string audit_log);
  ~NotifyHandler();
  // Registers with the supervisor for the listener fd the workload sends.
  void attach(Supervisor& sup);

 private:
  const Spec& spec_;
  std::string audit_log_;
  std::unique_ptr<SeccompAgent> agent_;
  std::unique_ptr<NotifyListener> listener_;
};

}  // namespace sbx
