// Name tables for what profiles spell by name: errno values, capabilities, rlimits.
// (Syscall names live in seccomp/syscall_names.hpp.) Each comes from the system's own
// source of truth: glibc for errno names, libcap for capabilities.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace sbx {

// "EPERM" -> 1. Accepts the name only (numbers are parsed by the caller).
std::optional<int> errno_from_name(const std::string& name);
std::string errno_name(int err);  // 1 -> "EPERM", else the number
std::vector<std::string> errno_names();

// "CAP_NET_RAW", "net_raw", "cap_net_raw" -> "CAP_NET_RAW"; nullopt when unknown.
std::optional<std::string> normalize_capability(const std::string& name);
std::optional<int> capability_value(const std::string& canonical_name);
std::vector<std::string> capability_names();  // canonical, known to this libcap

// "nofile" / "RLIMIT_NOFILE" -> "RLIMIT_NOFILE"; and the resource number.
std::optional<std::string> normalize_rlimit(const std::string& name);
std::optional<int> rlimit_resource(const std::string& canonical_name);
std::vector<std::string> rlimit_short_names();  // "as", "core", ...

}  // namespace sbx
