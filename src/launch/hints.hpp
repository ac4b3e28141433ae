// What to tell a user when the kernel refuses user namespaces: the common real-world
// causes (a sysctl, AppArmor on Ubuntu 23.10+, a container's seccomp profile) and what
// to do about each. Read from /proc/sys at the moment of failure.
#pragma once
#include <string>

namespace sbx {

// A sentence or two (starting with "; "), or "" when nothing specific is known.
std::string userns_hint(int err);

// For ENOSYS during setup: the kernel lacks a syscall sbx needs (Linux >= 5.12).
std::string kernel_hint();

}  // namespace sbx
