#include "sandbox/masking.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "sandbox/devices.hpp"
#include "sandbox/mounts.hpp"
#include "sandbox/report.hpp"
#include "sandbox/resolve.hpp"

namespace sbx::child {

void apply_masks(int oldroot_fd, int newroot_fd, const Plan& plan) {
  int null_fd = -1;
  for (const auto& p : plan.masked_paths) {
    const char* path = p.c_str();
    int fd = open_in_root(newroot_fd, path, O_PATH | O_NOFOLLOW);
    if (fd < 0) {
      if (errno == ENOENT || errno == ELOOP) continue;
      fail_errno("open masked path", path);
    }
    struct stat st {};
    if (::fstat(fd, &st) < 0) fail_errno("stat masked path", path);
    const char* what = "mount";
    int rc;
    if (S_ISDIR(st.st_mode)) {
      int mfd = make_fs("tmpfs", {{"size", "0"}, {"mode", "0555"}}, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                                                        MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
      rc = mfd < 0 ? -1 : attach(mfd, fd);
      if (mfd >= 0) ::close(mfd);
    } else {
      if (null_fd < 0) null_fd = open_verified_null(oldroot_fd);
      rc = bind_fd(null_fd, fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false, &what);
    }
    if (rc < 0) fail_errno("mask", path);
    ::close(fd);
  }
  if (null_fd >= 0) ::close(null_fd);

  for (const auto& p : plan.readonly_paths) {
    const char* path = p.c_str();
    int fd = open_in_root(newroot_fd, path, O_PATH | O_NOFOLLOW);
    if (fd < 0) {
      if (errno == ENOENT || errno == ELOOP) continue;
      fail_errno("open read-only path", path);
    }
    const char* what = "";
    if (bind_fd(fd, fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, true, &what) < 0)
      fail_errno("make read-only", path);
    ::close(fd);
  }
  verbose("masked %zu paths, %zu read-only", plan.masked_paths.size(), plan.readonly_paths.size());
}

void make_dirs_readonly(int newroot_fd, const Plan& plan) {
  for (const auto& p : plan.readonly_dirs) {
    const char* path = p.c_str();
    int fd = open_in_root(newroot_fd, path, O_PATH | O_NOFOLLOW | O_DIRECTORY);
    if (fd < 0) fail_errno("open read-only directory", path);
    int tree = ::open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0) fail_errno("make read-only (open_tree)", path);
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    // Not AT_RECURSIVE: the mounts below (the project) stay as they are.
    if (::mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) fail_errno("make read-only", path);
    if (attach(tree, fd) < 0) fail_errno("make read-only (move_mount)", path);
    ::close(tree);
    ::close(fd);
    verbose("%s read-only (the project's parents)", path);
  }
}

}  // namespace sbx::child
