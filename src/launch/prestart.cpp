#include "launch/prestart.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "launch/channel.hpp"
#include "launch/clone.hpp"
#include "sandbox/child.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"

namespace sbx {

namespace {
// Address space for the Plan, reserved, not committed: a default profile's Plan takes
// a few kB; this leaves room for hundreds of thousands of mounts.
constexpr size_t kArenaBytes = size_t{256} << 20;
}  // namespace

std::unique_ptr<Prestart> Prestart::begin() {
  std::unique_ptr<Prestart> p(new Prestart);
  try {
    p->arena_ = PlanArena::create(kArenaBytes);
    if (!p->arena_) return nullptr;
    p->caps_ = std::make_unique<ChildCaps>();
    p->gate_ = std::make_unique<SignalGate>();
  } catch (const std::exception&) {
    return nullptr;
  }
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return nullptr;
  UniqueFd parent_end(sv[0]), child_end(sv[1]);
  SBX_TRACE_POINT("parent: prestart");
  // The child is to run beside this process, not instead of it: a new child is often
  // queued on its parent's CPU, where it either waits for the parse or preempts it. It
  // is moved to the other CPUs of sbx's affinity mask, and puts the mask back itself
  // once it has its Plan (prestarted_main).
  cpu_set_t mask, elsewhere;
  int cpu = ::sched_getcpu();
  bool move = cpu >= 0 && ::sched_getaffinity(0, sizeof mask, &mask) == 0;
  if (move) {
    elsewhere = mask;
    CPU_CLR(cpu, &elsewhere);
    move = CPU_COUNT(&elsewhere) > 0;
  }
  CloneResult cr = clone_sandbox(kCloneFlags);
  if (cr.pid < 0) return nullptr;
  if (cr.pid == 0) {
    parent_end.reset();
    child::prestarted_main(child_end.release(), *p->caps_, *p->arena_, kUnshareFlags, move ? &mask : nullptr);
  }
  // If this fails the child just runs where the scheduler puts it.
  if (move) (void)::sched_setaffinity(cr.pid, sizeof elsewhere, &elsewhere);
  p->child_.pid = cr.pid;
  p->child_.pidfd.reset(cr.pidfd);
  p->child_.channel = std::move(parent_end);
  p->child_.used_clone3 = cr.used_clone3;
  SBX_TRACE_POINT("parent: prestarted");
  return p;
}

Prestart::~Prestart() { discard(); }

void Prestart::discard() noexcept {
  if (!child_.pidfd) return;
  sys_pidfd_send_signal(child_.pidfd.get(), SIGKILL);
  siginfo_t info;
  ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(child_.pidfd.get()), &info, WEXITED);
  child_.pidfd.reset();
  child_.channel.reset();
}

bool Prestart::hand_over(const Plan& plan, SandboxProcess& out, std::unique_ptr<SignalGate>& gate,
                         std::unique_ptr<ChildCaps>& caps) {
  Message m;
  // Usually there already: the namespaces were made while the profile was parsed.
  if (!recv_message(child_.channel.get(), m) || m.type != MsgType::Unshared) {
    discard();
    return false;
  }
  m = Message();
  m.type = MsgType::PlanReady;
  m.offset = static_cast<uint64_t>(reinterpret_cast<const char*>(&plan) - static_cast<const char*>(arena_->base()));
  if (!send_message(child_.channel.get(), m)) {
    discard();
    return false;
  }
  out = std::move(child_);
  gate = std::move(gate_);
  caps = std::move(caps_);
  return true;
}

}  // namespace sbx
