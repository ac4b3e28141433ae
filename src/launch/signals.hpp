// The signals the supervisor takes over (through a signalfd) and forwards into the
// sandbox: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, plus SIGCHLD.
// They are blocked before clone, so init inherits them blocked and waits for them.
#pragma once
#include <signal.h>

namespace sbx {

inline sigset_t supervised_signals() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH}) sigaddset(&s, sig);
  return s;
}

}  // namespace sbx
