// What to tell a user when the kernel refuses user namespaces: the common real-world
// causes (a sysctl, AppArmor on Ubuntu 23.10+, a container's seccomp profile) and what
// to do about each. Read from /proc/sys at the moment of failure.
#pragma once
#include <string>

#include "spec/spec.hpp"

namespace sbx {

// A sentence or two (starting with "; "), or "" when nothing specific is known.
std::string userns_hint(int err);

// For a bind source missing at run time: where it was declared, and the two ways out
// ("?" to skip it when absent, or creating it). "" when the Spec does not know it.
std::string missing_bind_source(const Spec& spec, const std::string& source);

// For ENOSYS during setup: the kernel lacks a syscall sbx needs (Linux >= 5.12).
std::string kernel_hint();

}  // namespace sbx
