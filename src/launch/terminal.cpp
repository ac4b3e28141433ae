#include "launch/terminal.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

namespace sbx {

bool set_foreground(pid_t pgrp) noexcept {
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  if (::sigprocmask(SIG_BLOCK, &ttou, &old) != 0) return false;
  bool ok = ::tcsetpgrp(STDIN_FILENO, pgrp) == 0;
  (void)::sigprocmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

Terminal::Terminal() {
  // tcgetpgrp fails unless fd 0 is this session's controlling terminal.
  pid_t fg = ::isatty(STDIN_FILENO) ? ::tcgetpgrp(STDIN_FILENO) : -1;
  if (fg < 0) return;  // NewSession
  pid_t own = ::getpgrp();
  mode_ = fg == own && ::isatty(STDOUT_FILENO) ? Mode::OwnGroupForeground : Mode::OwnGroup;
  sandbox_has_it_ = mode_ == Mode::OwnGroupForeground;
  // A shell doing job control runs each job in a process group of its own, in its own
  // session; a script without job control leaves its children in its own group.
  pid_t parent = ::getppid();
  job_control_ = ::getsid(0) == ::getsid(parent) && own != ::getpgid(parent);
}

Terminal::~Terminal() { give_back(); }

void Terminal::workload_stopped(int sig) {
  if (!job_control_) return;
  if (sandbox_has_it_) {
    pid_t fg = ::tcgetpgrp(STDIN_FILENO);
    if (fg > 0 && fg != ::getpgrp()) sandbox_group_ = fg;
    set_foreground(::getpgrp());
    sandbox_has_it_ = false;
  }
  // The job stops as the workload did. (SIGTSTP is one of the supervised signals sbx
  // blocks: unblocked for this, it is delivered as kill returns. init, pid 1 of its
  // namespace, only queues it, and the workload is stopped already.)
  int stop = sig == SIGTTIN || sig == SIGTTOU ? sig : SIGTSTP;
  sigset_t one, old;
  sigemptyset(&one);
  sigaddset(&one, stop);
  if (::sigprocmask(SIG_UNBLOCK, &one, &old) != 0) return;
  (void)::kill(0, stop);
  (void)::sigprocmask(SIG_SETMASK, &old, nullptr);
}

void Terminal::continued() {
  if (!job_control_ || sandbox_has_it_ || sandbox_group_ <= 0) return;
  if (::tcgetpgrp(STDIN_FILENO) != ::getpgrp()) return;  // `bg`: the shell keeps the terminal
  if (set_foreground(sandbox_group_)) sandbox_has_it_ = true;
}

void Terminal::give_back() noexcept {
  if (!sandbox_has_it_) return;
  sandbox_has_it_ = false;
  pid_t own = ::getpgrp();
  if (::tcgetpgrp(STDIN_FILENO) != own) (void)set_foreground(own);
}

}  // namespace sbx
