// The signals the supervisor takes over (through a signalfd) and forwards into the
// sandbox: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTSTP,
// SIGCONT, plus SIGCHLD. They are blocked before clone, so init inherits them blocked
// and waits for them. SIGTSTP (Ctrl-Z while sbx's group has the terminal) stops the
// workload, not sbx, which then stops as the workload did (launch/terminal.hpp); a
// blocked SIGCONT still continues a stopped sbx, and read from the signalfd, says so:
// sbx then has init continue the workload with continue_signal().
#pragma once
#include <signal.h>

#include "util/fd.hpp"

namespace sbx {

// What sbx sends init to have the workload continued (SIGCONT to its process group):
// a real-time signal, queued, which no shell sends to a job.
inline int continue_signal() { return SIGRTMAX; }

inline sigset_t supervised_signals() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTSTP, SIGCONT}) sigaddset(&s, sig);
  sigaddset(&s, continue_signal());
  return s;
}

// Blocks the supervised signals and opens a signalfd for them; the old mask comes back
// when it goes. Made before clone, so that the child inherits the signals blocked.
class SignalGate {
 public:
  SignalGate();  // throws sbx::Error
  ~SignalGate();
  SignalGate(const SignalGate&) = delete;
  SignalGate& operator=(const SignalGate&) = delete;
  UniqueFd take_fd() { return std::move(fd_); }
  void restore();  // the old mask, now (throws); the destructor then does nothing

 private:
  sigset_t old_{};
  bool blocked_ = false;
  UniqueFd fd_;
};

}  // namespace sbx
