#include "spec/spec.hpp"

#include <algorithm>

namespace sbx {

bool Mount::has_option(const std::string& o) const {
  return std::find(options.begin(), options.end(), o) != options.end();
}

bool Spec::has_namespace(const std::string& type) const {
  return std::any_of(linux.namespaces.begin(), linux.namespaces.end(),
                     [&](const Namespace& n) { return n.type == type; });
}

const std::vector<std::string>& oci_default_masked_paths() {
  static const std::vector<std::string> v = {
      "/proc/acpi",        "/proc/asound",  "/proc/kcore",       "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
      "/proc/scsi",        "/sys/firmware", "/sys/devices/virtual/powercap",
  };
  return v;
}

const std::vector<std::string>& oci_default_readonly_paths() {
  static const std::vector<std::string> v = {
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
  };
  return v;
}

}  // namespace sbx
