#include "sandbox/child.hpp"

#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <climits>
#include <cstdio>

#include "launch/channel.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/init.hpp"
#include "sandbox/network.hpp"
#include "sandbox/report.hpp"
#include "sandbox/rootfs.hpp"
#include "sandbox/user_counters.hpp"
#include "sandbox/workload.hpp"
#include "util/error.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"

namespace sbx::child {

namespace {

// Closes every fd but 0-2, the channel and the ones the profile keeps: nothing the
// caller leaked (a host directory fd, say) survives into the sandbox.
void close_inherited_fds(const Plan& plan, int channel_fd) {
  int keep[130];
  size_t n = 0;
  keep[n++] = channel_fd;
  for (int fd : plan.keep_fds)
    if (n < 129) keep[n++] = fd;
  // insertion sort: tiny and allocation-free
  for (size_t i = 1; i < n; ++i)
    for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; --j) std::swap(keep[j - 1], keep[j]);
  unsigned lo = 3;
  for (size_t i = 0; i < n; ++i) {
    unsigned k = static_cast<unsigned>(keep[i]);
    if (k < lo) continue;
    if (k > lo && ::close_range(lo, k - 1, 0) < 0) fail_errno("close inherited fds", "");
    lo = k + 1;
  }
  if (::close_range(lo, ~0U, 0) < 0) fail_errno("close inherited fds", "");
}

#if !defined(__SANITIZE_ADDRESS__)
int workload_main(void* plan) { exec_workload(*static_cast<const Plan*>(plan)); }
#endif

// Starts the workload the way posix_spawn does: CLONE_VM | CLONE_VFORK, on a stack of
// its own. No page tables are copied and nothing is copied on write; init is stopped
// until the workload has exec'd (or failed and exited), and the workload changes
// nothing init reads again (it only makes syscalls and sets `environ`).
pid_t spawn_workload(const Plan& plan) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan cannot follow a switch to a stack it did not make (it warns, and may report
  // false positives): sanitizer builds fork instead.
  pid_t child = ::fork();
  if (child < 0) fail_errno("start the workload", "");
  if (child == 0) exec_workload(plan);
  return child;
#else
  constexpr size_t kStack = size_t{256} * 1024, kGuard = 4096;
  void* mem = ::mmap(nullptr, kStack + kGuard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED) fail_errno("allocate the workload's stack", "");
  if (::mprotect(mem, kGuard, PROT_NONE) < 0) fail_errno("guard the workload's stack", "");
  char* top = static_cast<char*>(mem) + kStack + kGuard;
  pid_t pid = ::clone(workload_main, top, CLONE_VM | CLONE_VFORK | SIGCHLD, const_cast<Plan*>(&plan));
  if (pid < 0) fail_errno("start the workload", "");
  ::munmap(mem, kStack + kGuard);
  return pid;
#endif
}

// The unknown-syscall filter (seccomp/known.hpp), installed first: it costs ~0.25 ms of
// kernel time (a 1500-instruction program to check and JIT), spent while the parent
// writes the id maps or parses the profile. Everything sbx's child and init do after
// is known to libseccomp; the workload inherits it.
void install_known_filter(const struct sock_filter* prog, size_t len) {
  if (len == 0) return;
  struct sock_fprog fp {};
  fp.len = static_cast<unsigned short>(len);
  fp.filter = const_cast<struct sock_filter*>(prog);
  if (sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fp) < 0) fail_errno("install the unknown-syscall filter", "");
}

}  // namespace

