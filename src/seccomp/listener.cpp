#include "seccomp/listener.hpp"

#include <poll.h>
#include <seccomp.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "seccomp/audit.hpp"
#include "seccomp/syscall_names.hpp"
#include "util/error.hpp"
#include "util/syscalls.hpp"

// Linux 6.6: wake the listener on the CPU of the notifying thread, for a synchronous
// round trip. Older kernels refuse the ioctl, which is harmless.
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

namespace sbx {

namespace {
constexpr int kBatch = 256;  // notifications answered per wake-up, before yielding to the loop
}

bool NotifyListener::wanted(const Spec& spec) {
  return spec.sbx.notify.has_value() || audit_plan(spec).has_value();
}

NotifyListener::NotifyListener(const Spec& spec, const std::string& audit_log) {
  if (!spec.linux.seccomp) return;
  const Seccomp& sc = *spec.linux.seccomp;
  auto plan = audit_plan(spec);
  if (spec.sbx.notify && !spec.sbx.notify->log.empty())
    notify_log_ = std::make_unique<NotifyLog>(spec.sbx.notify->log, false, "[seccomp.notify] log");
  if (plan) audit_log_ = std::make_unique<NotifyLog>(audit_log.empty() ? plan->log : audit_log, true, "--audit");

  by_rule_.resize(sc.syscalls.size());
  for (size_t i = 0; i < sc.syscalls.size(); ++i) {
    if (sc.syscalls[i].action != "SCMP_ACT_NOTIFY") continue;
    Decision& d = by_rule_[i];
    if (plan && plan->rules.count(i)) {
      const AuditOriginal& o = plan->rules.at(i);
      d = {false, static_cast<int>(o.errno_ret), o.action, audit_log_.get()};
    } else if (spec.sbx.notify) {
      d = {spec.sbx.notify->allow, static_cast<int>(spec.sbx.notify->errno_ret), "", notify_log_.get()};
    } else {
      d = {false, ENOSYS, "", nullptr};  // nobody configured an answer (the profile check refuses this)
    }
  }
  if (plan && plan->default_action) {
    fallback_ = {false, static_cast<int>(plan->default_action->errno_ret), plan->default_action->action,
                 audit_log_.get()};
  } else {
    fallback_ = {false, ENOSYS, "", audit_log_ ? audit_log_.get() : notify_log_.get()};
  }
  matcher_.emplace(sc, [&](size_t i) { return sc.syscalls[i].action == "SCMP_ACT_NOTIFY"; });

  struct seccomp_notif_sizes sizes {};
  if (sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) throw_errno("seccomp(SECCOMP_GET_NOTIF_SIZES)");
  req_buf_.assign(std::max<size_t>(sizes.seccomp_notif, sizeof(struct seccomp_notif)), 0);
  resp_buf_.assign(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(struct seccomp_notif_resp)), 0);
}

NotifyListener::~NotifyListener() { flush_logs(); }

void NotifyListener::start(UniqueFd fd) {
  fd_ = std::move(fd);
  uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
  (void)::ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags);  // an optimisation only
}

const NotifyListener::Decision& NotifyListener::decide(const struct seccomp_data& d) const {
  int i = matcher_ ? matcher_->match(d) : -1;
  return i < 0 ? fallback_ : by_rule_[static_cast<size_t>(i)];
}

const char* NotifyListener::syscall_name(uint32_t arch, int nr) {
  uint64_t key = (static_cast<uint64_t>(arch) << 32) | static_cast<uint32_t>(nr);
  auto it = names_.find(key);
  if (it == names_.end()) {
    char* n = seccomp_syscall_resolve_num_arch(abi_scmp_arch(arch, nr), nr);
    it = names_.emplace(key, n ? n : std::to_string(nr)).first;
    std::free(n);
  }
  return it->second.c_str();
}

bool NotifyListener::answer(const struct seccomp_notif& req) {
  const Decision& d = decide(req.data);
  auto* resp = reinterpret_cast<struct seccomp_notif_resp*>(resp_buf_.data());
  std::memset(resp, 0, resp_buf_.size());
  resp->id = req.id;
  if (d.allow) {
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  } else {
    resp->error = -d.err;
  }
  int rc;
  do {
    rc = ::ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_SEND, resp);
  } while (rc != 0 && errno == EINTR);
  // ENOENT: the target was killed, or a signal interrupted the syscall (it is then
  // restarted, and notified again). Either way there is nobody to answer. Anything else
  // would leave the target waiting for ever: give up the listener instead.
  if (rc != 0 && errno != ENOENT) {
    std::fprintf(stderr, "sbx: seccomp listener: answering a notification: %s\n", std::strerror(errno));
    return false;
  }
  ++answered_;
  if (d.log) {
    NotifyEvent e;
    e.pid = static_cast<int32_t>(req.pid);
    e.arch = req.data.arch;
    e.nr = req.data.nr;
    e.args = reinterpret_cast<const uint64_t*>(req.data.args);
    e.syscall = syscall_name(req.data.arch, req.data.nr);
    e.allowed = d.allow;
    e.err = d.err;
    e.action = d.action.empty() ? nullptr : d.action.c_str();
    d.log->add(e);
  }
  return true;
}

void NotifyListener::flush_logs() {
  if (notify_log_) notify_log_->flush();
  if (audit_log_) audit_log_->flush();
}

bool NotifyListener::on_readable() {
  if (!fd_) return false;
  bool done = false;
  for (int i = 0; i < kBatch; ++i) {
    struct pollfd p {fd_.get(), POLLIN, 0};
    int n = ::poll(&p, 1, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (!(p.revents & POLLIN)) {
      // POLLHUP: no process uses the filter any more.
      done = (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
      break;
    }
    auto* req = reinterpret_cast<struct seccomp_notif*>(req_buf_.data());
    std::memset(req, 0, req_buf_.size());
    if (::ioctl(fd_.get(), SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
      if (errno == EINTR || errno == ENOENT) continue;  // ENOENT: the target died meanwhile
      std::fprintf(stderr, "sbx: seccomp listener: receiving a notification: %s\n", std::strerror(errno));
      done = true;
      break;
    }
    if (!answer(*req)) {
      done = true;
      break;
    }
  }
  flush_logs();
  if (done) fd_.reset();
  return !done;
}

}  // namespace sbx
