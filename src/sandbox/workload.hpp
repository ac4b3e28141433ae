// The workload's last steps, in the process init started (sandbox/child.cpp): session, rlimits, umask, cwd,
// capabilities, no_new_privs, the seccomp filter (the very last step), execve.
#pragma once

#include "sandbox/plan.hpp"

namespace sbx::child {

[[noreturn]] void exec_workload(const Plan& plan);

}  // namespace sbx::child
