#include "sandbox/mounts.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>

#include "sandbox/devices.hpp"
#include "sandbox/report.hpp"
#include "sandbox/resolve.hpp"
#include "util/fd.hpp"
#include "util/syscalls.hpp"

namespace sbx::child {

int attach(int mount_fd, int target_fd) {
  return ::move_mount(mount_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int make_fs(const char* fstype, std::initializer_list<FsOption> options, uint64_t attrs) {
  return make_fs(fstype, options.begin(), options.size(), attrs);
}

int make_fs(const char* fstype, const FsOption* options, size_t count, uint64_t attrs) {
  int fsfd = ::fsopen(fstype, FSOPEN_CLOEXEC);
  if (fsfd < 0) return -1;
  // The mount table then names the source like every runtime does ("tmpfs", "proc").
  ::fsconfig(fsfd, FSCONFIG_SET_STRING, "source", fstype, 0);
  for (size_t i = 0; i < count; ++i) {
    const FsOption& o = options[i];
    int rc = *o.value == '\0' ? ::fsconfig(fsfd, FSCONFIG_SET_FLAG, o.key, nullptr, 0)
                               : ::fsconfig(fsfd, FSCONFIG_SET_STRING, o.key, o.value, 0);
    if (rc < 0) {
      int err = errno;
      ::close(fsfd);
      errno = err;
      return -1;
    }
  }
  if (::fsconfig(fsfd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
    int err = errno;
    ::close(fsfd);
    errno = err;
    return -1;
  }
  int mfd = ::fsmount(fsfd, FSMOUNT_CLOEXEC, static_cast<unsigned>(attrs));
  int err = errno;
  ::close(fsfd);
  errno = err;
  return mfd;
}

int bind_fd(int source_fd, int target_fd, uint64_t attrs, bool recursive, const char** what) {
  *what = "open_tree";
  int tree = ::open_tree(source_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                            (recursive ? AT_RECURSIVE : 0));
  if (tree < 0) return -1;
  if (attrs) {
    *what = "mount_setattr";
    struct mount_attr attr {};
    attr.attr_set = attrs;
    if (::mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0) {
      int err = errno;
      ::close(tree);
      errno = err;
      return -1;
    }
  }
  *what = "move_mount";
  int rc = attach(tree, target_fd);
  int err = errno;
  ::close(tree);
  errno = err;
  return rc;
}

void bind_new_file(int newroot_fd, int target_fd, const char* label, int mode, uint64_t attrs, FillFile fill,
                   const void* ctx) {
  static const char kName[] = ".sbx-new-file";  // in the new root, unlinked once bound
  int wfd = ::openat(newroot_fd, kName, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
  if (wfd < 0) fail_errno("create a new file for", label);
  fill(wfd, ctx);
  ::close(wfd);
  int sfd = ::openat(newroot_fd, kName, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (sfd < 0) fail_errno("open the new file for", label);
  const char* what = "";
  if (bind_fd(sfd, target_fd, attrs | MOUNT_ATTR_RDONLY, false, &what) < 0) {
    char detail[PATH_MAX + 32];
    std::snprintf(detail, sizeof detail, "%s (%s)", label, what);
    fail_errno("bind a new file over", detail);
  }
  if (::unlinkat(newroot_fd, kName, 0) < 0) fail_errno("remove the new file's name", kName);
  ::close(sfd);
}

namespace {

// Opens step.source beneath step.confine (a writable directory the workload may have
// filled with symlinks in an earlier run): nothing may lead out of it. EXDEV if it does.
int open_confined(int oldroot_fd, const MountStep& step) {
  int dir = step.confine_cwd ? ::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)
                             : open_in_root(oldroot_fd, step.confine.c_str(), O_PATH | O_DIRECTORY);
  if (dir < 0) return -1;
  const char* rest = step.source.c_str() + step.confine.size() + 1;
  int fd;
  do {
    fd = sys_openat2(dir, rest, O_PATH | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
  } while (fd < 0 && errno == EAGAIN);
  int err = errno;
  ::close(dir);
  errno = err;
  return fd;
}

// The object the parent checked, or a failure naming it: what sbx opens now must be
// the inode it looked at (a concurrent rename may have put another one there).
void check_identity(const MountStep& step, const struct stat& st, const char* path) {
  if (step.dev == 0 || (st.st_dev == step.dev && st.st_ino == step.ino)) return;
  fail("refusing to mount (it is not what sbx checked: renamed while sbx started?)", path, ESTALE);
}

// Protect: the object at `destination` (in the new root) read-only over itself.
// The object at step.destination in the new root (no symlink followed), checked to be
// the one the parent looked at.
int open_checked(int newroot_fd, const MountStep& step, struct stat& st) {
  const char* dst = step.destination.c_str();
  int fd = open_in_root(newroot_fd, dst, O_PATH | O_NOFOLLOW);
  if (fd < 0) fail_errno("open", dst);
  if (::fstat(fd, &st) < 0) fail_errno("stat", dst);
  check_identity(step, st, dst);
  return fd;
}

void protect_in_place(int newroot_fd, const MountStep& step) {
  const char* dst = step.destination.c_str();
  struct stat st {};
  int fd = open_checked(newroot_fd, step, st);
  const char* what = "";
  if (bind_fd(fd, fd, step.attr_set | MOUNT_ATTR_RDONLY, false, &what) < 0) {
    char detail[PATH_MAX + 32];
    std::snprintf(detail, sizeof detail, "%s (%s)", dst, what);
    fail_errno("protect (read-only bind)", detail);
  }
  ::close(fd);
  verbose("protect %s (read-only)", dst);
}

// Content: a file holding step.source, written in the new root's tmpfs (still
// private to sbx), bound read-only over `destination`, then unlinked from the tmpfs.
void content_over(int newroot_fd, const MountStep& step) {
  const char* dst = step.destination.c_str();
  struct stat st {};
  int tfd = open_checked(newroot_fd, step, st);
  if (!S_ISREG(st.st_mode)) fail("replace", dst, EINVAL);
  bind_new_file(newroot_fd, tfd, dst, 0444, step.attr_set, [](int fd, const void* ctx) {
    const auto& s = *static_cast<const MountStep*>(ctx);
    if (!write_all(fd, s.source.data(), s.source.size())) fail_errno("write a copy of", s.destination.c_str());
  }, &step);
  ::close(tfd);
  verbose("sanitized copy on %s (read-only)", dst);
}

}  // namespace

void do_mount(int oldroot_fd, int newroot_fd, const MountStep& step) {
  const char* dst = step.destination.c_str();
  if (step.kind == MountStep::Kind::Protect) return protect_in_place(newroot_fd, step);
  if (step.kind == MountStep::Kind::Content) return content_over(newroot_fd, step);
  if (step.kind == MountStep::Kind::Bind) {
    const char* src = step.source.c_str();
    // The project: the working directory this process inherited from sbx.
    int sfd = step.from_cwd          ? ::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)
              : step.confine.empty() ? open_in_root(oldroot_fd, src, O_PATH)
                                     : open_confined(oldroot_fd, step);
    if (sfd < 0) {
      if (errno == EXDEV) {
        char detail[PATH_MAX * 2];
        std::snprintf(detail, sizeof detail, "%s: a symlink leads out of the writable %s", src, step.confine.c_str());
        fail("refusing bind source", detail, ELOOP);
      }
      if (errno == ENOENT && step.optional) {
        verbose("skip %s (optional, absent on the host)", src);
        return;
      }
      fail_errno("bind source", src);
    }
    struct stat st {};
    if (::fstat(sfd, &st) < 0) fail_errno("stat bind source", src);
    check_identity(step, st, src);
    int tfd = make_mountpoint(newroot_fd, dst, S_ISDIR(st.st_mode));
    if (tfd < 0) fail_errno("create mount point", dst);
    const char* what = "";
    if (bind_fd(sfd, tfd, step.attr_set, step.recursive, &what) < 0) {
      char detail[PATH_MAX * 2];
      std::snprintf(detail, sizeof detail, "%s on %s (%s)", src, dst, what);
      fail_errno("bind mount", detail);
    }
    ::close(tfd);
    ::close(sfd);
    verbose("bind %s on %s%s", src, dst, (step.attr_set & MOUNT_ATTR_RDONLY) ? " (read-only)" : "");
    return;
  }

  const char* fstype = step.source.c_str();
  int tfd = make_mountpoint(newroot_fd, dst, true);
  if (tfd < 0) fail_errno("create mount point", dst);
  // A read-only tmpfs is populated first, then made read-only.
  uint64_t attrs = step.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR_RDONLY);
  FsOption options[32];
  size_t count = 0;
  for (const auto& [k, v] : step.fs_options) {
    if (count == sizeof options / sizeof options[0]) fail("mount", dst, E2BIG);
    options[count++] = {k.c_str(), v.c_str()};
  }
  int mfd = make_fs(fstype, options, count, attrs);
  if (mfd < 0) {
    char detail[PATH_MAX + 64];
    std::snprintf(detail, sizeof detail, "%s on %s", fstype, dst);
    fail_errno("mount", detail);
  }
  if (attach(mfd, tfd) < 0) fail_errno("attach mount", dst);
  if (step.populate_dev) populate_dev(oldroot_fd, newroot_fd, mfd);
  if (step.attr_set & MOUNT_ATTR_RDONLY) {
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(mfd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) fail_errno("make read-only", dst);
  }
  ::close(mfd);
  ::close(tfd);
  verbose("mount %s on %s", fstype, dst);
}

}  // namespace sbx::child
