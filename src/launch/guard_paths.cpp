#include "launch/guard_paths.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
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
    if (S_ISLNK(st.st_mode) || last) {  // found: the directory holding it and its name
      p.parent = UniqueFd(::fcntl(at, F_DUPFD_CLOEXEC, 3));
      if (!p.parent) throw_errno("dup");
      p.name = c;
      if (S_ISLNK(st.st_mode)) {
        p.what = Probe::What::Symlink;
        p.symlink_at = walked;
      } else {
        p.what = Probe::What::Exists;
        p.st = st;
      }
      return p;
    }
    if (!S_ISDIR(st.st_mode)) return p;
    cur = std::move(next);
    at = cur.get();
  }
  return p;
}

namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Opens the directory `name` in `dir` for reading, following no symlink; made readable
// and writable first if the workload left it otherwise (it is ours).
UniqueFd open_dir(int dir, const std::string& name) {
  UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd && errno == EACCES) {
    // No read permission: change it without following a symlink put in its place.
    if (::fchmodat(dir, name.c_str(), 0700, AT_SYMLINK_NOFOLLOW) < 0) throw_errno("chmod " + name);
    fd.reset(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  }
  if (!fd) throw_errno("open " + name);
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) throw_errno("stat " + name);
  if ((st.st_mode & 0700) != 0700 && ::fchmod(fd.get(), 0700) < 0) throw_errno("chmod " + name);
  return fd;
}

// One directory being emptied: its name in the one above, its inode (to recognise it
// from below through ".."), the subdirectories still to remove.
struct Frame {
  std::string name;
  dev_t dev;
  ino_t ino;
  std::vector<std::string> subdirs;
};

// Unlinks every non-directory in `fd` and returns the subdirectories.
std::vector<std::string> empty_files(int fd) {
  UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  if (!dup) throw_errno("dup");
  std::unique_ptr<DIR, DirCloser> d(::fdopendir(dup.get()));
  if (!d) throw_errno("read a directory");
  dup.release();
  std::vector<std::string> subdirs;
  while (struct dirent* e = ::readdir(d.get())) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    if (e->d_type == DT_DIR) {
      subdirs.push_back(n);
      continue;
    }
    if (::unlinkat(fd, n.c_str(), 0) == 0 || errno == ENOENT) continue;
    if (errno == EISDIR || errno == EPERM) {  // a directory after all (DT_UNKNOWN)
      subdirs.push_back(n);
      continue;
    }
    throw_errno("remove " + n);
  }
  return subdirs;
}

// The tree `name` in `dir`, removed without recursion (no depth limit the workload
// could exceed) and with one directory open at a time: back up through "..", checked
// to be the directory we came from.
void remove_tree(int dir, const std::string& name) {
  UniqueFd cur = open_dir(dir, name);
  std::vector<Frame> stack;
  auto push = [&](const std::string& n) {
    struct stat st {};
    if (::fstat(cur.get(), &st) < 0) throw_errno("stat " + n);
    stack.push_back({n, st.st_dev, st.st_ino, empty_files(cur.get())});
  };
  push(name);
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (!f.subdirs.empty()) {
      std::string sub = std::move(f.subdirs.back());
      f.subdirs.pop_back();
      UniqueFd next(::openat(cur.get(), sub.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!next) {
        if (errno == ENOENT) continue;
        throw_errno("open " + sub);
      }
      struct stat st {};
      if (::fstat(next.get(), &st) < 0) throw_errno("stat " + sub);
      if (!S_ISDIR(st.st_mode)) {
        if (::unlinkat(cur.get(), sub.c_str(), 0) < 0 && errno != ENOENT) throw_errno("remove " + sub);
        continue;
      }
      cur = open_dir(cur.get(), sub);
      push(sub);
      continue;
    }
    std::string done = std::move(f.name);
    stack.pop_back();
    if (stack.empty()) {
      if (::unlinkat(dir, done.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) throw_errno("remove " + done);
      break;
    }
    UniqueFd up(::openat(cur.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!up) throw_errno("open " + done + "/..");
    struct stat st {};
    if (::fstat(up.get(), &st) < 0) throw_errno("stat " + done + "/..");
    if (st.st_dev != stack.back().dev || st.st_ino != stack.back().ino)
      throw Error("remove " + name + ": " + done + " was moved while sbx removed it");
    if (::unlinkat(up.get(), done.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) throw_errno("remove " + done);
    cur = std::move(up);
  }
}

}  // namespace

void remove_below(int dir, const std::string& name) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return;
    throw_errno("stat " + name);
  }
  if (S_ISDIR(st.st_mode)) return remove_tree(dir, name);
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

std::string below(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.size() > 1 ? path.substr(1) : std::string();
  if (path.size() > dir.size() + 1 && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/')
    return path.substr(dir.size() + 1);
  return {};
}

bool at_or_below(const std::string& path, const std::string& dir) { return path == dir || !below(path, dir).empty(); }

bool covered(const std::string& dest, const std::string& wdest, const std::vector<Mount>& mounts) {
  for (const auto& m : mounts)
    if (m.destination.size() > wdest.size() && at_or_below(dest, m.destination) && at_or_below(m.destination, wdest))
      return true;
  return false;
}

}  // namespace sbx
