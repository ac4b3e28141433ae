// The parent's half of the user-namespace dance: while the child waits, write
// /proc/PID/setgroups = "deny", uid_map and gid_map (verified to be on a real procfs),
// or, for subordinate ids, run newuidmap/newgidmap (the setuid helpers from the
// uidmap package; sbx itself stays unprivileged).
#pragma once
#include <sys/types.h>

#include <string>

#include "spec/spec.hpp"

namespace sbx {

// Throws sbx::Error naming the file and the cause.
void write_id_maps(pid_t pid, const Spec& spec);
void write_id_maps(pid_t pid, const std::vector<IdMapping>& uid_maps, const std::vector<IdMapping>& gid_maps);

// "0 1000 1\n" lines for a map file.
std::string format_id_map(const std::vector<IdMapping>& maps);

}  // namespace sbx
