// The parent after clone: a single-threaded poll loop over
//   the init's pidfd        (the sandbox ended),
//   the channel             (setup failures, exec failures, the workload's status,
//                            the seccomp-notify fd),
//   a signalfd              (signals to forward into the sandbox; SIGCONT: job control),
//   a timerfd               (--timeout: SIGTERM, a grace period, then SIGKILL),
//   and any extra sources   (the seccomp-notify listener).
#pragma once
#include <poll.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "launch/channel.hpp"
#include "util/fd.hpp"

namespace sbx {

struct Outcome {
  std::optional<Message> setup_failed;
  std::optional<Message> exec_failed;
  std::optional<Message> workload_exited;
  bool timed_out = false;
  int init_code = 0;    // init's own exit (CLD_EXITED status or signal)
  int init_cld = 0;     // CLD_EXITED / CLD_KILLED / CLD_DUMPED
  std::chrono::milliseconds duration{0};
};

struct SupervisorOptions {
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds kill_grace{2000};
  bool verbose = false;
};

class Supervisor {
 public:
  Supervisor(UniqueFd pidfd, UniqueFd channel, UniqueFd signal_fd, SupervisorOptions opts);
  ~Supervisor();  // init not reaped yet (an exception): SIGKILL, and reap it
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Called with the seccomp listener fd when the workload sends it. Without a handler
  // the fd is closed, and notified syscalls fail with ENOSYS.
  std::function<void(UniqueFd)> on_notify_fd;
  // Job control (launch/terminal.hpp): the workload stopped with a signal; sbx was
  // continued (called before the SIGCONT is passed on to the workload).
  std::function<void(int sig)> on_workload_stopped;
  std::function<void()> on_continued;

  // Adds a readable-fd source; the callback returns false to be removed.
  void add_source(int fd, std::function<bool()> on_readable);

  Outcome run();

 private:
  void handle_channel(Outcome& out);
  void handle_signal();
  void handle_timer(Outcome& out);
  void start_timer();
  void reap(Outcome& out);  // waits for init's exit

  UniqueFd pidfd_, channel_, signal_fd_, timer_fd_;
  SupervisorOptions opts_;
  struct Source {
    int fd;
    std::function<bool()> cb;
  };
  std::vector<Source> sources_;
  std::vector<struct pollfd> pfds_;  // rebuilt each round, kept to avoid allocating per event
  bool channel_open_ = true;
  int timer_stage_ = 0;  // 0 running, 1 SIGTERM sent, 2 SIGKILL sent
  bool reaped_ = false;
};

// Exit status and message ("" for none) per the CLI contract.
int exit_status_for(const Outcome& out, const std::string& command, std::string& message);

}  // namespace sbx
