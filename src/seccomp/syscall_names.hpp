// Syscall, action and comparison-operator names, as profiles and OCI spell them.
// Syscall names are checked against libseccomp's tables for the native architecture.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace sbx {

bool is_known_syscall(const std::string& name);
std::vector<std::string> known_syscalls();  // for "did you mean"

// Profile action names ("errno") <-> OCI ("SCMP_ACT_ERRNO").
std::optional<std::string> oci_action(const std::string& profile_name);
std::vector<std::string> profile_action_names();  // allow, errno, kill_process, ...
// Profile op names ("masked_eq") <-> OCI ("SCMP_CMP_MASKED_EQ").
std::optional<std::string> oci_operator(const std::string& profile_name);
std::vector<std::string> profile_operator_names();

// The architectures a filter covers on this machine: native first, then the compat
// ABIs that could otherwise bypass it (x86_64: x86 and x32). OCI names.
std::vector<std::string> native_architectures();

}  // namespace sbx
