#include "launch/hints.hpp"

#include <sys/utsname.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sbx {

namespace {
std::string read_sysctl(const char* path) {
  std::ifstream f(path);
  std::string v;
  if (f) f >> v;
  return v;
}
}  // namespace

std::string userns_hint(int err) {
  if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" && (err == EPERM || err == EACCES))
    return "; AppArmor restricts unprivileged user namespaces on this system "
           "(kernel.apparmor_restrict_unprivileged_userns=1, Ubuntu 23.10+): install an AppArmor profile granting "
           "'userns,' to sbx (see README, Troubleshooting) or, system-wide, "
           "`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`";
  if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0")
    return "; unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0): "
           "enable them with `sudo sysctl kernel.unprivileged_userns_clone=1`";
  if (read_sysctl("/proc/sys/user/max_user_namespaces") == "0")
    return "; user namespaces are disabled (user.max_user_namespaces=0): "
           "`sudo sysctl user.max_user_namespaces=15000`";
  if (err == ENOSPC)
    return "; the user's namespaces are exhausted (user.max_user_namespaces, user.max_net_namespaces, "
           "user.max_mnt_namespaces...): raise the one at its limit, e.g. `sudo sysctl user.max_user_namespaces=15000`";
  if (err == EPERM)
    return "; if sbx runs inside a container, its seccomp profile or missing capabilities may forbid new "
           "namespaces (Docker: --security-opt seccomp=unconfined, or run with a profile allowing clone/unshare)";
  return {};
}

std::string missing_bind_source(const Spec& spec, const std::string& source) {
  auto it = spec.sbx.bind_origins.find(source);
  if (it == spec.sbx.bind_origins.end()) return {};
  return it->second + ": bind source " + source + ": " + std::strerror(ENOENT) + "; create it first (mkdir -p " +
         source + ") or write \"?" + source + "\" to skip it when it is absent";
}

std::string kernel_hint() {
  struct utsname u {};
  ::uname(&u);
  return std::string("; sbx needs Linux 5.12 or newer (openat2, open_tree, move_mount, fsopen, mount_setattr), "
                     "and this kernel is ") + u.release;
}

}  // namespace sbx
