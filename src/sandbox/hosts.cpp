#include "sandbox/hosts.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/mounts.hpp"
#include "sandbox/report.hpp"
#include "sandbox/resolve.hpp"
#include "util/fd.hpp"

namespace sbx::child {

namespace {

constexpr off_t kMaxCopy = 1 << 20;

struct HostsCopy {
  int in;  // the sandbox's /etc/hosts, opened for reading; -1: none
  const Plan* plan;
};

// The new /etc/hosts: the old one's lines, then the hostname's.
void fill_hosts(int out, const void* ctx) {
  const auto& c = *static_cast<const HostsCopy*>(ctx);
  char buf[4096];
  char last = '\n';
  while (c.in >= 0) {
    ssize_t n = ::read(c.in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read", "/etc/hosts");
    if (n == 0) break;
    if (!write_all(out, buf, static_cast<size_t>(n))) fail_errno("write", "the sandbox's /etc/hosts");
    last = buf[n - 1];
  }
  const auto& entry = c.plan->hosts_entry;
  if ((last != '\n' && !write_all(out, "\n", 1)) || !write_all(out, entry.c_str(), entry.size()))
    fail_errno("write", "the sandbox's /etc/hosts");
}

}  // namespace

void add_hostname_to_hosts(int newroot_fd, const Plan& plan) {
  if (plan.hosts_entry.empty()) return;
  // Opened once, for reading, and bound over through the same fd (no second lookup).
  int target = open_in_root(newroot_fd, "/etc/hosts", O_RDONLY | O_NONBLOCK | O_NOCTTY);
  bool made = false;
  if (target < 0 && errno == ENOENT) {
    target = make_mountpoint(newroot_fd, "/etc/hosts", false);
    made = true;
  }
  if (target < 0) {
    verbose("no /etc/hosts to add the hostname to");
    return;
  }
  struct stat tst {};
  if (::fstat(target, &tst) < 0) fail_errno("stat", "/etc/hosts");
  if (!S_ISREG(tst.st_mode)) {
    ::close(target);
    verbose("/etc/hosts is not a file: the hostname is not added");
    return;
  }
  // A huge hosts file (an ad-blocking list) is not copied on every start: kept as it is.
  if (tst.st_size > kMaxCopy) {
    ::close(target);
    verbose("/etc/hosts is larger than %ld bytes: the hostname is not added", static_cast<long>(kMaxCopy));
    return;
  }
  HostsCopy copy{made ? -1 : target, &plan};  // (a mount point sbx made is empty)
  bind_new_file(newroot_fd, target, "/etc/hosts", 0644, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                fill_hosts, &copy);
  ::close(target);
  verbose("/etc/hosts: %s", plan.hosts_entry.c_str());
}

}  // namespace sbx::child
