// Turns a loaded profile (profile/loader.hpp) into a Spec. This is where every key of
// the profile format is read, checked and mapped to its OCI field; man/sbx-profile.5
// documents the same mapping.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "spec/spec.hpp"
#include "util/error.hpp"

namespace sbx {

struct BuildContext {
  uint32_t caller_uid = 0;
  uint32_t caller_gid = 0;
  std::string caller_user;            // for /etc/subuid lookups
  std::vector<std::string> environ;   // the caller's environment, "K=V"
  std::vector<std::string> args;      // the command to run (may be empty for `check`)
  std::string profile_name;           // for messages and annotations
  std::string cwd;                    // the caller's working directory: the project
  // The caller's hard rlimits ("RLIMIT_NOFILE" -> value), which a [limits] value may not
  // exceed: inside its user namespace the sandbox cannot raise a host limit, not even
  // when the caller is root. Empty: not checked.
  std::map<std::string, uint64_t> hard_limits;
  uint64_t nr_open = 1048576;         // fs.nr_open: the kernel's ceiling for nofile
  // The machine's RAM in bytes (sysinfo), which no tmpfs size may exceed: tmpfs pages
  // belong to no process, and the OOM killer would pick the host's. 0: not checked.
  uint64_t ram_bytes = 0;

  static BuildContext from_process(std::vector<std::string> args);
};

// Every error of the profile is reported in one go: one sbx::Error, or sbx::Errors for
// several (util/error.hpp), with those in `pending` (found while loading) among them.
Spec build_spec(const toml::table& profile, const BuildContext& ctx, const ErrorList* pending = nullptr);

// Normalises an absolute sandbox path ("//a/./b/" -> "/a/b"); throws sbx::Error (no
// position) for relative paths, "..", control characters, over-long paths (PATH_MAX)
// and over-long components (NAME_MAX).
std::string normalize_sandbox_path(const std::string& p);

}  // namespace sbx
