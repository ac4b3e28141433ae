// sbx's built-in seccomp-notify listener, run in the supervisor's poll loop: for each
// notification it finds the rule behind it (seccomp/rule_match.hpp) and answers
//   [seccomp.notify]:  allow (the syscall runs, SECCOMP_USER_NOTIF_FLAG_CONTINUE) or
//                      deny with the configured errno;
//   --audit:           deny with the rule's own errno (seccomp/audit.hpp);
// and appends one JSON line per decision to the configured log (seccomp/notify_log.hpp).
//
// Decisions look only at the syscall number and the six argument registers, which the
// kernel copied into the notification: no pointer is followed, nothing is read from the
// target's memory or /proc, so no notification id needs revalidating
// (SECCOMP_IOCTL_NOTIF_ID_VALID) before answering. A rule on a pointer argument compares
// the pointer, not what it points to. Even a listener that did read the target's memory
// would be deciding on data the target can change right after (TOCTOU): seccomp-notify
// decisions on pointer arguments are audit-grade, not a security boundary.
//
// The hot path (receive, match, answer) allocates nothing; logging formats JSON.
#pragma once
#include <linux/seccomp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "seccomp/notify_log.hpp"
#include "seccomp/rule_match.hpp"
#include "spec/spec.hpp"
#include "util/fd.hpp"

namespace sbx {

class NotifyListener {
 public:
  // Opens the logs (throws sbx::Error naming the file). `audit_log` is `--audit FILE`.
  NotifyListener(const Spec& spec, const std::string& audit_log);
  ~NotifyListener();

  // Whether this Spec has anything for the built-in listener to answer.
  static bool wanted(const Spec& spec);

  // Takes the listener fd the workload sent.
  void start(UniqueFd fd);
  int fd() const { return fd_.get(); }

  // Answers what is pending (up to a batch). Returns false once the listener is done:
  // every filtered process has exited, or the fd failed (it is then closed, so that
  // notified syscalls fail with ENOSYS instead of waiting).
  bool on_readable();

  uint64_t answered() const { return answered_; }

 private:
  struct Decision {
    bool allow = false;
    int err = 0;
    std::string action;  // --audit: the rule's own action, for the log
    NotifyLog* log = nullptr;
  };
  const Decision& decide(const struct seccomp_data& d) const;
  bool answer(const struct seccomp_notif& req);  // false: the listener cannot go on
  const char* syscall_name(uint32_t arch, int nr);
  void flush_logs();

  std::unique_ptr<NotifyLog> notify_log_, audit_log_;
  std::vector<Decision> by_rule_;           // index: Seccomp::syscalls
  Decision fallback_;                       // no rule matched: the audited default, or ENOSYS
  std::optional<RuleMatcher> matcher_;
  std::unordered_map<uint64_t, std::string> names_;

  UniqueFd fd_;
  std::vector<unsigned char> req_buf_, resp_buf_;
  uint64_t answered_ = 0;
};

}  // namespace sbx
