#include "sandbox/devices.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>

#include "sandbox/mounts.hpp"
#include "sandbox/report.hpp"
#include "sandbox/resolve.hpp"

namespace sbx::child {

namespace {

struct Device {
  const char* name;
  unsigned major, minor;
  bool required;
};
constexpr Device kDevices[] = {
    {"null", 1, 3, true},    {"zero", 1, 5, true},    {"full", 1, 7, true},
    {"random", 1, 8, true},  {"urandom", 1, 9, true}, {"tty", 5, 0, false},
};

int open_verified(int oldroot_fd, const Device& d) {
  char path[64];
  std::snprintf(path, sizeof path, "/dev/%s", d.name);
  int fd = open_in_root(oldroot_fd, path, O_PATH | O_NOFOLLOW);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != d.major || minor(st.st_rdev) != d.minor) {
    ::close(fd);
    errno = ENODEV;
    return -1;
  }
  return fd;
}

}  // namespace

int open_verified_null(int oldroot_fd) {
  int fd = open_verified(oldroot_fd, kDevices[0]);
  if (fd < 0) fail_errno("verify host device", "/dev/null is not the character device 1:3");
  return fd;
}

void populate_dev(int oldroot_fd, int newroot_fd, int dev_fd) {
  for (const auto& d : kDevices) {
    char path[64];
    std::snprintf(path, sizeof path, "/dev/%s", d.name);
    int src = open_verified(oldroot_fd, d);
    if (src < 0) {
      if (!d.required) continue;
      fail_errno("verify host device", path);
    }
    int dst = make_mountpoint(newroot_fd, path, false);
    if (dst < 0) fail_errno("create device node", path);
    const char* what = "";
    if (bind_fd(src, dst, 0, false, &what) < 0) fail_errno("bind device", path);
    ::close(dst);
    ::close(src);
  }
  struct Link {
    const char* target;
    const char* name;
  };
  constexpr Link kLinks[] = {
      {"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
  };
  for (const auto& l : kLinks)
    if (::symlinkat(l.target, dev_fd, l.name) < 0 && errno != EEXIST) fail_errno("symlink in /dev", l.name);
  verbose("populate /dev");
}

void bind_console(int oldroot_fd, int newroot_fd) {
  struct stat tty {};
  if (!::isatty(STDIN_FILENO) || ::fstat(STDIN_FILENO, &tty) < 0 || !S_ISCHR(tty.st_mode)) return;
  char path[PATH_MAX];
  ssize_t n = ::readlinkat(oldroot_fd, "proc/self/fd/0", path, sizeof path - 1);
  if (n <= 0 || path[0] != '/') return;
  path[n] = '\0';
  int src = open_in_root(oldroot_fd, path, O_PATH | O_NOFOLLOW);
  if (src < 0) {
    verbose("the terminal %s is not reachable here: no /dev/console", path);
    return;
  }
  struct stat st {};
  if (::fstat(src, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_dev != tty.st_dev || st.st_ino != tty.st_ino ||
      st.st_rdev != tty.st_rdev) {
    ::close(src);
    verbose("%s is not the terminal on stdin: no /dev/console", path);
    return;
  }
  int dst = make_mountpoint(newroot_fd, "/dev/console", false);
  if (dst < 0) fail_errno("create", "/dev/console");
  const char* what = "";
  if (bind_fd(src, dst, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false, &what) < 0) fail_errno("bind the terminal", "/dev/console");
  ::close(dst);
  ::close(src);
  verbose("bind the terminal %s on /dev/console", path);
}

}  // namespace sbx::child
