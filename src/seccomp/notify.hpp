// The seccomp user-notification side of the supervisor: either sbx's built-in listener
// ([seccomp.notify]: allow or deny, with a JSON-lines log), or the OCI agent protocol
// (linux.seccomp.listenerPath: the fd goes to an external agent).
#pragma once
#include <string>

#include "launch/supervisor.hpp"
#include "spec/spec.hpp"

namespace sbx {

class NotifyHandler {
 public:
  NotifyHandler(const Spec& spec, std::string audit_log);
  // Registers with the supervisor for the listener fd the workload sends.
  void attach(Supervisor& sup);

 private:
  const Spec& spec_;
  std::string audit_log_;
};

}  // namespace sbx
