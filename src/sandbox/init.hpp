// PID 1 inside the sandbox: sbx's own minimal init. It holds no capabilities, runs
// under its own tiny seccomp filter, reaps every zombie, forwards the signals the
// supervisor sends to the workload, and when the workload exits reports its status and
// exits, which makes the kernel kill everything left in the sandbox.
#pragma once
#include <sys/types.h>

#include "sandbox/plan.hpp"

namespace sbx::child {

[[noreturn]] void run_init(const Plan& plan, const ChildCaps& caps, pid_t workload);

}  // namespace sbx::child
