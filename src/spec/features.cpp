#include "spec/features.hpp"

#include <seccomp.h>

#include <algorithm>
#include <string>

#include "spec/from_oci.hpp"
#include "spec/spec.hpp"
#include "util/names.hpp"

namespace sbx {

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

nlohmann::json features_json() {
  const OciSupport& s = oci_support();
  nlohmann::json j;
  j["ociVersionMin"] = "1.0.0";
  j["ociVersionMax"] = kOciVersion;
  j["hooks"] = nlohmann::json::array();  // refused: sbx runs no hooks
  j["mountOptions"] = sorted(s.mount_options);

  nlohmann::json lx;
  lx["namespaces"] = sorted(s.namespaces);
  lx["capabilities"] = capability_names();
  // sbx manages no cgroups: linux.resources and cgroupsPath are refused.
  lx["cgroup"] = {{"v1", false}, {"v2", false}, {"systemd", false}, {"systemdUser", false}, {"rdma", false}};
  lx["seccomp"] = {{"enabled", true},
                   {"actions", sorted(s.seccomp_actions)},
                   {"operators", sorted(s.seccomp_operators)},
                   {"archs", sorted(s.seccomp_archs)},
                   {"knownFlags", sorted(s.seccomp_flags)},
                   {"supportedFlags", sorted(s.seccomp_flags)}};
  lx["apparmor"] = {{"enabled", false}};
  lx["selinux"] = {{"enabled", false}};
  lx["intelRdt"] = {{"enabled", false}};
  lx["mountExtensions"] = {{"idmap", {{"enabled", false}}}};
  j["linux"] = lx;

  const scmp_version* v = seccomp_version();
  j["annotations"] = {
      {"org.sbx.version", SBX_VERSION},
      {"org.sbx.rootless", "true"},
      {"org.sbx.mount.types", nlohmann::json(sorted(s.mount_types)).dump()},
      {"org.sbx.seccomp.notify", "built-in listener ([seccomp.notify]) or linux.seccomp.listenerPath"},
      {"io.github.seccomp.libseccomp.version",
       std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro)},
  };
  return j;
}

}  // namespace sbx
