#include "seccomp/audit.hpp"

#include <cerrno>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "seccomp/reserved.hpp"
#include "seccomp/syscall_names.hpp"
#include "util/error.hpp"

namespace sbx {

namespace {

bool denies(const std::string& action) {
  return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_KILL_PROCESS" || action == "SCMP_ACT_KILL_THREAD" ||
         action == "SCMP_ACT_KILL" || action == "SCMP_ACT_TRAP";
}

AuditOriginal original(const std::string& action, std::optional<uint32_t> errno_ret) {
  AuditOriginal o;
  o.action = profile_action_name(action == "SCMP_ACT_KILL" ? "SCMP_ACT_KILL_THREAD" : action);
  o.errno_ret = action == "SCMP_ACT_ERRNO" ? errno_ret.value_or(EPERM) : EPERM;
  return o;
}

nlohmann::json to_json(const AuditOriginal& o) { return {{"action", o.action}, {"errno", o.errno_ret}}; }

AuditOriginal from_json(const nlohmann::json& j) {
  return {j.at("action").get<std::string>(), j.at("errno").get<uint32_t>()};
}

}  // namespace

void apply_audit(Spec& spec, const std::string& log_path) {
  if (!spec.linux.seccomp)
    throw Error("--audit: the profile has no [seccomp] section, so no syscall is denied and there is nothing to audit");
  Seccomp& sc = *spec.linux.seccomp;
  if (!sc.listener_path.empty())
    throw Error("--audit cannot be used with [seccomp] listener = \"" + sc.listener_path +
                "\": that agent answers the notifications; audit with the agent, or drop the listener");
  std::error_code ec;
  std::string log = std::filesystem::absolute(log_path, ec).lexically_normal().string();
  if (ec || log_path.empty()) throw Error("--audit: bad file name '" + log_path + "'");

  nlohmann::json plan;
  plan["log"] = log;
  plan["rules"] = nlohmann::json::object();
  std::set<std::string> mentioned;
  for (const auto& r : sc.syscalls) mentioned.insert(r.names.begin(), r.names.end());
  std::vector<SeccompSyscall> out;
  for (const SeccompSyscall& r : sc.syscalls) {
    if (!denies(r.action)) {
      out.push_back(r);
      continue;
    }
    std::vector<std::string> audited, reserved;
    for (const auto& n : r.names) (notify_refusal_reason(n) ? reserved : audited).push_back(n);
    if (!reserved.empty()) out.push_back({reserved, r.action, r.errno_ret, r.args});
    if (audited.empty()) continue;
    AuditOriginal o = original(r.action, r.errno_ret);
    plan["rules"][std::to_string(out.size())] = to_json(o);
    out.push_back({audited, "SCMP_ACT_NOTIFY", o.errno_ret, r.args});
  }
  if (denies(sc.default_action)) {
    AuditOriginal o = original(sc.default_action, sc.default_errno_ret);
    plan["default"] = to_json(o);
    // sbx's own syscalls keep the default's answer instead of waiting for a listener.
    std::vector<std::string> own;
    for (const auto& n : syscalls_sbx_needs())
      if (!mentioned.count(n)) own.push_back(n);
    if (!own.empty()) out.push_back({own, sc.default_action, sc.default_errno_ret, {}});
    sc.default_action = "SCMP_ACT_NOTIFY";
  }
  sc.syscalls = std::move(out);
  spec.annotations[kAuditAnnotation] = plan.dump();
}

std::optional<AuditPlan> audit_plan(const Spec& spec) {
  auto it = spec.annotations.find(kAuditAnnotation);
  if (it == spec.annotations.end()) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(it->second);
    AuditPlan p;
    p.log = j.at("log").get<std::string>();
    if (j.contains("default")) p.default_action = from_json(j["default"]);
    for (const auto& [k, v] : j.at("rules").items()) p.rules[std::stoul(k)] = from_json(v);
    return p;
  } catch (const std::exception& e) {
    throw Error(std::string("annotation ") + kAuditAnnotation + " is malformed: " + e.what());
  }
}

}  // namespace sbx
