// OCI maskedPaths and readonlyPaths, applied once /proc (and /sys, if any) are in
// place. A masked directory gets an empty read-only tmpfs; a masked file gets the
// host's /dev/null, verified to be the real character device first, so nothing a
// workload controls can be bound over a path (runc CVE-2025-31133 class).
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

void apply_masks(int oldroot_fd, int newroot_fd, const Plan& plan);

// plan.readonly_dirs: each directory (in a writable tmpfs) cloned with what is mounted
// below it, and the clone's top made read-only and mounted over it. Writes into the
// directory fail with EROFS; the mounts below it (the project) keep their own flags.
void make_dirs_readonly(int newroot_fd, const Plan& plan);

}  // namespace sbx::child
