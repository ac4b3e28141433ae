// A sandbox started before its profile is parsed. Parsing the profile and building the
// Spec and Plan take ~0.5 ms; making a network namespace and copying the mount table
// take ~0.35 ms of kernel time. They need not wait for each other: `sbx run` first
// clones a child into a new user and pid namespace only (cheap), and that child makes
// the mount, network, IPC, UTS and cgroup namespaces with unshare(2) on the other CPU
// while the parent parses. The Plan is then built in a mapping the child shares
// (sandbox/plan_arena.hpp) and the child is sent its address.
//
// This is a guess: those are the namespaces of every shipped profile but `network`.
// When the Spec asks for others, or anything about the early child failed, launch()
// drops it (SIGKILL, reaped) and clones as usual, so the guess never changes what runs.
#pragma once
#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>

#include "launch/signals.hpp"
#include "sandbox/plan.hpp"
#include "util/fd.hpp"

namespace sbx {

// The sandbox's first process, however it was started.
struct SandboxProcess {
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd channel;  // parent's end
  bool used_clone3 = false;
};

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
  // Waits for the child to have made its namespaces, then hands it the Plan (which must
  // be in arena()). On success the process, signals and caps pass to the caller; false:
  // the child failed and is reaped, and this object is spent.
  bool hand_over(const Plan& plan, SandboxProcess& out, std::unique_ptr<SignalGate>& gate,
                 std::unique_ptr<ChildCaps>& caps);

 private:
  Prestart() = default;
  void discard() noexcept;
  std::unique_ptr<PlanArena> arena_;
  std::unique_ptr<ChildCaps> caps_;
  std::unique_ptr<SignalGate> gate_;
  SandboxProcess child_;
};

}  // namespace sbx
