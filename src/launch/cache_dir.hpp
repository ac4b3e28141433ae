// The project's build cache directory ([filesystem] cache, ./.cache in ci-build),
// created by `sbx run` when it is missing, with a .gitignore of "*" in it (as Python's
// venv does), so that the cache stays out of `git status`, commits and `npm pack`.
// The project belongs to the build: nothing in it is followed. Each missing component
// is made with mkdirat and opened with O_NOFOLLOW; a component that is there already
// (a directory, or a symlink a build planted) is left as it is, and nothing is written.
#pragma once
#include <string>

namespace sbx {

inline constexpr const char* kCacheGitignore = "# Made by sbx: the build cache stays out of git and npm pack.\n*\n";

// `path` must be strictly below `project` (both absolute, normalised); throws
// sbx::Error otherwise or when a directory cannot be made for another reason than the
// project not being writable by the caller (a read-only checkout, /usr/share/doc):
// then it returns a warning to print, and the build runs without the cache, as it
// would have without sbx. "" when the directory is there.
std::string ensure_cache_dir(const std::string& project, const std::string& path);

}  // namespace sbx
