// Turns a loaded profile (profile/loader.hpp) into a Spec. This is where every key of
// the profile format is read, checked and mapped to its OCI field; man/sbx-profile.5
// documents the same mapping.
#pragma once
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "spec/spec.hpp"

namespace sbx {

struct BuildContext {
  uint32_t caller_uid = 0;
  uint32_t caller_gid = 0;
  std::string caller_user;            // for /etc/subuid lookups
  std::vector<std::string> environ;   // the caller's environment, "K=V"
  std::vector<std::string> args;      // the command to run (may be empty for `check`)
  std::string profile_name;           // for messages and annotations

  static BuildContext from_process(std::vector<std::string> args);
};

Spec build_spec(const toml::table& profile, const BuildContext& ctx);

// Normalises an absolute sandbox path ("//a/./b/" -> "/a/b"); throws sbx::Error (no
// position) for relative paths, "..", control characters and over-long paths.
std::string normalize_sandbox_path(const std::string& p);

}  // namespace sbx
