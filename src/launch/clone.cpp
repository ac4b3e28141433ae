#include "launch/clone.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace sbx {

namespace {
// struct clone_args from <linux/sched.h> (CLONE_ARGS_SIZE_VER0 layout), declared here
// because that header's CLONE_* macros clash with <sched.h>.
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};
}  // namespace

CloneResult clone_sandbox(uint64_t namespace_flags) {
  CloneResult r;
  int pidfd = -1;
  CloneArgs args{};
  args.flags = namespace_flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  long rc = ::syscall(SYS_clone3, &args, sizeof args);
  if (rc >= 0) {
    r.pid = static_cast<pid_t>(rc);
    r.pidfd = pidfd;
    r.used_clone3 = true;
    return r;
  }
  if (errno != ENOSYS && errno != EPERM) return r;
  // clone(flags, stack, parent_tid, child_tid, tls): with CLONE_PIDFD the pidfd is
  // written through parent_tid.
  rc = ::syscall(SYS_clone, namespace_flags | CLONE_PIDFD | SIGCHLD, nullptr, &pidfd, nullptr, nullptr);
  if (rc < 0) return r;
  r.pid = static_cast<pid_t>(rc);
  r.pidfd = pidfd;
  return r;
}

}  // namespace sbx
