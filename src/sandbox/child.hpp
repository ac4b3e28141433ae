// The child's whole life after clone, top to bottom (sandbox/child.cpp): close
// inherited fds, hostname and loopback, wait for the id maps, root filesystem, start
// the workload, become init.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

[[noreturn]] void sandbox_main(const Plan& plan, int channel_fd);

}  // namespace sbx::child
