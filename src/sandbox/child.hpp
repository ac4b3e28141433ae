// The child's whole life after clone, top to bottom (sandbox/child.cpp): wait for the
// id maps, close inherited fds, hostname, root filesystem, loopback, fork the workload,
// become init.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

[[noreturn]] void sandbox_main(const Plan& plan, int channel_fd);

}  // namespace sbx::child
