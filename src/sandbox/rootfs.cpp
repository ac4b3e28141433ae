#include "sandbox/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "sandbox/masking.hpp"
#include "sandbox/mounts.hpp"
#include "sandbox/report.hpp"
#include "sandbox/resolve.hpp"
#include "util/startup_trace.hpp"
#include "util/syscalls.hpp"

namespace sbx::child {

namespace {

// Where the scratch tmpfs goes. Only our mount namespace sees it; nothing is created
// on the host.
const char* scratch_dir() {
  struct stat st {};
  for (const char* d : {"/tmp", "/var/tmp", "/mnt", "/run"})
    if (::stat(d, &st) == 0 && S_ISDIR(st.st_mode)) return d;
  return "/";
}

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
  const char* base = scratch_dir();
  int scratch = make_fs("tmpfs", {{"mode", "0755"}, {"size", "1m"}}, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (scratch < 0) fail_errno("mount scratch tmpfs", base);
  if (::move_mount(scratch, "", AT_FDCWD, base, MOVE_MOUNT_F_EMPTY_PATH) < 0) fail_errno("attach scratch tmpfs", base);
  if (::mkdirat(scratch, "newroot", 0755) < 0 || ::mkdirat(scratch, "oldroot", 0755) < 0)
    fail_errno("mkdir in scratch tmpfs", base);
  int newroot = make_fs("tmpfs", {{"mode", "0755"}}, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (newroot < 0) fail_errno("mount root tmpfs", "newroot");
  int nr_dir = ::openat(scratch, "newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (nr_dir < 0 || attach(newroot, nr_dir) < 0) fail_errno("attach root tmpfs", "newroot");
  ::close(nr_dir);
  ::close(newroot);
  ::close(scratch);
  if (::chdir(base) < 0) fail_errno("chdir", base);
  if (sys_pivot_root(".", "oldroot") < 0) fail_errno("pivot_root", base);
  if (::chdir("/") < 0) fail_errno("chdir", "/");
  int oldroot_fd = ::open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  int newroot_fd = ::open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot_fd < 0 || newroot_fd < 0) fail_errno("open", "/oldroot or /newroot");

  // 3.
  SBX_TRACE_POINT("child: scratch root pivoted");
  for (const auto& l : plan.symlinks) make_symlink(newroot_fd, l);
  for (const auto& m : plan.mounts) do_mount(oldroot_fd, newroot_fd, m);

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
  if (::fchdir(newroot_fd) < 0) fail_errno("chdir", "/newroot");
  if (sys_pivot_root(".", ".") < 0) fail_errno("pivot_root", "/newroot");
  if (::umount2(".", MNT_DETACH) < 0) fail_errno("detach the old root", "/");
  if (::chdir("/") < 0) fail_errno("chdir", "/");
  ::close(oldroot_fd);
  ::close(newroot_fd);
  verbose("pivot_root done: the host's root is detached");
}

}  // namespace sbx::child
