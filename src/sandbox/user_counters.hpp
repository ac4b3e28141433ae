// Per-user kernel counters: /proc/sys/user/max_* (inotify instances and watches,
// fanotify groups and marks, namespaces of each type). The kernel counts them per user
// *and* per user namespace (ucounts), checking every level up to the host's: a sandbox
// running as the caller's uid spends the caller's share on the host. Each user namespace
// has its own limits, which its owner (CAP_SYS_RESOURCE in it) may set: the sandbox's
// first process, which has every capability in its new user namespace, sets each one
// to half the caller's (read by the parent), before it drops them. The host user keeps
// at least the other half of each, and the workload cannot raise them again (no
// capabilities; nested user namespaces are refused, and would count against these).
//
// The other per-user limits are rlimits, which the user namespace counts alike:
// RLIMIT_NPROC (`[limits] nproc`), RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_MEMLOCK.
// What the kernel does not count per namespace (open files, pipes' memory beyond
// pipe-user-pages-soft, keys: keyctl is refused) sbx cannot cap this way.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/plan.hpp"

namespace sbx {

// Parent side: the caller's limits, halved, by name ("max_inotify_instances").
std::vector<std::pair<std::string, uint64_t>> sandbox_user_counters();

namespace child {
// Child side, in the new user namespace with its capabilities: writes them.
void cap_user_counters(const Plan& plan);
}  // namespace child

}  // namespace sbx
