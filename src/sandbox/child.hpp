// The child's whole life after clone, top to bottom (sandbox/child.cpp): close
// inherited fds, hostname and loopback, wait for the id maps, root filesystem, start
// the workload, become init.
#pragma once
#include <linux/filter.h>

#include <vector>

#include <sched.h>

#include <cstdint>

#include "sandbox/plan.hpp"

namespace sbx::child {

// `prestarted`: called from prestarted_main, which has had the id maps written,
// brought loopback up and installed the unknown-syscall filter already.
[[noreturn]] void sandbox_main(const Plan& plan, const ChildCaps& caps, int channel_fd, bool prestarted = false);

// A sandbox started before its profile was parsed (launch/prestart.hpp): makes the
// `unshare_flags` namespaces, waits for the Plan's place in `arena` (PlanReady), sets
// `restore_affinity` (if sbx moved it to another CPU meanwhile), then goes on as
// sandbox_main. Exits quietly if sbx closes the channel instead. `known`: the default
// baseline's unknown-syscall filter (seccomp/known.hpp), installed meanwhile, or empty.
[[noreturn]] void prestarted_main(int channel_fd, const ChildCaps& caps, const PlanArena& arena,
                                  uint64_t unshare_flags, const cpu_set_t* restore_affinity,
                                  const std::vector<struct sock_filter>& known);

}  // namespace sbx::child
