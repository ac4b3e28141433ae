#include "sandbox/resolve.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "util/syscalls.hpp"

namespace sbx::child {

int open_in_root(int root_fd, const char* path, int flags) {
  while (*path == '/') ++path;
  if (*path == '\0') path = ".";
  int fd;
  do {
    fd = sys_openat2(root_fd, path, static_cast<uint64_t>(flags) | O_CLOEXEC,
                     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  } while (fd < 0 && errno == EAGAIN);
  return fd;
}

namespace {

// Creates `name` in `dir` (a directory inside the root) unless it is there, then opens
// it without following any symlink: one planted there, or a dangling one, is refused
// (ELOOP). One component only, so RESOLVE_BENEATH cannot leave `dir`.
int create_and_open(int dir, const char* name, bool directory) {
  int rc;
  if (directory) {
    rc = ::mkdirat(dir, name, 0755);
  } else {
    rc = ::openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (rc >= 0) rc = ::close(rc);
  }
  if (rc < 0 && errno != EEXIST) return -1;
  int fd;
  do {
    fd = sys_openat2(dir, name, O_PATH | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  } while (fd < 0 && errno == EAGAIN);
  return fd;
}

}  // namespace

int make_mountpoint(int root_fd, const char* path, bool directory) {
  int fd = open_in_root(root_fd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT) return fd;

  char buf[PATH_MAX];
  size_t len = std::strlen(path);
  if (len >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(buf, path, len + 1);
  while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0';

  // Up: the deepest ancestor that exists (resolved in the root, symlinks and all).
  // buf[missing..len) are then the components to create.
  size_t missing = len;
  int dir = -1;
  for (;;) {
    size_t cut = missing;
    while (cut > 0 && buf[cut - 1] != '/') --cut;  // buf[cut..missing) is a component
    size_t parent_end = cut;
    while (parent_end > 0 && buf[parent_end - 1] == '/') --parent_end;
    if (parent_end == 0) {
      dir = open_in_root(root_fd, "/", O_PATH | O_DIRECTORY);
    } else {
      char saved = buf[parent_end];
      buf[parent_end] = '\0';
      dir = open_in_root(root_fd, buf, O_PATH | O_DIRECTORY);
      buf[parent_end] = saved;
    }
    if (dir >= 0) {
      missing = cut;
      break;
    }
    if (errno != ENOENT || parent_end == 0) return -1;
    missing = parent_end;
  }

  // Down: create each missing component below the one before it.
  while (missing < len) {
    size_t next = missing;
    while (next < len && buf[next] != '/') ++next;
    bool last = next >= len;
    buf[next] = '\0';
    int child = create_and_open(dir, buf + missing, last ? directory : true);
    int err = errno;
    ::close(dir);
    if (child < 0) {
      errno = err;
      return -1;
    }
    dir = child;
    missing = next + 1;
    while (missing < len && buf[missing] == '/') ++missing;
  }
  return dir;
}

}  // namespace sbx::child
