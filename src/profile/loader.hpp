// Loading a profile: parse the TOML, follow `extends` (with cycle detection), merge
// (profile/merge.hpp, comparing entries with their variables expanded), layer
// command-line overrides, expand variables. The result is one table, every node still
// carrying the file:line:col it came from; spec/from_profile turns it into a Spec.
// A NUL character anywhere (TOML allows "\u0000") is refused.
#pragma once
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "profile/source.hpp"
#include "profile/variables.hpp"

namespace sbx {

inline constexpr int kMaxExtendsDepth = 16;

struct LoadedProfile {
  toml::table table;                // merged, variables expanded; no `extends` key left
  std::vector<std::string> chain;   // display names, most derived first
};

// Parses TOML text; syntax errors become sbx::Error "path:line:col: ...".
toml::table parse_profile_text(const std::string& text, const std::string& display);

// Loads from a source (following extends); `overrides`, if not empty, is merged last.
LoadedProfile load_profile(const ProfileSource& src, const Variables& vars, toml::table overrides = {});

// Loads a profile reference: "" means the built-in default.
LoadedProfile load_profile(const std::string& ref, const Variables& vars, toml::table overrides = {});

}  // namespace sbx
