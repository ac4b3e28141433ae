#include "launch/cache_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"

namespace sbx {

std::string ensure_cache_dir(const std::string& project, const std::string& path) {
  if (project.empty() || path.size() <= project.size() + 1 || path.compare(0, project.size(), project) != 0 ||
      (project != "/" && path[project.size()] != '/'))
    throw Error("[filesystem] cache: " + path + " is not inside the project " + project);
  UniqueFd dir(::open(project.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw_errno("[filesystem] cache: open " + project);
  std::string rest = path.substr(project == "/" ? 1 : project.size() + 1);
  auto parts = split(rest, '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& name = parts[i];
    if (name.empty()) continue;
    if (::mkdirat(dir.get(), name.c_str(), 0755) < 0) {
      if (errno == EACCES || errno == EPERM || errno == EROFS)
        return "cannot make the cache directory " + path + " (" + std::strerror(errno) +
               "): the build runs without it";
      if (errno != EEXIST) throw_errno("[filesystem] cache: mkdir " + path);
      if (i + 1 == parts.size()) return {};  // there already: left as it is
    }
    UniqueFd next(::openat(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) {
      if (errno == ELOOP || errno == ENOTDIR) return {};  // not a directory of ours: left alone
      throw_errno("[filesystem] cache: open " + path);
    }
    dir = std::move(next);
  }
  UniqueFd f(::openat(dir.get(), ".gitignore", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!f) {
    if (errno == EEXIST) return {};
    throw_errno("[filesystem] cache: create " + path + "/.gitignore");
  }
  size_t len = std::strlen(kCacheGitignore);
  if (!write_all(f.get(), kCacheGitignore, len))
    throw_errno("[filesystem] cache: write " + path + "/.gitignore");
  return {};
}

}  // namespace sbx
