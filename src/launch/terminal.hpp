// The caller's terminal and process group, handled as a shell handles a job.
//
// The workload never shares sbx's process group: kill(0, ...), SIGSTOP to its group or
// a stray tcsetpgrp from the workload then reach only the sandbox, never the shell or
// the script that started sbx.
//   - stdin is not sbx's controlling terminal (CI, pipes, cron): the workload gets a
//     session of its own (setsid), and no terminal.
//   - stdin is: the workload gets a process group of its own (setpgid). If sbx is in the
//     terminal's foreground and stdout is the terminal too (a command at a prompt, not
//     `sbx run -- make | less`), the workload's group is made the foreground group
//     (by the workload itself, before exec) and sbx gives it back to its own group at
//     the end. Otherwise the workload runs in the background of the terminal, and the
//     terminal's signals reach sbx, which forwards them.
//   - Job control: when the workload stops (Ctrl-Z, SIGTTIN) and the caller is a shell
//     doing job control (sbx is in a process group of its own within the caller's
//     session), sbx takes the terminal back and stops itself the same way, so the shell
//     shows the job stopped; on SIGCONT (`fg`, `bg`) it hands the terminal back if it is
//     in the foreground and continues the workload. Without job control above it (a
//     script, a CI job in a pty), sbx never stops: --timeout holds while the workload is
//     stopped.
#pragma once
#include <sys/types.h>

namespace sbx {

class Terminal {
 public:
  enum class Mode { NewSession, OwnGroup, OwnGroupForeground };

  Terminal();  // looks at fd 0 and 1 and sbx's process group; no side effect
  ~Terminal();  // give_back()
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  Mode mode() const { return mode_; }
  bool job_control() const { return job_control_; }

  // The workload stopped with `sig`: with job control, take the terminal back and
  // stop sbx's process group alike (returns once sbx is continued).
  void workload_stopped(int sig);
  // sbx was continued: if its group is the foreground one, hand the terminal to the
  // group that had it when the workload stopped.
  void continued();
  // The end of the run: the terminal goes back to sbx's group if the sandbox has it.
  void give_back() noexcept;

 private:
  Mode mode_ = Mode::NewSession;
  bool job_control_ = false;
  bool sandbox_has_it_ = false;  // the terminal was given to the sandbox and not taken back
  pid_t sandbox_group_ = -1;     // the sandbox's foreground group when it last stopped
};

// tcsetpgrp(0, pgrp) from sbx, which may be in the background: SIGTTOU is blocked
// meanwhile (as a shell does), so the kernel does not stop sbx for it.
bool set_foreground(pid_t pgrp) noexcept;

}  // namespace sbx
