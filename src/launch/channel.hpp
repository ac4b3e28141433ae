// The parent-child channel: a SOCK_SEQPACKET|SOCK_CLOEXEC socketpair carrying typed,
// fixed-size messages (and, for the notify fd, one SCM_RIGHTS fd). Fixed size and no
// allocation, because the child side uses it after clone.
//
//   parent -> child   PlanReady        (prestarted sandbox) where the Plan is; its id
//                                      maps were written when it was started
//   parent -> child   MapsReady        uid/gid maps written; continue
//   child  -> parent  SetupFailed      a setup step failed: step, path, errno
//   child  -> parent  ExecFailed       execve of the workload failed: errno
//   child  -> parent  NotifyFd         the seccomp listener fd (SCM_RIGHTS)
//   child  -> parent  WorkloadExited   init reaped the workload: exit code or signal,
//                                      and whether it ended and reaped all the others
//   child  -> parent  WorkloadStopped  the workload stopped (Ctrl-Z, SIGTTIN, SIGSTOP):
//                                      the stop signal, for job control (launch/terminal.hpp)
#pragma once
#include <climits>
#include <cstdint>

namespace sbx {

enum class MsgType : uint32_t {
  MapsReady = 1,
  SetupFailed = 2,
  ExecFailed = 3,
  NotifyFd = 4,
  WorkloadExited = 5,
  PlanReady = 6,
  WorkloadStopped = 7,
};

struct Message {
  MsgType type{};
  int32_t err = 0;      // errno
  int32_t code = 0;     // exit code (WorkloadExited), or -1
  int32_t signal = 0;   // terminating signal (WorkloadExited), stop signal (WorkloadStopped), or 0
  int32_t pid = 0;
  uint64_t offset = 0;   // PlanReady: where the Plan is in the shared mapping
  bool sandbox_empty = false;  // WorkloadExited: every other process is gone (reaped)
  char step[96] = {};   // "mount /usr", "pivot_root", ...
  char detail[PATH_MAX] = {};
};

// Both return false on failure with errno set; recv returns false with errno == 0 at EOF.
// `flags`: MSG_DONTWAIT (then false with EAGAIN when nothing is there).
bool send_message(int fd, const Message& m, int pass_fd = -1);
bool recv_message(int fd, Message& m, int* received_fd = nullptr, int flags = 0);

}  // namespace sbx