void sandbox_main(const Plan& plan, const ChildCaps& caps, int channel_fd, bool prestarted) {
  // If sbx dies, so does the sandbox. (If it died before this line, the channel is
  // closed and the wait below sees EOF.)
  set_channel(channel_fd, plan.verbose);
  SBX_TRACE_POINT("child: started");
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail_errno("set the parent-death signal", "");
  close_inherited_fds(plan, channel_fd);
  if (!prestarted) install_known_filter(plan.workload_known_filter.data(), plan.workload_known_filter.size());

  // What needs no id maps (only the capabilities this process has in its new user
  // namespace from birth) is done while the parent writes them.
  if (!plan.hostname.empty() && ::sethostname(plan.hostname.data(), plan.hostname.size()) < 0)
    fail_errno("sethostname", plan.hostname.c_str());
  if (plan.loopback_up && !prestarted) bring_up_loopback();
  if (plan.loopback_up && prestarted) verbose("loopback up in the new network namespace");

  SBX_TRACE_POINT("child: hostname, loopback");
  // (A prestarted child had its maps before it had its Plan.)
  Message go;
  if (!prestarted && (!recv_message(channel_fd, go) || go.type != MsgType::MapsReady)) ::_exit(kExitSbxFailure);
  SBX_TRACE_POINT("child: id maps written");
  // sbx may have died after sending "go" but before PDEATHSIG was armed: then nobody
  // would ever kill this sandbox. Its end of the channel is closed in that case.
  struct pollfd hup {channel_fd, POLLRDHUP, 0};
  if (::poll(&hup, 1, 0) != 0 && (hup.revents & (POLLHUP | POLLRDHUP | POLLERR))) ::_exit(kExitSbxFailure);
  // From here on nothing in the sandbox may ptrace init or read its memory (the maps are
  // written: /proc/PID files become root-owned, which no longer matters).
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail_errno("set non-dumpable", "init");

  cap_user_counters(plan);  // (with this process's capabilities in its user namespace)
  build_rootfs(plan);
  SBX_TRACE_POINT("child: root built");

  // The workload's capabilities (none, for the shipped profiles) and no_new_privs are
  // set here, in init, and inherited: with CLONE_VFORK init cannot act again before
  // the workload has exec'd, so it must hold no more than the workload from now on.
  // It drops the rest as soon as it runs again (run_init).
  drop_capabilities(plan, caps);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail_errno("set no_new_privs", "");
  pid_t workload = spawn_workload(plan);
  SBX_TRACE_POINT("child: workload started");
  run_init(plan, caps, workload);
}

void prestarted_main(int channel_fd, const ChildCaps& caps, const PlanArena& arena, uint64_t unshare_flags,
                     const cpu_set_t* restore_affinity, const std::vector<struct sock_filter>& known) {
  set_channel(channel_fd, false);
  SBX_TRACE_POINT("child: prestarted");
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail_errno("set the parent-death signal", "");
  // The namespaces that cost (a network namespace is ~0.3 ms of kernel work), made here
  // while the parent parses the profile. Their owner is the user namespace this
  // process was born in, as if clone had made them.
  if (::unshare(static_cast<int>(unshare_flags)) < 0) fail_errno("create the sandbox's namespaces (unshare)", "");
  // Loopback needs nothing from the Plan (a sandbox with a network namespace has it up).
  if ((unshare_flags & CLONE_NEWNET) != 0) bring_up_loopback();
  install_known_filter(known.data(), known.size());  // (launch/prestart.cpp: fits())
  SBX_TRACE_POINT("child: namespaces made");
  // The Plan is usually moments away (sbx parses the profile on the other CPU): poll for
  // it a little before sleeping, since waking a sleeper on another CPU takes ~50 us on a
  // VM (an IPI). At most ~200 us of a CPU that has nothing else to do meanwhile.
  Message m;
  bool got = false;
  struct timespec start {}, now {};
  ::clock_gettime(CLOCK_MONOTONIC, &start);
  do {
    got = recv_message(channel_fd, m, nullptr, MSG_DONTWAIT);
    if (got || errno != EAGAIN) break;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) < 200000L);
  // EOF: sbx died or gave up on this sandbox (the profile asked for other namespaces).
  if (!got && !recv_message(channel_fd, m)) ::_exit(kExitSbxFailure);
  if (m.type != MsgType::PlanReady) ::_exit(kExitSbxFailure);
  SBX_TRACE_POINT("child: plan received");
  if (m.offset > arena.size() - sizeof(Plan) || m.offset % alignof(Plan) != 0)
    fail("receive the plan", "not in the shared mapping", EPROTO);
  const void* where = static_cast<const char*>(arena.base()) + m.offset;
  // sbx kept this process off its own CPU while it parsed (launch/prestart.cpp); that
  // is over, and the workload gets the CPUs sbx was started with.
  if (restore_affinity && ::sched_setaffinity(0, sizeof *restore_affinity, restore_affinity) < 0)
    fail_errno("restore the CPU affinity", "");
  SBX_TRACE_POINT("child: affinity restored");
  // The parent wrote the Plan before sending where it is; from here it is read-only.
  if (::mprotect(arena.base(), arena.size(), PROT_READ) < 0) fail_errno("protect the plan", "");
  sandbox_main(*static_cast<const Plan*>(where), caps, channel_fd, /*prestarted=*/true);
}

}  // namespace sbx::child
