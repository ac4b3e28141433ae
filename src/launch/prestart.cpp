#include "launch/prestart.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "launch/channel.hpp"
#include "launch/clone.hpp"
#include "launch/idmap.hpp"
#include "sandbox/child.hpp"
#include "seccomp/known.hpp"
#include "seccomp/precompiled.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"

namespace sbx {

namespace {
// Address space for the Plan, reserved, not committed: a default profile's Plan takes
// a few kB; this leaves room for hundreds of thousands of mounts.
constexpr size_t kArenaBytes = size_t{64} << 20;
}  // namespace

std::unique_ptr<Prestart> Prestart::begin() {
  std::unique_ptr<Prestart> p(new Prestart);
  try {
    p->arena_ = PlanArena::create(kArenaBytes);
    if (!p->arena_) return nullptr;
    p->caps_ = std::make_unique<ChildCaps>();
    p->gate_ = std::make_unique<SignalGate>();
    // (Precompiled: a lookup. Without the table, the child installs none, and fits()
    // only takes a Spec that wants none.)
    if (auto pre = find_precompiled_key(known_filter_key(default_known_seccomp()))) p->known_ = std::move(pre->program);
  } catch (const std::exception&) {
    return nullptr;
  }
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
  p->child_ = start_sandbox(kCloneFlags, [&](int channel_fd) {
    child::prestarted_main(channel_fd, *p->caps_, *p->arena_, kUnshareFlags, move ? &mask : nullptr, p->known_);
  });
  if (p->child_.pid < 0) return nullptr;
  // If this fails the child just runs where the scheduler puts it.
  if (move) (void)::sched_setaffinity(p->child_.pid, sizeof elsewhere, &elsewhere);
  // The guessed id maps: the caller's uid and gid, as every profile but a few map them.
  p->uid_maps_ = {{static_cast<uint32_t>(::getuid()), static_cast<uint32_t>(::getuid()), 1}};
  p->gid_maps_ = {{static_cast<uint32_t>(::getgid()), static_cast<uint32_t>(::getgid()), 1}};
  try {
    write_id_maps(p->child_.pid, p->uid_maps_, p->gid_maps_);
  } catch (const std::exception&) {
    return nullptr;  // (the destructor kills and reaps the child)
  }
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

bool Prestart::fits(uint64_t flags, const Spec& spec) const {
  auto same = [](const std::vector<IdMapping>& a, const std::vector<IdMapping>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const IdMapping& x, const IdMapping& y) {
             return x.container_id == y.container_id && x.host_id == y.host_id && x.size == y.size;
           });
  };
  bool wants_known = spec.linux.seccomp && spec.linux.seccomp->unknown_enosys;
  if (wants_known != !known_.empty()) return false;
  if (wants_known && !same_known_filter(*spec.linux.seccomp, default_known_seccomp())) return false;
  return flags == kFlags && same(spec.linux.uid_mappings, uid_maps_) &&
         same(spec.linux.gid_mappings, gid_maps_);
}

bool Prestart::send_plan(const Plan& plan) {
  Message m;
  m.type = MsgType::PlanReady;
  m.offset = static_cast<uint64_t>(reinterpret_cast<const char*>(&plan) - static_cast<const char*>(arena_->base()));
  if (send_message(child_.channel.get(), m)) return true;
  discard();
  return false;
}

void Prestart::take(SandboxProcess& out, std::unique_ptr<SignalGate>& gate, std::unique_ptr<ChildCaps>& caps) {
  out = std::move(child_);
  gate = std::move(gate_);
  caps = std::move(caps_);
}

}  // namespace sbx
