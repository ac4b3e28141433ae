// Finding and reading profile files: by path, or by name in the profile search path
// ($XDG_CONFIG_HOME/sbx/profiles, /etc/sbx/profiles, the installed profiles directory,
// then the profiles compiled into the binary).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

inline constexpr size_t kMaxProfileBytes = 1 << 20;
// "builtin:npm" names the profile compiled into the binary, never a file.
inline constexpr const char* kBuiltinPrefix = "builtin:";

struct ProfileSource {
  std::string name;      // the name it was asked for (or the path)
  std::string display;   // what messages call it: the path, or "<built-in default>"
  std::string identity;  // canonical identity, for `extends` cycle detection
  std::string dir;       // directory for relative `extends` (empty for built-in)
  std::string text;
  bool builtin = false;
};

struct EmbeddedProfile {
  std::string_view name;
  std::string_view text;
};
// The shipped profiles (profiles/*.toml), compiled in; generated at build time.
const std::vector<EmbeddedProfile>& embedded_profiles();
std::optional<std::string_view> embedded_profile(std::string_view name);

// Whether a reference is a path ("./x", "a/b", "x.toml") rather than a name.
bool is_profile_path(std::string_view ref);

// The directories searched for profile names, in order (existing or not).
std::vector<std::string> profile_search_dirs();

// Reads a profile file with the sanity checks (exists, regular file, size), throwing
// sbx::Error with a message that names the file.
ProfileSource read_profile_file(const std::string& path, const std::string& context = {});

// Resolves a reference: "builtin:NAME", a path (relative to base_dir if given), else a
// name.
ProfileSource find_profile(const std::string& ref, const std::string& base_dir = {},
                           const std::string& context = {});

// A profile compiled into the binary, whatever the search path holds.
std::optional<ProfileSource> builtin_profile(const std::string& name);

struct ProfileListing {
  std::string name;
  std::string location;  // path, or "built-in"
};
// Every profile name visible on the search path, first hit wins, sorted by name.
std::vector<ProfileListing> list_profiles();

}  // namespace sbx
