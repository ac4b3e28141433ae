// Building the sandbox's root filesystem, top to bottom:
//   1. make every mount a slave of the host's (MS_SLAVE|MS_REC): nothing propagates out;
//   2. a scratch tmpfs over /tmp holding newroot/ (the future /, itself a tmpfs) and
//      oldroot/; pivot_root there, so the host tree stays reachable as /oldroot;
//   3. the Spec's symlinks and mounts into /newroot, each destination resolved inside
//      it (resolve.hpp), each bind source resolved inside /oldroot;
//   4. masked and read-only paths; the new root itself made read-only;
//   5. pivot_root into /newroot and detach the old root: the host is gone.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

void build_rootfs(const Plan& plan);

}  // namespace sbx::child
