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

// Creates `name` in the directory `parent` (a path inside the root).
int create_in(int root_fd, const char* parent, const char* name, bool directory) {
  int pfd = open_in_root(root_fd, parent, O_PATH | O_DIRECTORY);
  if (pfd < 0) return -1;
  int rc;
  if (directory) {
    rc = ::mkdirat(pfd, name, 0755);
  } else {
    rc = ::openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (rc >= 0) rc = ::close(rc);
  }
  int err = errno;
  ::close(pfd);
  if (rc < 0 && err != EEXIST) {
    errno = err;
    return -1;
  }
  return 0;
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
  // Walk the components: create each missing one, then re-resolve from the root.
  for (size_t i = 1; i <= len; ++i) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    bool last = buf[i] == '\0';
    buf[i] = '\0';
    int probe = open_in_root(root_fd, buf, O_PATH);
    if (probe >= 0) {
      ::close(probe);
    } else if (errno == ENOENT) {
      char* slash = std::strrchr(buf, '/');
      *slash = '\0';
      const char* parent = slash == buf ? "/" : buf;
      int rc = create_in(root_fd, parent, slash + 1, last ? directory : true);
      *slash = '/';
      if (rc < 0) return -1;
      probe = open_in_root(root_fd, buf, O_PATH);
      if (probe < 0) {
        // Still missing after creating it: a dangling symlink on the way. Refuse.
        if (errno == ENOENT) errno = ELOOP;
        return -1;
      }
      ::close(probe);
    } else {
      return -1;
    }
    if (!last) buf[i] = '/';
  }
  return open_in_root(root_fd, path, O_PATH);
}

}  // namespace sbx::child
