// `sbx run --audit FILE`: every errno/kill rule of the effective filter becomes a
// notification that the built-in listener logs to FILE and still denies, so a user
// sees exactly what their build trips on before tightening a profile.
#pragma once
#include <string>

#include "spec/spec.hpp"

namespace sbx {

// Rewrites spec.linux.seccomp for auditing into `log_path`. Throws sbx::Error when the
// profile's filter cannot be audited.
void apply_audit(Spec& spec, const std::string& log_path);

}  // namespace sbx
