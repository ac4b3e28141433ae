#include "sandbox/init.hpp"

#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "launch/channel.hpp"
#include "launch/signals.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/report.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"

namespace sbx::child {

namespace {

// Ends every other process in the sandbox (SIGKILL to all but init itself) and reaps
// them. True once none is left; false if some outlast ~1 s (one init may not signal:
// a workload that changed its uid). The kernel kills those when init exits.
bool end_the_others() {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  for (int round = 0; round < 100; ++round) {
    (void)::kill(-1, SIGKILL);  // again each round: one may have forked meanwhile
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    }
    if (pid < 0 && errno == ECHILD) return true;
    struct timespec tick {0, 10'000'000};
    siginfo_t si {};
    (void)::sigtimedwait(&chld, &si, &tick);
  }
  return false;
}

}  // namespace

void run_init(const Plan& plan, const ChildCaps& caps, pid_t workload) {
  drop_all_capabilities(plan, caps);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail_errno("set no_new_privs", "init");
  // (Non-dumpable since before the root was built: see sandbox_main.)
  struct sock_fprog prog {};
  prog.len = static_cast<unsigned short>(plan.init_filter.size());
  prog.filter = const_cast<struct sock_filter*>(plan.init_filter.data());
  if (sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) fail_errno("install init seccomp filter", "");

  sigset_t set = supervised_signals();
  for (;;) {
    siginfo_t si {};
    int sig = ::sigwaitinfo(&set, &si);
    if (sig < 0) continue;  // EINTR
    if (sig == SIGCHLD) {
      int status = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
        if (pid != workload) continue;
        if (WIFSTOPPED(status)) {
          // For sbx's job control (launch/terminal.hpp): a shell above sbx hears of it.
          Message m;
          m.type = MsgType::WorkloadStopped;
          m.signal = WSTOPSIG(status);
          send_message(channel(), m);
          continue;
        }
        SBX_TRACE_POINT("init: workload exited");
        Message m;
        m.type = MsgType::WorkloadExited;
        m.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        m.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        // Whatever the workload left running (daemons, background jobs) ends now, before
        // sbx hears of it; sbx then reaps init once the kernel has torn the namespaces
        // down (launch/supervisor.cpp).
        m.sandbox_empty = end_the_others();
        send_message(channel(), m);
        ::_exit(0);
      }
      continue;
    }
    // What the terminal sends sbx's process group (init is in it) sbx passes on itself;
    // only what comes through the supervisor (si_code SI_USER) is forwarded.
    if (si.si_code == SI_KERNEL) continue;
    // A shell's `fg` or `bg` sends SIGCONT to sbx's process group, init included, before
    // sbx has given the terminal back to the workload: init waits for sbx's word
    // (continue_signal(), queued, so never merged with a pending SIGCONT).
    if (sig == SIGCONT) continue;
    if (sig == continue_signal()) sig = SIGCONT;
    // SIGCONT and SIGTSTP (Ctrl-Z that reached sbx, whose group had the terminal) go to
    // the workload's process group, as the terminal's would; the workload leads it
    // (setpgid or setsid: workload.cpp). The rest go to the workload.
    if ((sig == SIGCONT || sig == SIGTSTP) && ::kill(-workload, sig) == 0) continue;
    (void)::kill(workload, sig);  // ESRCH: it is exiting; SIGCHLD follows
  }
}

}  // namespace sbx::child
