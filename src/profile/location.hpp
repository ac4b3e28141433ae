// Where a profile value came from: "file:line:column", for every profile error.
#pragma once
#include <string>
#include <toml++/toml.h>

namespace sbx {

inline constexpr const char* kCommandLineSource = "<command line>";

// "path:line:col" ("<command line>" has no line), or "" when unknown.
std::string where(const toml::source_region& src);

// "where: message", or just the message when the position is unknown. Control
// characters (from values echoed in the message) are escaped, see util/strings.hpp.
std::string located(const toml::source_region& src, const std::string& message);

}  // namespace sbx
