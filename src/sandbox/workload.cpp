#include "sandbox/workload.hpp"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>

#include "launch/channel.hpp"
#include "sandbox/report.hpp"
#include "util/error.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"


namespace sbx::child {

namespace {

void install_filter(const Plan& plan) {
  // (The unknown-syscall filter is init's already, inherited: sandbox/child.cpp.)
  if (plan.workload_filter.empty()) return;
  struct sock_fprog prog {};
  prog.len = static_cast<unsigned short>(plan.workload_filter.size());
  prog.filter = const_cast<struct sock_filter*>(plan.workload_filter.data());
  int rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, plan.workload_filter_flags, &prog);
  if (rc < 0) fail_errno("install seccomp filter", "");
  if (plan.workload_filter_notify) {
    // rc is the listener fd: the parent answers the notifications.
    Message m;
    m.type = MsgType::NotifyFd;
    if (!send_message(channel(), m, rc)) ::_exit(kExitSbxFailure);
    ::close(rc);
  }
}

}  // namespace

void exec_workload(const Plan& plan) {
  // Never in the caller's process group (launch/terminal.hpp).
  if (plan.new_session) {
    if (::setsid() < 0) fail_errno("setsid", "");
  } else {
    if (::setpgid(0, 0) < 0) fail_errno("setpgid", "");
    // A background group taking the terminal: SIGTTOU is blocked meanwhile (as all
    // sbx's supervised signals still are), as a shell does for a job.
    sigset_t ttou;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    if (plan.take_terminal && (::sigprocmask(SIG_BLOCK, &ttou, nullptr) < 0 || ::tcsetpgrp(STDIN_FILENO, ::getpgrp()) < 0))
      fail_errno("make the workload the terminal's foreground process group", "");
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) < 0) fail_errno("unblock signals", "");
  for (const auto& r : plan.rlimits) {
    struct rlimit rl {r.soft, r.hard};
    if (::setrlimit(r.resource, &rl) < 0) fail_errno("setrlimit", "");
  }
  if (plan.umask >= 0) ::umask(static_cast<mode_t>(plan.umask));
  if (::chdir(plan.cwd.c_str()) < 0) fail_errno("change to the working directory", plan.cwd.c_str());

  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail_errno("set no_new_privs", "");
  SBX_TRACE_POINT("workload: set up");
  install_filter(plan);

  environ = const_cast<char**>(plan.envp.data());
  SBX_TRACE_POINT("workload: execve");
  ::execvp(plan.argv[0], const_cast<char* const*>(plan.argv.data()));
  Message m;
  m.type = MsgType::ExecFailed;
  m.err = errno;
  std::snprintf(m.detail, sizeof m.detail, "%s", plan.argv[0]);
  send_message(channel(), m);
  ::_exit(m.err == ENOENT ? kExitNotFound : kExitNotExecutable);
}

}  // namespace sbx::child
