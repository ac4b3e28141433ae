#include "spec/bundle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include "sandbox/resolve.hpp"
#include "spec/oci_json.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

namespace sbx {

namespace {

bool source_exists(const Mount& m, bool* is_dir) {
  struct stat st {};
  if (::stat(m.source.c_str(), &st) != 0) return false;
  if (is_dir) *is_dir = S_ISDIR(st.st_mode);
  return true;
}

// The built-in notify listener has no counterpart in a runtime without an agent.
void translate_notify(Spec& s) {
  if (!s.linux.seccomp || !s.sbx.notify) return;
  const auto& n = *s.sbx.notify;
  for (auto& rule : s.linux.seccomp->syscalls) {
    if (rule.action != "SCMP_ACT_NOTIFY") continue;
    if (n.allow) {
      rule.action = "SCMP_ACT_LOG";
      rule.errno_ret.reset();
    } else {
      rule.action = "SCMP_ACT_ERRNO";
      rule.errno_ret = n.errno_ret;
    }
  }
  s.annotations["org.sbx.notify"] = n.allow ? "exported as SCMP_ACT_LOG" : "exported as SCMP_ACT_ERRNO";
  s.sbx.notify.reset();
}

std::string rootfs_error(const std::string& dir, const std::string& path, const std::string& what, int err) {
  return "--bundle " + dir + ": rootfs" + path + ": " + what + ": " + std::strerror(err);
}

void make_symlink(int root_fd, const std::string& dir, const SbxExtensions::Symlink& l) {
  auto slash = l.path.rfind('/');
  std::string parent = slash == 0 ? "/" : l.path.substr(0, slash);
  std::string name = l.path.substr(slash + 1);
  UniqueFd pfd(child::make_mountpoint(root_fd, parent.c_str(), true));
  if (!pfd) throw Error(rootfs_error(dir, parent, "cannot create the directory", errno));
  // make_mountpoint returns O_PATH; symlinkat needs a directory fd, which O_PATH is.
  if (::symlinkat(l.target.c_str(), pfd.get(), name.c_str()) == 0) return;
  int err = errno;
  if (err == EEXIST) {
    char buf[PATH_MAX];
    ssize_t n = ::readlinkat(pfd.get(), name.c_str(), buf, sizeof buf - 1);
    if (n >= 0 && std::string(buf, static_cast<size_t>(n)) == l.target) return;  // exported before
    throw Error("--bundle " + dir + ": rootfs" + l.path + " is in the way of the symlink to '" + l.target +
                "' (remove it, or export to a new directory)");
  }
  throw Error(rootfs_error(dir, l.path, "cannot create the symlink", err));
}

}  // namespace

Spec bundle_spec(const Spec& spec) {
  Spec s = spec;
  std::erase_if(s.mounts, [](const Mount& m) { return m.is_bind() && m.optional && !source_exists(m, nullptr); });
  // sbx applies a recursive bind's ro, nosuid, nodev and noexec to every submount;
  // runc and crun do that for "rro", "rnosuid", ... (on "ro" alone, only the top mount).
  for (auto& m : s.mounts) {
    if (!m.is_bind() || m.has_option("bind")) continue;
    for (const char* f : {"ro", "nosuid", "nodev", "noexec"})
      if (m.has_option(f) && !m.has_option(std::string("r") + f)) m.options.push_back(std::string("r") + f);
  }
  translate_notify(s);
  return s;
}

void write_bundle(const Spec& spec, const std::string& dir) {
  Spec s = bundle_spec(spec);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw Error("--bundle: cannot create " + dir + ": " + std::strerror(errno));
  UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) throw Error("--bundle: cannot open " + dir + ": " + std::strerror(errno));
  if (::mkdirat(dir_fd.get(), "rootfs", 0755) != 0 && errno != EEXIST)
    throw Error("--bundle: cannot create " + dir + "/rootfs: " + std::strerror(errno));
  UniqueFd root_fd(::openat(dir_fd.get(), "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root_fd) throw Error("--bundle: cannot open " + dir + "/rootfs: " + std::strerror(errno));

  // The skeleton of sbx's root tmpfs, in the order sbx builds it: symlinks, then the
  // mount points (resolved inside rootfs, as sbx and runc resolve them).
  for (const auto& l : s.sbx.symlinks) make_symlink(root_fd.get(), dir, l);
  for (const auto& m : s.mounts) {
    bool is_dir = true;
    if (m.is_bind() && !source_exists(m, &is_dir))
      throw Error("--bundle: the bind source " + m.source + " (for " + m.destination + ") does not exist");
    UniqueFd fd(child::make_mountpoint(root_fd.get(), m.destination.c_str(), is_dir));
    if (!fd) throw Error(rootfs_error(dir, m.destination, "cannot create the mount point", errno));
  }

  // config.json, written whole or not at all.
  std::string text = to_oci_json(s).dump(2) + "\n";
  std::string tmp = "config.json.tmp";
  UniqueFd out(::openat(dir_fd.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!out) throw Error("--bundle: cannot write " + dir + "/" + tmp + ": " + std::strerror(errno));
  if (!write_all(out.get(), text.data(), text.size()))
    throw Error("--bundle: cannot write " + dir + "/" + tmp + ": " + std::strerror(errno));
  if (::fsync(out.get()) != 0) throw Error("--bundle: cannot write " + dir + "/" + tmp + ": " + std::strerror(errno));
  out.reset();
  if (::renameat(dir_fd.get(), tmp.c_str(), dir_fd.get(), "config.json") != 0)
    throw Error("--bundle: cannot write " + dir + "/config.json: " + std::strerror(errno));
}

}  // namespace sbx
