#include "launch/guard.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "launch/git_config.hpp"
#include "launch/guard_paths.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/syscalls.hpp"

namespace sbx {

Guard Guard::prepare(const Spec& spec, std::vector<std::string>& warnings) {
  Guard g;
  // Outer ones first: one below another is opened beneath it, as the child does.
  std::vector<const Mount*> rw;
  for (const auto& m : spec.mounts)
    if (m.is_bind() && !m.has_option("ro") && m.source != "/") rw.push_back(&m);
  std::stable_sort(rw.begin(), rw.end(), [](const Mount* a, const Mount* b) { return a->source.size() < b->source.size(); });
  for (const Mount* mp : rw) {
    const Mount& m = *mp;
    bool from_cwd = !spec.sbx.project.empty() && m.source == spec.sbx.project;
    const Writable* outer = nullptr;
    std::string rest;
    for (const auto& w : g.writable_)
      if (std::string r = below(m.source, w.source); !r.empty() && (!outer || w.source.size() > outer->source.size()))
        outer = &w, rest = r;
    UniqueFd fd;
    if (from_cwd) {
      fd.reset(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
    } else if (outer) {
      int f;
      do {
        f = sys_openat2(outer->fd.get(), rest.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC,
                        RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
      } while (f < 0 && errno == EAGAIN);
      fd.reset(f);
    } else {
      fd.reset(::open(m.source.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
    if (!fd) continue;  // a file, absent, or leading out of its writable parent: the child says so
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) throw_errno("stat " + m.source);
    if (!from_cwd) g.sources_[m.source] = {st.st_dev, st.st_ino};
    g.writable_.push_back({std::move(fd), m.source, m.destination, st.st_dev, st.st_ino, from_cwd});
  }
  g.sanitize_read_only(spec);
  if (g.writable_.empty()) return g;
  g.clean_stale(warnings);

  // Bind sources below a writable one: opened beneath it (as the child will), and the
  // inode found is the one the child must find.
  for (const auto& m : spec.mounts) {
    if (!m.is_bind()) continue;
    const Writable* best = nullptr;
    std::string rest;
    for (const auto& w : g.writable_) {
      std::string r = below(m.source, w.source);
      if (!r.empty() && (!best || w.source.size() > best->source.size())) best = &w, rest = r;
    }
    if (!best) continue;
    int fd;
    do {
      fd = sys_openat2(best->fd.get(), rest.c_str(), O_PATH | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
    } while (fd < 0 && errno == EAGAIN);
    if (fd < 0) continue;  // absent (optional), or leading out: the child says so
    UniqueFd owned(fd);
    struct stat st {};
    if (::fstat(fd, &st) < 0) throw_errno("stat " + m.source);
    g.sources_[m.source] = {st.st_dev, st.st_ino};
  }

  for (size_t w = 0; w < g.writable_.size(); ++w) {
    g.protect_git(w, spec.mounts);
    for (const auto& rel : spec.sbx.protect) g.guard_path(w, rel, spec.mounts, "protect");
  }
  for (const auto& p : spec.sbx.guarded_paths) {
    for (const auto& w : g.writable_)
      if (w.source == p)
        throw Error("the writable " + p + " is where sbx reads profiles from: the sandbox could rewrite what the next "
                    "run does; run sbx from another directory");
    size_t best = g.writable_.size();
    std::string rel;
    for (size_t w = 0; w < g.writable_.size(); ++w) {
      std::string r = below(p, g.writable_[w].source);
      if (!r.empty() && (best == g.writable_.size() || g.writable_[w].source.size() > g.writable_[best].source.size()))
        best = w, rel = r;
    }
    if (best < g.writable_.size()) g.guard_path(best, rel, spec.mounts, "profile");
  }
  if (!g.missing_.empty()) g.write_journal(warnings);
  return g;
}

void Guard::guard_path(size_t w, const std::string& rel, const std::vector<Mount>& mounts, const char* why) {
  const Writable& wb = writable_[w];
  std::string dest = wb.destination == "/" ? "/" + rel : wb.destination + "/" + rel;
  std::string host = wb.source == "/" ? "/" + rel : wb.source + "/" + rel;
  if (covered(dest, wb.destination, mounts)) return;
  for (const auto& s : steps_)
    if (s.kind == MountStep::Kind::Protect && s.destination == dest) return;
  for (const auto& m : missing_)
    if (m.writable == w && m.rel == rel) return;
  Probe p = probe_below(wb.fd.get(), rel);
  switch (p.what) {
    case Probe::What::Exists:
      steps_.push_back({MountStep::Kind::Protect, dest, {}, p.st.st_dev, p.st.st_ino, w, rel});
      return;
    case Probe::What::Missing:
      missing_.push_back({w, rel, host});
      return;
    case Probe::What::Symlink:
      break;
  }
  std::string link = wb.source == "/" ? "/" + p.symlink_at : wb.source + "/" + p.symlink_at;
  if (std::string(why) == "submodule") return;  // git follows no symlink there either
  if (std::string(why).rfind("git ", 0) == 0)
    throw Error("the repository's " + std::string(why + 4) + " names " + host +
                (p.symlink_at == rel ? ", a symlink" : ", through the symlink " + link) +
                " the sandbox could point elsewhere; the host's git would then read or run what the build chose: "
                "use a path without symlinks");
  if (std::string(why) == "protect")
    throw Error("[filesystem] protect: " + host + (p.symlink_at == rel ? " is a symlink" : " goes through the symlink " + link) +
                ", which the sandbox could replace: sbx cannot keep it from being changed; remove the symlink, or "
                "leave the entry out with \"!" + rel + "\"");
  throw Error("the profile path " + host + (p.symlink_at == rel ? " is a symlink" : " goes through the symlink " + link) +
              " in the writable " + wb.source + ": the sandbox could point it at a profile of its own; use a path without symlinks");
}

void Guard::apply(Plan& plan) const {
  if (!sources_.empty()) {
    for (auto& step : plan.mounts) {
      if (step.kind != MountStep::Kind::Bind || step.from_cwd) continue;
      auto it = sources_.find(std::string(step.source.data(), step.source.size()));
      if (it == sources_.end()) continue;
      step.dev = it->second.first;
      step.ino = it->second.second;
    }
  }
  for (const auto& s : steps_) {
    MountStep m;
    m.kind = s.kind;
    m.destination = plan_string(s.destination);
    m.source = plan_string(s.content);
    m.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    m.recursive = false;
    m.dev = s.dev;
    m.ino = s.ino;
    plan.mounts.push_back(std::move(m));
  }
  if (git_) {
    // Read-only git: no index refresh on `git status` (it would fail to take its lock).
    static const char kLocks[] = "GIT_OPTIONAL_LOCKS=";
    bool found = false;
    for (auto& e : plan.env)
      if (std::strncmp(e.c_str(), kLocks, sizeof kLocks - 1) == 0) {
        e = plan_string(std::string(kLocks) + "0");
        found = true;
      }
    if (!found) plan.env.push_back(plan_string(std::string(kLocks) + "0"));
    plan.envp.clear();
    for (auto& e : plan.env) plan.envp.push_back(e.data());
    plan.envp.push_back(nullptr);
  }
}

Guard::~Guard() { end_journal(); }

std::vector<std::string> Guard::check_after() {
  std::vector<std::string> out;
  for (const auto& m : missing_) {
    try {
      Probe p = probe_below(writable_[m.writable].fd.get(), m.rel);
      if (p.what == Probe::What::Missing) continue;
      remove_below(p.parent.get(), p.name);
      out.push_back("the sandbox created " + m.host +
                    (p.what == Probe::What::Symlink && p.symlink_at != m.rel
                         ? " (through a symlink the build left at " + p.symlink_at + ")"
                         : "") +
                    ", which the profile protects ([filesystem] protect); removed it");
    } catch (const Error& e) {
      out.push_back("the sandbox created " + m.host + ", which the profile protects ([filesystem] protect); cannot "
                    "remove it: " + e.what());
    }
  }
  // A read-only path stays itself unless a directory above it was renamed: then
  // something else may be at its name now (a profile, a binary, a hook).
  for (const auto& s : steps_) {
    if (s.kind != MountStep::Kind::Protect || s.writable >= writable_.size()) continue;
    const Writable& wb = writable_[s.writable];
    std::string host = wb.source == "/" ? "/" + s.rel : wb.source + "/" + s.rel;
    std::string why;
    try {
      Probe p = probe_below(wb.fd.get(), s.rel);
      if (p.what == Probe::What::Missing) why = "is gone";
      else if (p.what == Probe::What::Symlink) why = "goes through a symlink at " + p.symlink_at;
      else if (p.st.st_dev != s.dev || p.st.st_ino != s.ino) why = "is another file now";
    } catch (const Error& e) {
      why = std::string("cannot be checked: ") + e.what();
    }
    if (!why.empty())
      out.push_back("the sandbox moved " + host + ", which was read-only in it, by renaming a directory above it: " +
                    host + " " + why + "; check it before any other run or tool uses it (sbx restored nothing)");
  }
  end_journal();
  return out;
}

}  // namespace sbx
