// The journal of the protected paths missing in a writable directory when a run
// started (launch/guard.hpp): what the next run there cleans up when sbx was killed
// before its own end-of-run check.
//
// One file per directory, $XDG_RUNTIME_DIR/sbx/DEV-INO (the directory's device and
// inode; no journal without XDG_RUNTIME_DIR, never one below a writable bind), ours,
// mode 0600, kept from run to run: a run that has missing paths writes "PID\nREL\n...\n"
// (an empty line ends the list) and "0\n\n" over it when it ends (no file is made,
// removed or truncated per run: that is the cost).
// A run that finds it filled by a process that is gone looks at the listed paths that
// exist now and are newer than the record: the killed run's build may have made them,
// or the user since; sbx cannot tell, so it deletes nothing and fails (exit 125),
// naming them, until they are gone (or the user removes the journal). Otherwise it
// empties it. A filled one of a live process (two runs at once in one directory)
// is left to it.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

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

bool newer_or_same(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

}  // namespace

void Guard::clean_stale(std::vector<std::string>& warnings) {
  std::string dir = journal_dir();
  if (dir.empty()) return;  // no XDG_RUNTIME_DIR: no journal (said in sbx(1))
  // Where the sandbox can write, a forged journal could name the user's own .git.
  for (const auto& w : writable_)
    if (w.source == "/" || dir == w.source || dir.rfind(w.source + "/", 0) == 0) {
      warnings.push_back("no journal of protected paths: " + dir + " is inside the writable " + w.source +
                         "; if sbx is killed, the next run cannot remove what the build made at them");
      return;
    }
  journal_.resize(writable_.size());
  for (size_t i = 0; i < writable_.size(); ++i) {
    const Writable& w = writable_[i];
    std::string path = dir + "/" + std::to_string(w.dev) + "-" + std::to_string(w.ino);
    int flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    UniqueFd fd(::open(path.c_str(), flags, 0600));
    if (!fd && errno == ENOENT && ::mkdir(dir.c_str(), 0700) == 0) fd.reset(::open(path.c_str(), flags, 0600));
    if (!fd) continue;  // XDG_RUNTIME_DIR gone, say: nowhere to keep it
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0 ||
        st.st_nlink != 1) {
      warnings.push_back("ignoring the journal " + path + ": not a private file of this user");
      continue;
    }
    char buf[65536];
    ssize_t n = st.st_size == 0 ? 0 : ::pread(fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      std::vector<std::string> lines = split(std::string_view(buf, static_cast<size_t>(n)), '\n');
      long pid = std::strtol(lines[0].c_str(), nullptr, 10);
      if (pid > 0 && pid != ::getpid() && !(::kill(static_cast<pid_t>(pid), 0) < 0 && errno == ESRCH))
        continue;  // a run in progress in the same directory: its journal, not ours
      std::vector<std::string> found;
      for (size_t l = 1; pid > 0 && l < lines.size() && !lines[l].empty(); ++l) {
        const std::string& rel = lines[l];
        if (rel[0] == '/' || rel.find("..") != std::string::npos) continue;
        Probe p = probe_below(w.fd.get(), rel);
        if (p.what == Probe::What::Missing) continue;
        // Made since that run started (the record's time), not older than it.
        struct stat ps {};
        if (::fstatat(p.parent.get(), p.name.c_str(), &ps, AT_SYMLINK_NOFOLLOW) < 0 ||
            !newer_or_same(ps.st_ctim, st.st_mtim))
          continue;
        found.push_back(w.source + "/" + (p.what == Probe::What::Symlink ? p.symlink_at : rel));
      }
      if (!found.empty()) {
        // The killed run's build, or the user since: sbx cannot tell, and deletes
        // nothing. The journal stays as it is, so every run here fails until it is gone.
        std::string list;
        for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
        throw Error("an sbx run in " + w.source + " was killed before it could check what its build made; " + list +
                    (found.size() == 1 ? " is a protected path that appeared" : " are protected paths that appeared") +
                    " since it started, and may be that build's work (a hook, an editor task). Check " +
                    (found.size() == 1 ? "it and remove it" : "them and remove them") +
                    "; if you made " + (found.size() == 1 ? "it" : "them") + ", remove the journal " + path +
                    " instead");
      }
      if (pid > 0 && ::pwrite(fd.get(), "0\n\n", 3, 0) != 3) continue;
    }
    journal_[i] = std::move(fd);
  }
}

void Guard::write_journal(std::vector<std::string>& warnings) {
  std::vector<std::string> body(writable_.size());
  for (const auto& m : missing_) body[m.writable] += m.rel + "\n";
  for (size_t i = 0; i < journal_.size(); ++i) {
    if (!journal_[i] || body[i].empty()) continue;
    std::string text = std::to_string(::getpid()) + "\n" + body[i] + "\n";
    if (::pwrite(journal_[i].get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      warnings.push_back(std::string("cannot write the journal of protected paths: ") + std::strerror(errno));
      continue;
    }
    journal_dirty_ = true;
  }
}

void Guard::end_journal() noexcept {
  if (!journal_dirty_) return;
  for (auto& fd : journal_)
    if (fd && ::pwrite(fd.get(), "0\n\n", 3, 0) != 3) {
      // Left filled: the next run finds this process gone and checks the paths again.
    }
  journal_dirty_ = false;
}

}  // namespace sbx
