#include "sandbox/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "sandbox/devices.hpp"
#include "sandbox/hosts.hpp"
#include "sandbox/masking.hpp"
#include "sandbox/mounts.hpp"
#include "sandbox/report.hpp"
#include "sandbox/resolve.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"

namespace sbx::child {

namespace {

void make_symlink(int newroot_fd, const PlanSymlink& l) {
  const char* path = l.path.c_str();
  const char* slash = std::strrchr(path, '/');
  char parent[PATH_MAX];
  size_t plen = static_cast<size_t>(slash - path);
  std::memcpy(parent, path, plen);
  parent[plen] = '\0';
  int pfd = plen == 0 ? open_in_root(newroot_fd, "/", O_PATH | O_DIRECTORY)
                      : make_mountpoint(newroot_fd, parent, true);
  if (pfd < 0) fail_errno("create symlink parent", path);
  if (::symlinkat(l.target.c_str(), pfd, slash + 1) < 0) fail_errno("symlink", path);
  ::close(pfd);
  verbose("symlink %s -> %s", path, l.target.c_str());
}

}  // namespace

void build_rootfs(const Plan& plan) {
  // 1.
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) fail_errno("make / a slave mount", "/");

  // 2.
  int oldroot_fd = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot_fd < 0) fail_errno("open", "/");
  // (It holds mount points; sized all the same, for a profile with root_readonly = false.)
  int newroot_fd = make_fs("tmpfs", {{"mode", "0755"}, {"size", "1%"}}, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (newroot_fd < 0) fail_errno("mount root tmpfs", "/");
  if (::move_mount(newroot_fd, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0) fail_errno("attach root tmpfs", "/");

  // 3.
  SBX_TRACE_POINT("child: new root attached");
  for (const auto& l : plan.symlinks) make_symlink(newroot_fd, l);
  for (const auto& m : plan.mounts) do_mount(oldroot_fd, newroot_fd, m);
  if (plan.bind_console) bind_console(oldroot_fd, newroot_fd);
  add_hostname_to_hosts(newroot_fd, plan);
  make_dirs_readonly(newroot_fd, plan);

  // 4.
  SBX_TRACE_POINT("child: mounts made");
  apply_masks(oldroot_fd, newroot_fd, plan);
  if (plan.root_readonly) {
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(newroot_fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) fail_errno("make / read-only", "/");
  }

  // 5.
  SBX_TRACE_POINT("child: paths masked");
  if (::fchdir(newroot_fd) < 0) fail_errno("chdir", "the new root");
  if (sys_pivot_root(".", ".") < 0) fail_errno("pivot_root", "the new root");
  if (::umount2(".", MNT_DETACH) < 0) fail_errno("detach the old root", "/");
  if (::chdir("/") < 0) fail_errno("chdir", "/");
  ::close(oldroot_fd);
  ::close(newroot_fd);
  verbose("pivot_root done: the host's root is detached");
}

}  // namespace sbx::child
