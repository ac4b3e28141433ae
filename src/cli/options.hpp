// What the command line says, parsed (cli/app.cpp) and not yet acted on.
#pragma once
#include <string>
#include <vector>

namespace sbx::cli {

// Overrides of the profile given on `sbx run` / `sbx export`; merged over the profile
// as one more layer, then validated with it (cli/overrides.cpp).
struct Overrides {
  std::vector<std::string> ro, rw, tmpfs, env, keep_env;
  std::string network, timeout, cwd, hostname;
  bool seccomp_log = false;
};

struct RunOptions {
  std::string profile;                 // "" = built-in default
  std::vector<std::string> command;    // after "--"
  bool saw_separator = false;
  Overrides overrides;
  bool verbose = false;
  std::string json_status;
  std::string audit;
  std::string bundle;                  // --bundle DIR: run an OCI bundle instead of a profile
};

struct CheckOptions {
  std::vector<std::string> profiles;
  bool json = false;
  bool full = false;  // the whole resolved profile, not only its own settings
};

struct ExportOptions {
  std::string profile;
  std::vector<std::string> command;
  bool saw_separator = false;
  Overrides overrides;
  std::string bundle;
  bool seccomp_json = false;
};

}  // namespace sbx::cli
