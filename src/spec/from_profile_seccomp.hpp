// The [seccomp] section of a profile -> Spec.linux.seccomp (and Spec.sbx.notify for
// the built-in listener). Syscall, errno, action and operator names are checked here,
// with positions, so a typo is a profile error and never a silently ignored rule.
#pragma once
#include <toml++/toml.h>

#include "spec/spec.hpp"

namespace sbx {

void seccomp_from_profile(const toml::table& seccomp_table, Spec& spec);

}  // namespace sbx
