#include "spec/oci_json.hpp"

namespace sbx {

using nlohmann::json;

namespace {

json id_maps(const std::vector<IdMapping>& maps) {
  json a = json::array();
  for (const auto& m : maps) a.push_back({{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}});
  return a;
}

}  // namespace

json seccomp_to_json(const Seccomp& sc) {
  json j;
  j["defaultAction"] = sc.default_action;
  if (sc.default_errno_ret) j["defaultErrnoRet"] = *sc.default_errno_ret;
  if (!sc.architectures.empty()) j["architectures"] = sc.architectures;
  if (!sc.flags.empty()) j["flags"] = sc.flags;
  if (!sc.listener_path.empty()) j["listenerPath"] = sc.listener_path;
  if (!sc.listener_metadata.empty()) j["listenerMetadata"] = sc.listener_metadata;
  json calls = json::array();
  for (const auto& s : sc.syscalls) {
    json c{{"names", s.names}, {"action", s.action}};
    if (s.errno_ret) c["errnoRet"] = *s.errno_ret;
    if (!s.args.empty()) {
      json args = json::array();
      for (const auto& a : s.args) {
        json aj{{"index", a.index}, {"value", a.value}, {"op", a.op}};
        if (a.value_two) aj["valueTwo"] = a.value_two;
        args.push_back(aj);
      }
      c["args"] = args;
    }
    calls.push_back(c);
  }
  j["syscalls"] = calls;
  return j;
}

json to_oci_json(const Spec& spec) {
  json j;
  j["ociVersion"] = spec.oci_version;
  const auto& p = spec.process;
  json proc;
  proc["terminal"] = p.terminal;
  proc["user"] = {{"uid", p.uid}, {"gid", p.gid}};
  if (!p.additional_gids.empty()) proc["user"]["additionalGids"] = p.additional_gids;
  if (p.umask) proc["user"]["umask"] = *p.umask;
  proc["args"] = p.args;
  proc["env"] = p.env;
  proc["cwd"] = p.cwd;
  proc["capabilities"] = {{"bounding", p.capabilities.bounding},
                          {"effective", p.capabilities.effective},
                          {"inheritable", p.capabilities.inheritable},
                          {"permitted", p.capabilities.permitted},
                          {"ambient", p.capabilities.ambient}};
  if (!p.rlimits.empty()) {
    json rl = json::array();
    for (const auto& r : p.rlimits) rl.push_back({{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}});
    proc["rlimits"] = rl;
  }
  proc["noNewPrivileges"] = p.no_new_privileges;
  j["process"] = proc;
  j["root"] = {{"path", spec.root.path}, {"readonly", spec.root.readonly}};
  if (!spec.hostname.empty()) j["hostname"] = spec.hostname;

  json mounts = json::array();
  for (const auto& m : spec.mounts) {
    json mj{{"destination", m.destination}, {"type", m.type}, {"source", m.source}};
    if (!m.options.empty()) mj["options"] = m.options;
    mounts.push_back(mj);
  }
  j["mounts"] = mounts;

  json linux_;
  json ns = json::array();
  for (const auto& n : spec.linux.namespaces) ns.push_back({{"type", n.type}});
  linux_["namespaces"] = ns;
  linux_["uidMappings"] = id_maps(spec.linux.uid_mappings);
  linux_["gidMappings"] = id_maps(spec.linux.gid_mappings);
  if (spec.linux.seccomp) linux_["seccomp"] = seccomp_to_json(*spec.linux.seccomp);
  linux_["maskedPaths"] = spec.linux.masked_paths;
  linux_["readonlyPaths"] = spec.linux.readonly_paths;
  j["linux"] = linux_;

  // What OCI has no field for, as annotations (string values only).
  json ann = json::object();
  for (const auto& [k, v] : spec.annotations) ann[k] = v;
  if (!spec.sbx.description.empty()) ann["org.sbx.description"] = spec.sbx.description;
  if (!spec.sbx.profile.empty()) ann["org.sbx.profile"] = spec.sbx.profile;
  if (!spec.sbx.symlinks.empty()) {
    json links = json::array();
    for (const auto& s : spec.sbx.symlinks) links.push_back({{"path", s.path}, {"target", s.target}});
    ann["org.sbx.symlinks"] = links.dump();
  }
  json optional = json::array();
  for (const auto& m : spec.mounts)
    if (m.optional) optional.push_back(m.destination);
  if (!optional.empty()) ann["org.sbx.optional-mounts"] = optional.dump();
  if (spec.linux.seccomp && spec.linux.seccomp->unknown_enosys) {
    ann["org.sbx.seccomp-unknown"] = "enosys";
    if (!spec.linux.seccomp->allow_numbers.empty())
      ann["org.sbx.seccomp-allow-numbers"] = json(spec.linux.seccomp->allow_numbers).dump();
  }
  if (!spec.sbx.readonly_dirs.empty()) ann["org.sbx.readonly-dirs"] = json(spec.sbx.readonly_dirs).dump();
  if (spec.sbx.timeout) ann["org.sbx.timeout-ms"] = std::to_string(spec.sbx.timeout->count());
  if (!ann.empty()) j["annotations"] = ann;
  return j;
}

}  // namespace sbx
