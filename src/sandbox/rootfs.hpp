// Building the sandbox's root filesystem, top to bottom:
//   1. make every mount a slave of the host's (MS_SLAVE|MS_REC): nothing propagates out;
//   2. the new root, a tmpfs, mounted over / in this (private) mount namespace. The
//      process's root stays the old one until the pivot, and an fd opened on the old
//      root beforehand keeps reaching the host's tree below it: no scratch directory;
//   3. the Spec's symlinks and mounts into the new root, each destination resolved
//      inside it (resolve.hpp), each bind source resolved inside the old root;
//   4. masked and read-only paths; the new root itself made read-only;
//   5. pivot_root into the new root and detach the old one: the host is gone.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

void build_rootfs(const Plan& plan);

}  // namespace sbx::child
