#include "launch/clone.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

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

SandboxProcess start_sandbox(uint64_t namespace_flags, const std::function<void(int channel_fd)>& child_main) {
  SandboxProcess p;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    p.failed = "socketpair";
    p.error = errno;
    return p;
  }
  UniqueFd parent_end(sv[0]), child_end(sv[1]);
  CloneResult cr = clone_sandbox(namespace_flags);
  if (cr.pid < 0) {
    p.failed = "clone";
    p.error = errno;
    return p;
  }
  if (cr.pid == 0) {
    parent_end.reset();
    child_main(child_end.release());
    ::_exit(kExitSbxFailure);
  }
  p.pid = cr.pid;
  p.pidfd.reset(cr.pidfd);
  p.channel = std::move(parent_end);
  p.used_clone3 = cr.used_clone3;
  return p;
}

}  // namespace sbx
