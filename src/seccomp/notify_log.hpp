// The JSON-lines log of seccomp notifications: one object per line, per decision.
//
//   {"time":"2025-05-01T12:00:00.123456Z","pid":4242,"arch":"x86_64","syscall":"mkdir",
//    "nr":83,"args":[140737488346832,511,0,0,0,0],"decision":"deny","errno":"EPERM"}
//
// (--audit adds "action": what the profile's rule does without --audit.) "pid" is the
// host's pid of the calling thread. Lines are buffered for one batch of notifications
// and written with one write(2) per batch, so a log is never left with half a line.
#pragma once
#include <cstdint>
#include <string>

#include "util/fd.hpp"

namespace sbx {

struct NotifyEvent {
  int32_t pid = 0;
  uint32_t arch = 0;  // AUDIT_ARCH_*
  int32_t nr = 0;
  const uint64_t* args = nullptr;  // six
  const char* syscall = "";
  bool allowed = false;
  int err = 0;                   // when denied
  const char* action = nullptr;  // --audit: the rule's own action ("errno", "kill_process")
};

class NotifyLog {
 public:
  // Opens `path` (created 0644 less the umask) for appending, or truncated when
  // `truncate`. Throws sbx::Error naming `what` and the path.
  NotifyLog(const std::string& path, bool truncate, const std::string& what);

  void add(const NotifyEvent& e);
  // Writes the buffered lines; a failure is reported once on stderr.
  void flush();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  UniqueFd fd_;
  std::string buf_;
  bool failed_ = false;
};

}  // namespace sbx
