// Rule combinations libseccomp would compile without complaint but not as written: for
// one syscall, an unconditional rule silently replaces every conditional rule with a
// different action (so `allow = ["ioctl"]` in a deny-by-default profile would quietly
// drop the TIOCSTI rule), and two unconditional rules with different actions make it
// fail with a bare "File exists". Profiles report these with positions
// (spec/from_profile_seccomp.cpp); compile.cpp refuses them as a last line of defence.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "spec/spec.hpp"

namespace sbx {

struct RuleConflict {
  std::string syscall;
  size_t unconditional;  // index into Seccomp::syscalls
  size_t other;          // the rule it would shadow or collide with
  std::string message;   // "'ioctl' is allowed unconditionally by ..., which would ..."
};

std::optional<RuleConflict> find_rule_conflict(const Seccomp& sc);

// The action a rule compiles to, comparable across rules: "SCMP_ACT_ERRNO(1)".
std::string effective_action(const std::string& action, std::optional<uint32_t> errno_ret);

}  // namespace sbx
