// A sandbox started before its profile is parsed. Parsing the profile and building the
// Spec and Plan take ~0.5 ms; making a network namespace and copying the mount table
// take ~0.35 ms of kernel time. They need not wait for each other: `sbx run` first
// clones a child into a new user and pid namespace only (cheap), and that child makes
// the mount, network, IPC, UTS and cgroup namespaces with unshare(2) on the other CPU
// while the parent parses. The Plan is then built in a mapping the child shares
// (sandbox/plan_arena.hpp) and the child is sent its address.
//
// This is a guess: those are the namespaces of every shipped profile but `network`, and
// its id maps, written at once, are the caller's own uid and gid (every profile but the
// root-inside and subordinate-id ones). When the Spec asks for anything else, or the
// early child failed, launch() drops it (SIGKILL, reaped) and clones as usual, so the
// guess never changes what runs.
#pragma once
#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "launch/clone.hpp"
#include "launch/signals.hpp"
#include "sandbox/plan.hpp"
#include "util/fd.hpp"

namespace sbx {

class Prestart {
 public:
  static constexpr uint64_t kCloneFlags = CLONE_NEWUSER | CLONE_NEWPID;
  static constexpr uint64_t kUnshareFlags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
  static constexpr uint64_t kFlags = kCloneFlags | kUnshareFlags;

  // Starts it; nullptr if anything fails (launch() then starts the sandbox as usual and
  // reports the failure there, if it is not a passing one).
  static std::unique_ptr<Prestart> begin();
  ~Prestart();  // unless taken: SIGKILL and reap the child
  Prestart(const Prestart&) = delete;
  Prestart& operator=(const Prestart&) = delete;

  PlanArena& arena() { return *arena_; }
  // Whether the Spec asks for exactly these namespaces (`flags`: clone_flags_for(spec)),
  // id maps and unknown-syscall filter (the default baseline's, or none).
  bool fits(uint64_t flags, const Spec& spec) const;
  // Sends the child where its Plan is (in arena()); the id maps are written already.
  // False if the child is gone (then discarded).
  bool send_plan(const Plan& plan);
  // The process, its signal gate and caps, for launch() to carry on with.
  void take(SandboxProcess& out, std::unique_ptr<SignalGate>& gate, std::unique_ptr<ChildCaps>& caps);
  // To give up on it: SIGKILL and reap the child.
  void discard() noexcept;

 private:
  Prestart() = default;
  std::vector<IdMapping> uid_maps_, gid_maps_;
  std::unique_ptr<PlanArena> arena_;
  std::unique_ptr<ChildCaps> caps_;
  std::unique_ptr<SignalGate> gate_;
  std::vector<struct sock_filter> known_;  // the default unknown-syscall filter, installed early
  SandboxProcess child_;
};

}  // namespace sbx
