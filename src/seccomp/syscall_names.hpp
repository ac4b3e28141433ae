// Syscall, action and comparison-operator names, as profiles and OCI spell them.
// Syscall names are checked against libseccomp's tables for the native architecture.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbx {

bool is_known_syscall(const std::string& name);
std::vector<std::string> known_syscalls();  // for "did you mean"
// The name of a native syscall number, if this libseccomp knows it.
std::optional<std::string> known_syscall_name(uint32_t nr);

// Profile action names ("errno") <-> OCI ("SCMP_ACT_ERRNO").
std::optional<std::string> oci_action(const std::string& profile_name);
std::vector<std::string> profile_action_names();  // allow, errno, kill_process, ...
// "SCMP_ACT_KILL_PROCESS" -> "kill_process"; the OCI name itself when unknown.
std::string profile_action_name(const std::string& oci_action);
// Profile op names ("masked_eq") <-> OCI ("SCMP_CMP_MASKED_EQ").
std::optional<std::string> oci_operator(const std::string& profile_name);
std::vector<std::string> profile_operator_names();

// The architectures a filter covers on this machine: native first, then the compat
// ABIs that could otherwise bypass it (x86_64: x86 and x32). OCI names.
std::vector<std::string> native_architectures();

// OCI names -> libseccomp values: "SCMP_ARCH_X86" -> SCMP_ARCH_X86,
// "SCMP_CMP_MASKED_EQ" -> SCMP_CMP_MASKED_EQ. nullopt when unknown.
std::optional<uint32_t> scmp_arch_value(const std::string& oci_arch);
std::optional<int> scmp_operator_value(const std::string& oci_op);

// How logs name the ABI of a syscall the kernel reports as (AUDIT_ARCH_*, nr):
// "x86_64", "x32", "x86", ...; and the libseccomp arch to resolve its name with.
const char* abi_name(uint32_t audit_arch, int nr);
uint32_t abi_scmp_arch(uint32_t audit_arch, int nr);

}  // namespace sbx
