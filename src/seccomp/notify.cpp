#include "seccomp/notify.hpp"

#include <unistd.h>

#include <filesystem>

namespace sbx {

NotifyHandler::NotifyHandler(const Spec& spec, std::string audit_log) : spec_(spec), audit_log_(std::move(audit_log)) {
  if (!spec.linux.seccomp) return;
  if (!spec.linux.seccomp->listener_path.empty())
    agent_ = std::make_unique<SeccompAgent>(spec);
  else if (NotifyListener::wanted(spec))
    listener_ = std::make_unique<NotifyListener>(spec, audit_log_);
}

NotifyHandler::~NotifyHandler() = default;

void NotifyHandler::attach(Supervisor& sup) {
  if (agent_) {
    sup.on_notify_fd = [this](UniqueFd fd) {
      if (!agent_) return;  // only one filter per sandbox: a second fd is dropped
      std::error_code ec;
      std::string bundle = std::filesystem::current_path(ec).string();
      std::string id = "sbx-" + std::to_string(::getpid());
      agent_->hand_over(std::move(fd), container_process_state(spec_, find_workload_pid(), id, bundle));
      agent_.reset();
    };
  } else if (listener_) {
    sup.on_notify_fd = [this, &sup](UniqueFd fd) {
      if (listener_->fd() >= 0) return;
      listener_->start(std::move(fd));
      sup.add_source(listener_->fd(), [this] { return listener_->on_readable(); });
    };
  } else {
    // Without a handler the listener fd is closed, and notified syscalls fail with ENOSYS.
    sup.on_notify_fd = nullptr;
  }
}

}  // namespace sbx
