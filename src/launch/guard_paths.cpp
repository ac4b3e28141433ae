#include "launch/guard_paths.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace sbx {

Probe probe_below(int dir, const std::string& rel) {
  Probe p;
  std::vector<std::string> comps = split(rel, '/');
  UniqueFd cur;
  int at = dir;
  std::string walked;
  for (size_t i = 0; i < comps.size(); ++i) {
    const std::string& c = comps[i];
    walked += (walked.empty() ? "" : "/") + c;
    UniqueFd next(::openat(at, c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!next) {
      if (errno == ENOENT || errno == ENOTDIR) return p;
      throw_errno("open " + walked);
    }
    struct stat st {};
    if (::fstat(next.get(), &st) < 0) throw_errno("stat " + walked);
    bool last = i + 1 == comps.size();
    if (S_ISLNK(st.st_mode)) {
      p.what = Probe::What::Symlink;
      p.parent = UniqueFd(::fcntl(at, F_DUPFD_CLOEXEC, 3));
      if (!p.parent) throw_errno("dup");
      p.name = c;
      p.symlink_at = walked;
      return p;
    }
    if (last) {
      p.what = Probe::What::Exists;
      p.parent = UniqueFd(::fcntl(at, F_DUPFD_CLOEXEC, 3));
      if (!p.parent) throw_errno("dup");
      p.name = c;
      p.st = st;
      return p;
    }
    if (!S_ISDIR(st.st_mode)) return p;
    cur = std::move(next);
    at = cur.get();
  }
  return p;
}

namespace {

void remove_tree(int dir, const char* name, int depth) {
  if (depth > 256) throw Error(std::string("remove ") + name + ": too deep");
  // The workload may have left it unreadable (mode 000); it is ours.
  ::fchmodat(dir, name, 0700, 0);
  int fd = ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw_errno(std::string("open ") + name);
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    throw_errno(std::string("read ") + name);
  }
  std::vector<std::string> names;
  std::vector<bool> dirs;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    names.push_back(n);
    dirs.push_back(is_dir);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (dirs[i]) remove_tree(::dirfd(d), names[i].c_str(), depth + 1);
    else if (::unlinkat(::dirfd(d), names[i].c_str(), 0) < 0 && errno != ENOENT) {
      int err = errno;
      ::closedir(d);
      errno = err;
      throw_errno("remove " + names[i]);
    }
  }
  ::closedir(d);
  if (::unlinkat(dir, name, AT_REMOVEDIR) < 0 && errno != ENOENT) throw_errno(std::string("remove ") + name);
}

}  // namespace

void remove_below(int dir, const std::string& name) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return;
    throw_errno("stat " + name);
  }
  if (S_ISDIR(st.st_mode)) return remove_tree(dir, name.c_str(), 0);
  if (::unlinkat(dir, name.c_str(), 0) < 0 && errno != ENOENT) throw_errno("remove " + name);
}

bool read_small_file(int dir, const std::string& name, std::string& out, size_t max) {
  UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT || errno == ELOOP) return false;
    throw_errno("open " + name);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) throw_errno("stat " + name);
  if (!S_ISREG(st.st_mode)) return false;
  if (static_cast<size_t>(st.st_size) > max) throw Error(name + " is larger than " + std::to_string(max) + " bytes");
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("read " + name);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return true;
}

}  // namespace sbx
