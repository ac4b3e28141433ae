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

namespace {

// `path` strictly below `dir` (both normalised absolute paths): the rest, else "".
std::string below(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.size() > 1 ? path.substr(1) : std::string();
  if (path.size() > dir.size() + 1 && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/')
    return path.substr(dir.size() + 1);
  return {};
}

bool at_or_below(const std::string& path, const std::string& dir) { return path == dir || !below(path, dir).empty(); }

}  // namespace

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

namespace {

// Whether another mount hides `dest` (a path below the writable bind at `wdest`).
bool covered(const std::string& dest, const std::string& wdest, const std::vector<Mount>& mounts) {
  for (const auto& m : mounts)
    if (m.destination.size() > wdest.size() && at_or_below(dest, m.destination) && at_or_below(m.destination, wdest))
      return true;
  return false;
}

// A git pointer file: "gitdir: PATH" (prefix "gitdir:") or a commondir file; the PATH.
bool pointer(int dir, const char* name, const char* prefix, std::string& out) {
  std::string text;
  if (!read_small_file(dir, name, text, 4096)) return false;
  if (prefix) {
    if (text.rfind(prefix, 0) != 0) return false;
    text = text.substr(std::strlen(prefix));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  size_t b = text.find_first_not_of(' ');
  out = b == std::string::npos ? "" : text.substr(b);
  return !out.empty();
}

}  // namespace

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

UniqueFd Guard::protect_gitdir(size_t wi, const std::string& rel, const std::vector<Mount>& mounts) {
  const Writable& x = writable_[wi];
  std::string d = x.destination == "/" ? "/" + rel : x.destination + "/" + rel;
  if (covered(d, x.destination, mounts)) return {};
  Probe q = probe_below(x.fd.get(), rel);
  if (q.what != Probe::What::Exists || !S_ISDIR(q.st.st_mode)) return {};
  git_ = true;  // read-only git needs GIT_OPTIONAL_LOCKS=0
  guard_path(wi, rel, mounts, "protect");
  UniqueFd dir(::openat(q.parent.get(), q.name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir) throw_errno("open " + x.source + "/" + rel);
  sanitize_gitdir(dir.get(), d);
  return dir;
}

void Guard::sanitize_gitdir(int dir, const std::string& dest, int depth) {
  for (const char* name : {"config", "config.worktree"}) {
    std::string text;
    if (!read_small_file(dir, name, text)) continue;
    std::string clean = sanitize_git_config(text);
    if (clean == text) continue;
    struct stat st {};
    if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) throw_errno(std::string("stat ") + name);
    if (std::any_of(steps_.begin(), steps_.end(), [&](const Step& s) { return s.destination == dest + "/" + name; }))
      continue;
    steps_.push_back({MountStep::Kind::Content, dest + "/" + name, clean, st.st_dev, st.st_ino, SIZE_MAX, {}});
  }
  // The git directories of submodules, modules/NAME (a NAME may hold '/'), and theirs:
  // their configs hold the same credentials. Bounded: a few levels, a few hundred entries.
  if (depth >= 4) return;
  sanitize_modules(dir, "modules", dest + "/modules", depth);
}

void Guard::sanitize_modules(int dir, const std::string& rel, const std::string& dest, int depth) {
  UniqueFd mfd(::openat(dir, rel.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!mfd) return;  // none (or unreadable: git could not use it either)
  std::vector<std::string> subs;
  {
    UniqueFd dup(::fcntl(mfd.get(), F_DUPFD_CLOEXEC, 3));
    if (!dup) throw_errno("dup");
    DIR* d = ::fdopendir(dup.get());
    if (!d) throw_errno("read " + dest);
    dup.release();
    while (struct dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
      if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) subs.push_back(e->d_name);
      if (subs.size() >= 256) break;
    }
    ::closedir(d);
  }
  for (const auto& n : subs) {
    UniqueFd sub(::openat(mfd.get(), n.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) continue;
    struct stat st {};
    if (::fstatat(sub.get(), "config", &st, AT_SYMLINK_NOFOLLOW) == 0) sanitize_gitdir(sub.get(), dest + "/" + n, depth + 1);
    else if (depth < 4) sanitize_modules(mfd.get(), n, dest + "/" + n, depth + 1);  // modules/a/b: the name "a/b"
  }
}

void Guard::protect_submodules(size_t w, const std::vector<Mount>& mounts) {
  // Each submodule path of .gitmodules: its .git (file or directory) is read-only where
  // it exists, with a directory's config sanitized, and one the build creates is removed
  // and fails the run, like any protected path. The host's `git status` at the root
  // reads a submodule's configuration (core.fsmonitor) and the hooks of its git dir.
  std::string text;
  if (!read_small_file(writable_[w].fd.get(), ".gitmodules", text)) return;
  for (const auto& line : split(text, '\n')) {
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line.compare(b, 4, "path") != 0) continue;
    size_t eq = line.find_first_not_of(" \t", b + 4);
    if (eq == std::string::npos || line[eq] != '=') continue;
    std::string path = line.substr(eq + 1);
    while (!path.empty() && (path.back() == ' ' || path.back() == '\t' || path.back() == '\r')) path.pop_back();
    size_t v = path.find_first_not_of(" \t");
    path = v == std::string::npos ? "" : path.substr(v);
    if (path.size() >= 2 && path.front() == '"' && path.back() == '"') path = path.substr(1, path.size() - 2);
    std::string norm = std::filesystem::path(path).lexically_normal().string();
    while (!norm.empty() && norm.back() == '/') norm.pop_back();
    if (norm.empty() || norm == "." || norm[0] == '/' || norm == ".." || norm.rfind("../", 0) == 0 ||
        norm.find('\\') != std::string::npos)
      continue;
    std::string rel = norm + "/.git";
    Probe p = probe_below(writable_[w].fd.get(), rel);
    if (p.what == Probe::What::Symlink) continue;  // not a submodule git uses: it follows no symlink there
    if (p.what == Probe::What::Exists && S_ISDIR(p.st.st_mode)) protect_gitdir(w, rel, mounts);
    else guard_path(w, rel, mounts, "submodule");
  }
}

void Guard::protect_nested(size_t w, const std::vector<Mount>& mounts) {
  // Repositories one level down (a CI workspace holding several checkouts, a vendored
  // clone): an existing DIR/.git is read-only, a directory's config sanitized. Deeper
  // ones, and ones the build creates outside .gitmodules, are not looked for: that walk
  // would cost every start (README, "Security model").
  UniqueFd root(::openat(writable_[w].fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root) return;
  std::vector<std::string> dirs;
  DIR* d = ::fdopendir(root.get());
  if (!d) return;
  root.release();
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    std::string n = e->d_name;
    if (n == "." || n == ".." || n == ".git") continue;
    dirs.push_back(n);
    if (dirs.size() >= 512) break;
  }
  ::closedir(d);
  for (const auto& n : dirs) {
    std::string rel = n + "/.git";
    Probe p = probe_below(writable_[w].fd.get(), rel);
    if (p.what != Probe::What::Exists) continue;
    if (S_ISDIR(p.st.st_mode)) protect_gitdir(w, rel, mounts);
    else if (S_ISREG(p.st.st_mode)) guard_path(w, rel, mounts, "submodule");
  }
}

void Guard::protect_git(size_t w, const std::vector<Mount>& mounts) {
  const Writable& wb = writable_[w];
  std::string dest = wb.destination == "/" ? "/.git" : wb.destination + "/.git";
  protect_submodules(w, mounts);
  if (wb.project) protect_nested(w, mounts);  // not caches: hundreds of directories each
  if (covered(dest, wb.destination, mounts)) return;
  Probe p = probe_below(wb.fd.get(), ".git");
  if (p.what != Probe::What::Exists) return;  // missing: [filesystem] protect; a symlink: refused there
  git_ = true;
  guard_path(w, ".git", mounts, "protect");
  auto gitdir = [&](size_t wi, const std::string& rel) { return protect_gitdir(wi, rel, mounts); };
  // The writable bind holding an absolute host path, and the path below it.
  auto locate = [&](const std::string& path, size_t& wi, std::string& rel) {
    wi = writable_.size();
    for (size_t i = 0; i < writable_.size(); ++i) {
      std::string r = below(path, writable_[i].source);
      if (!r.empty() && (wi == writable_.size() || writable_[i].source.size() > writable_[wi].source.size()))
        wi = i, rel = r;
    }
    return wi < writable_.size();
  };
  namespace fs = std::filesystem;
  // What the config of the git directory at host path `abs` names for the host's git to
  // read (include.path) or run (core.hooksPath, husky's `.husky/_`): protected where a
  // writable bind holds it. (Includes of includes and the user's ~/.gitconfig are not
  // read: README, "Security model".)
  std::string source = wb.source;
  auto config_paths = [&](const std::string& abs) {
    UniqueFd dir(::open(abs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    std::string text;
    if (!dir || !read_small_file(dir.get(), "config", text)) return;
    for (const auto& c : git_config_paths(text)) {
      fs::path path = c.path;
      if (c.path.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        if (!home || *home != '/') continue;
        path = fs::path(home) / c.path.substr(2);
      } else if (path.is_relative()) {
        path = (c.kind == GitConfigPath::kInclude ? fs::path(abs) : fs::path(source)) / path;
      }
      size_t wi;
      std::string rel;
      if (locate(path.lexically_normal().string(), wi, rel))
        guard_path(wi, rel, mounts, c.kind == GitConfigPath::kInclude ? "git include.path" : "git core.hooksPath");
    }
  };
  if (S_ISDIR(p.st.st_mode)) {
    if (gitdir(w, ".git")) config_paths(source + "/.git");
    return;
  }
  if (!S_ISREG(p.st.st_mode)) return;
  // A .git file (worktree, submodule): "gitdir: PATH", relative to the work tree.
  std::string target;
  if (!pointer(p.parent.get(), ".git", "gitdir:", target)) return;
  std::string abs = (target[0] == '/' ? fs::path(target) : fs::path(source) / target).lexically_normal().string();
  size_t wi;
  std::string rel;
  bool inside = locate(abs, wi, rel);  // else read-only or invisible
  UniqueFd dir = inside ? gitdir(wi, rel) : UniqueFd(::open(abs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  config_paths(abs);
  std::string common;
  if (!dir || !pointer(dir.get(), "commondir", nullptr, common)) return;
  std::string cabs = (common[0] == '/' ? fs::path(common) : fs::path(abs) / common).lexically_normal().string();
  if (locate(cabs, wi, rel)) gitdir(wi, rel);
  config_paths(cabs);
}

void Guard::sanitize_read_only(const Spec& spec) {
  // A read-only bind of a work tree (the `strict` project) shows its .git/config too:
  // the same sanitized copy. The git directory a .git file names is followed when the
  // same bind holds it.
  for (const auto& m : spec.mounts) {
    if (!m.is_bind() || !m.has_option("ro") || m.source == "/") continue;
    std::string dest = m.destination == "/" ? "/.git" : m.destination + "/.git";
    if (covered(dest, m.destination, spec.mounts)) continue;
    bool from_cwd = !spec.sbx.project.empty() && m.source == spec.sbx.project;
    UniqueFd fd(::open(from_cwd ? "." : m.source.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd) continue;
    Probe p = probe_below(fd.get(), ".git");
    if (p.what != Probe::What::Exists) continue;
    std::string rel = ".git", target;
    if (S_ISREG(p.st.st_mode)) {
      if (!pointer(p.parent.get(), ".git", "gitdir:", target)) continue;
      namespace fs = std::filesystem;
      std::string abs = (target[0] == '/' ? fs::path(target) : fs::path(m.source) / target).lexically_normal().string();
      rel = below(abs, m.source);
      if (rel.empty()) continue;
      p = probe_below(fd.get(), rel);
      if (p.what != Probe::What::Exists) continue;
    }
    if (!S_ISDIR(p.st.st_mode)) continue;
    UniqueFd dir(::openat(p.parent.get(), p.name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) continue;
    sanitize_gitdir(dir.get(), m.destination == "/" ? "/" + rel : m.destination + "/" + rel);
  }
}

void Guard::apply(Plan& plan) const {
  if (!sources_.empty()) {
    for (auto& step : plan.mounts) {
      if (step.kind != MountStep::Kind::Bind || step.from_cwd) continue;
      auto it = sources_.find(std::string(step.source.c_str()));
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
