#include "seccomp/notify.hpp"

namespace sbx {

NotifyHandler::NotifyHandler(const Spec& spec, std::string audit_log) : spec_(spec), audit_log_(std::move(audit_log)) {}

void NotifyHandler::attach(Supervisor& sup) {
  (void)spec_;
  // Not yet implemented: without a handler the listener fd is closed and notified
  // syscalls fail with ENOSYS. (Issue: seccomp-notify.)
  sup.on_notify_fd = nullptr;
}

}  // namespace sbx
