// The workload's last steps, in the process init started (sandbox/child.cpp), which
// inherited its capabilities and no_new_privs from init: signal mask, session,
// rlimits, umask, cwd, the seccomp filter (the very last step), execve.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

[[noreturn]] void exec_workload(const Plan& plan);

}  // namespace sbx::child
