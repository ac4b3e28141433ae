// Looking at and removing paths below a writable directory the workload controls,
// without following a symlink anywhere (parent side, launch/guard.hpp).
#pragma once
#include <sys/stat.h>

#include <string>
#include <vector>

#include "spec/spec.hpp"
#include "util/fd.hpp"

namespace sbx {

struct Probe {
  enum class What { Missing, Exists, Symlink };
  What what = What::Missing;
  UniqueFd parent;         // Exists, Symlink: the directory holding `name`
  std::string name;        // Exists: the last component; Symlink: the symlink's name
  std::string symlink_at;  // Symlink: the relative path of the symlink found
  struct stat st {};       // Exists: the object
};

// Walks `rel` ("a/b/c", normalised) below the directory `dir`, component by component,
// following no symlink: Missing if a component is absent (or is not a directory where
// the path needs one), Symlink at the first symlink met, else Exists. Throws sbx::Error
// on other errors.
Probe probe_below(int dir, const std::string& rel);

// Removes `name` in `dir` (the whole tree if it is a directory), following no symlink.
// Throws sbx::Error on failure.
void remove_below(int dir, const std::string& name);

// Reads a small regular file below `dir` (O_NOFOLLOW); nullopt-like: false if absent.
bool read_small_file(int dir, const std::string& name, std::string& out, size_t max = 1 << 20);

// `path` strictly below `dir` (both normalised absolute paths): the rest, else "".
std::string below(const std::string& path, const std::string& dir);
bool at_or_below(const std::string& path, const std::string& dir);
// Whether another mount hides `dest` (a path below the writable bind at `wdest`).
bool covered(const std::string& dest, const std::string& wdest, const std::vector<Mount>& mounts);

}  // namespace sbx
