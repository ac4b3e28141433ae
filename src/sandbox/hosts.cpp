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

namespace sbx::child {

namespace {

constexpr const char kScratch[] = ".sbx-hosts";  // in the new root, unlinked once bound
constexpr off_t kMaxCopy = 1 << 20;

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Copies the regular file `in` (if any) to `out`; the last character copied, or '\n'.
char copy_file(int in, int out) {
  char last = '\n';
  if (in < 0) return last;
  struct stat st {};
  if (::fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) return last;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read", "/etc/hosts");
    if (n == 0) break;
    if (!write_all(out, buf, static_cast<size_t>(n))) fail_errno("write", "the sandbox's /etc/hosts");
    last = buf[n - 1];
  }
  return last;
}

}  // namespace

void add_hostname_to_hosts(int newroot_fd, const Plan& plan) {
  if (plan.hosts_entry.empty()) return;
  int target = open_in_root(newroot_fd, "/etc/hosts", O_PATH);
  if (target < 0 && errno == ENOENT) target = make_mountpoint(newroot_fd, "/etc/hosts", false);
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
  int out = ::openat(newroot_fd, kScratch, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (out < 0) fail_errno("create", "the sandbox's /etc/hosts");
  int in = open_in_root(newroot_fd, "/etc/hosts", O_RDONLY | O_NONBLOCK | O_NOCTTY);
  char last = copy_file(in, out);
  if (in >= 0) ::close(in);
  if (last != '\n' && !write_all(out, "\n", 1)) fail_errno("write", "the sandbox's /etc/hosts");
  if (!write_all(out, plan.hosts_entry.c_str(), plan.hosts_entry.size())) fail_errno("write", "the sandbox's /etc/hosts");
  ::close(out);
  int src = ::openat(newroot_fd, kScratch, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0) fail_errno("open", "the sandbox's /etc/hosts");
  const char* what = "";
  if (bind_fd(src, target, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false, &what) < 0)
    fail_errno("bind /etc/hosts", what);
  if (::unlinkat(newroot_fd, kScratch, 0) < 0) fail_errno("unlink", kScratch);
  ::close(src);
  ::close(target);
  verbose("/etc/hosts: %s", plan.hosts_entry.c_str());
}

}  // namespace sbx::child
