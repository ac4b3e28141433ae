// The git side of the guard (launch/guard.hpp): a writable work tree's git directories,
// its submodules' and nested repositories', the paths its config names, and the
// sanitized configs of read-only work trees.
#include "launch/guard.hpp"

#include <dirent.h>
#include <fcntl.h>
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

namespace sbx {

namespace {

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
    if (p.what == Probe::What::Exists) protect_repo(w, norm, mounts);
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
    if (p.what == Probe::What::Exists) protect_repo(w, n, mounts);
  }
}

void Guard::protect_git(size_t w, const std::vector<Mount>& mounts) {
  protect_submodules(w, mounts);
  if (writable_[w].project) protect_nested(w, mounts);  // not caches: hundreds of directories each
  protect_repo(w, "", mounts);
}

void Guard::protect_repo(size_t w, const std::string& sub, const std::vector<Mount>& mounts) {
  const Writable& wb = writable_[w];
  std::string gitrel = sub.empty() ? ".git" : sub + "/.git";
  std::string dest = wb.destination == "/" ? "/" + gitrel : wb.destination + "/" + gitrel;
  if (covered(dest, wb.destination, mounts)) return;
  Probe p = probe_below(wb.fd.get(), gitrel);
  if (p.what != Probe::What::Exists) return;  // missing: [filesystem] protect; a symlink: refused there
  git_ = true;
  guard_path(w, gitrel, mounts, sub.empty() ? "protect" : "submodule");
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
  std::string source = sub.empty() ? wb.source : (wb.source == "/" ? "/" + sub : wb.source + "/" + sub);
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
    if (gitdir(w, gitrel)) config_paths(source + "/.git");
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

}  // namespace sbx
