// The signals the supervisor takes over (through a signalfd) and forwards into the
// sandbox: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, plus SIGCHLD.
// They are blocked before clone, so init inherits them blocked and waits for them.
#pragma once
#include <signal.h>

#include "util/fd.hpp"

namespace sbx {

inline sigset_t supervised_signals() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH}) sigaddset(&s, sig);
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
