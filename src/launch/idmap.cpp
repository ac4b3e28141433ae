#include "launch/idmap.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <spawn.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "launch/hints.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"


namespace sbx {

std::string format_id_map(const std::vector<IdMapping>& maps) {
  std::string out;
  for (const auto& m : maps)
    out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
  return out;
}

namespace {

void write_file(int dirfd, const char* name, const std::string& content, pid_t pid) {
  UniqueFd fd(::openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  if (!fd) throw Error("user namespace: open " + path + ": " + std::strerror(errno) + userns_hint(errno));
  ssize_t n = ::write(fd.get(), content.data(), content.size());
  if (n != static_cast<ssize_t>(content.size())) {
    int err = n < 0 ? errno : EIO;
    throw Error("user namespace: writing \"" + content.substr(0, content.find('\n')) + "\" to " + path + ": " +
                std::strerror(err) + userns_hint(err));
  }
}

void run_helper(const char* helper, pid_t pid, const std::vector<IdMapping>& maps) {
  std::vector<std::string> args = {helper, std::to_string(pid)};
  for (const auto& m : maps) {
    args.push_back(std::to_string(m.container_id));
    args.push_back(std::to_string(m.host_id));
    args.push_back(std::to_string(m.size));
  }
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string path = std::string("/usr/bin/") + helper;
  pid_t child;
  int rc = ::posix_spawn(&child, path.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    throw Error(std::string("user namespace: cannot run ") + path + ": " + std::strerror(rc) +
                (rc == ENOENT ? " (install the uidmap package)" : ""));
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(std::string("user namespace: ") + helper + " failed (its message is above); check /etc/sub" +
                (helper[3] == 'u' ? "uid" : "gid") + " and that " + path + " is setuid root");
}

}  // namespace

void write_id_maps(pid_t pid, const Spec& spec) { write_id_maps(pid, spec.linux.uid_mappings, spec.linux.gid_mappings); }

void write_id_maps(pid_t pid, const std::vector<IdMapping>& uid_maps, const std::vector<IdMapping>& gid_maps) {
  std::string dir = "/proc/" + std::to_string(pid);
  UniqueFd dirfd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) throw_errno("user namespace: open " + dir);
  struct statfs sfs {};
  if (::fstatfs(dirfd.get(), &sfs) != 0 || sfs.f_type != PROC_SUPER_MAGIC)
    throw Error("user namespace: " + dir + " is not on a procfs; refusing to write id maps there");

  bool subordinate = uid_maps.size() > 1 || gid_maps.size() > 1;
  if (subordinate) {
    run_helper("newuidmap", pid, uid_maps);
    run_helper("newgidmap", pid, gid_maps);
    return;
  }
  write_file(dirfd.get(), "setgroups", "deny", pid);
  write_file(dirfd.get(), "uid_map", format_id_map(uid_maps), pid);
  write_file(dirfd.get(), "gid_map", format_id_map(gid_maps), pid);
}

}  // namespace sbx
