// Loading a profile: parse the TOML, follow `extends` (with cycle detection), merge
// (profile/merge.hpp, comparing entries with their variables expanded), layer
// command-line overrides, expand variables. The result is one table, every node still
// carrying the file:line:col it came from; spec/from_profile turns it into a Spec.
// A NUL character anywhere (TOML allows "\u0000") is refused.
#pragma once
#include <functional>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "profile/source.hpp"
#include "profile/variables.hpp"

namespace sbx {

inline constexpr int kMaxExtendsDepth = 16;
// extends = "none": the profile starts from nothing on purpose (no base, no warning).
inline constexpr const char* kExtendsNothing = "none";

struct LoadedProfile {
  toml::table table;                // merged, variables expanded; no `extends` key left
  std::vector<std::string> chain;   // display names, most derived first
  std::vector<std::string> files;   // the chain's files: canonical and as named (no built-ins)
  // Set when the [seccomp] tables were left out (LoadOptions::prebuilt_seccomp): the
  // built-in profile whose resolved section the Spec is to take instead.
  std::string seccomp_from_builtin;
  // The file at the base of the chain when it is not a built-in profile and has no
  // `extends` at all: it starts from nothing (no seccomp filter, no /usr, no PATH),
  // which is rarely what its author meant. Empty otherwise, also for extends = "none".
  std::string unrooted;
};

struct LoadOptions {
  // `sbx run`'s shortcut: parsing the shipped [seccomp] section and building its Spec
  // part is half of the profile's cost, and the result is the same on every run. If this
  // says yes for a built-in profile in the chain, and nothing above it (the user's own
  // files, the command line) has a seccomp key, that built-in and its bases are parsed
  // with their [seccomp] tables blanked (profile/seccomp_text.hpp), and
  // LoadedProfile::seccomp_from_builtin names it.
  std::function<bool(const std::string& builtin)> prebuilt_seccomp;
  // Where merge and variable errors go, so that the caller reports them with the
  // Spec's (spec/from_profile.hpp, build_spec's `pending`); null: thrown at once.
  ErrorList* errors = nullptr;
};

// Parses TOML text; syntax errors become sbx::Error "path:line:col: ...".
toml::table parse_profile_text(const std::string& text, const std::string& display);

// Loads from a source (following extends); `overrides`, if not empty, is merged last.
LoadedProfile load_profile(const ProfileSource& src, const Variables& vars, toml::table overrides = {},
                           const LoadOptions& opts = {});

// Loads a profile reference: "" means the built-in default.
LoadedProfile load_profile(const std::string& ref, const Variables& vars, toml::table overrides = {},
                           const LoadOptions& opts = {});

}  // namespace sbx
