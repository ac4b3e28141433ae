// The journal of a run's missing protected paths (launch/guard.hpp): what the next run
// in the same directory cleans up when sbx was killed before its own check.
//
// $XDG_RUNTIME_DIR/sbx (never below a writable bind; no journal without
// XDG_RUNTIME_DIR), mode 0700 and ours, holds one file per run and writable
// directory, "DEV-INO.PID" (the directory's device and inode, the sbx process), listing the relative paths that were missing, one a line. A normal end
// removes it. A run that finds one for its own directory whose process is gone
// removes the listed paths that exist now (the killed run's build made them), says
// so, and removes the file.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "launch/guard.hpp"
#include "launch/guard_paths.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace sbx {

namespace {

std::string journal_dir() {
  // Runtime state of this user's session (a private tmpfs); sbx writes nothing to $HOME
  // or /tmp of its own accord.
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x == '/') return std::string(x) + "/sbx";
  return {};
}

// The journal directory, made if absent; invalid if it is not ours alone.
UniqueFd open_journal_dir(const std::string& dir, std::string& why) {
  ::mkdir(dir.c_str(), 0700);
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd && errno == ENOENT) return {};  // no $HOME, say: nowhere to keep it
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) < 0) {
    why = dir + ": " + std::strerror(errno);
    return {};
  }
  if (st.st_uid != ::getuid() || (st.st_mode & 077) != 0) {
    why = dir + " is not private to this user";
    return {};
  }
  return fd;
}

}  // namespace

void Guard::clean_stale(std::vector<std::string>& warnings) {
  std::string dir = journal_dir(), why;
  if (dir.empty()) return;  // no XDG_RUNTIME_DIR: no journal (said in sbx(1))
  // Where the sandbox can write, a forged journal could name the user's own .git.
  for (const auto& w : writable_)
    if (!dir.empty() && (dir == w.source || dir.rfind(w.source + "/", 0) == 0 || w.source == "/"))
      why = dir + " is inside the writable " + w.source;
  if (why.empty()) journal_dir_ = open_journal_dir(dir, why);
  const UniqueFd& dfd = journal_dir_;
  if (!dfd && why.empty()) return;  // nowhere to keep it (said in sbx(1))
  if (!dfd) {
    warnings.push_back("cannot keep the journal of protected paths (" + why +
                       "): if sbx is killed, the next run cannot remove what the build made at them");
    return;
  }
  // A killed run's leftovers in one of these directories.
  std::vector<std::string> prefixes;
  for (const auto& w : writable_) prefixes.push_back(std::to_string(w.dev) + "-" + std::to_string(w.ino) + ".");
  if (DIR* d = ::fdopendir(::fcntl(dfd.get(), F_DUPFD_CLOEXEC, 3))) {
    std::vector<std::pair<size_t, std::string>> stale;
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      for (size_t i = 0; i < prefixes.size(); ++i) {
        if (n.rfind(prefixes[i], 0) != 0) continue;
        long pid = std::strtol(n.c_str() + prefixes[i].size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) < 0 && errno == ESRCH) stale.emplace_back(i, n);
      }
    }
    ::closedir(d);
    for (const auto& [i, n] : stale) {
      std::string text;
      struct stat js {};
      if (::fstatat(dfd.get(), n.c_str(), &js, AT_SYMLINK_NOFOLLOW) == 0 && read_small_file(dfd.get(), n, text)) {
        for (const auto& rel : split(text, '\n')) {
          if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos) continue;
          Probe p = probe_below(writable_[i].fd.get(), rel);
          if (p.what == Probe::What::Missing) continue;
          // Made since that run started (the journal's time), not older than it.
          struct stat ps {};
          if (p.what == Probe::What::Exists) ps = p.st;
          else if (::fstatat(p.parent.get(), p.name.c_str(), &ps, AT_SYMLINK_NOFOLLOW) < 0) continue;
          if (ps.st_ctim.tv_sec < js.st_mtim.tv_sec ||
              (ps.st_ctim.tv_sec == js.st_mtim.tv_sec && ps.st_ctim.tv_nsec < js.st_mtim.tv_nsec))
            continue;
          remove_below(p.parent.get(), p.name);
          warnings.push_back("removed " + writable_[i].source + "/" + (p.what == Probe::What::Symlink ? p.symlink_at : rel) +
                             ": a protected path made by the build of an sbx run that was killed (journal " + dir + "/" +
                             n + ")");
        }
      }
      ::unlinkat(dfd.get(), n.c_str(), 0);
    }
  }
}

void Guard::write_journal(std::vector<std::string>& warnings) {
  if (!journal_dir_) return;
  std::string dir = journal_dir();
  const UniqueFd& dfd = journal_dir_;
  // This run's: one file for all its writable directories would not be found by a run
  // in only one of them, so one per directory; in practice there is one (the project).
  std::string body;
  size_t owner = missing_.front().writable;
  for (const auto& m : missing_)
    if (m.writable == owner) body += m.rel + "\n";
  const Writable& w = writable_[owner];
  std::string name = std::to_string(w.dev) + "-" + std::to_string(w.ino) + "." + std::to_string(::getpid());
  UniqueFd f(::openat(dfd.get(), name.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!f || ::write(f.get(), body.data(), body.size()) != static_cast<ssize_t>(body.size())) {
    warnings.push_back("cannot write the journal " + dir + "/" + name + ": " + std::strerror(errno));
    return;
  }
  journal_ = dir + "/" + name;
}

}  // namespace sbx
