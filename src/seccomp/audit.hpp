// `sbx run --audit FILE`: every errno/kill/trap rule of the effective filter (and its
// default action, when that denies) becomes a notification that the built-in listener
// (seccomp/listener.hpp) logs to FILE and still denies, so a user sees exactly what
// their build trips on before tightening a profile.
//
// The answer is the rule's own errno; kill_process, kill_thread and trap rules are
// answered with EPERM instead (and logged with "action": "kill_process" etc.), so that
// one audit run shows every violation rather than stopping at the first. The syscalls
// sbx itself needs (seccomp/reserved.hpp) keep their action and are not audited.
//
// What each rewritten rule did before travels with the Spec in the annotation
// "org.sbx.seccomp.audit" (JSON), read back by audit_plan().
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "spec/spec.hpp"

namespace sbx {

inline constexpr const char* kAuditAnnotation = "org.sbx.seccomp.audit";

// Rewrites spec.linux.seccomp for auditing into `log_path`. Throws sbx::Error when the
// profile's filter cannot be audited (no [seccomp], or an external listener).
void apply_audit(Spec& spec, const std::string& log_path);

struct AuditOriginal {
  std::string action;  // profile spelling: "errno", "kill_process", "kill_thread", "trap"
  uint32_t errno_ret;  // what the listener answers
};

struct AuditPlan {
  std::string log;
  std::optional<AuditOriginal> default_action;
  std::map<size_t, AuditOriginal> rules;  // index into Seccomp::syscalls
};

// The plan apply_audit() left in the Spec, or nullopt when not auditing.
std::optional<AuditPlan> audit_plan(const Spec& spec);

}  // namespace sbx
