// The warning for a profile that extends nothing (profile/loader.hpp,
// LoadedProfile::unrooted): such a profile starts from an empty sandbox, with no
// seccomp filter, no system directories and no PATH, which its author rarely meant.
// `sbx check` and `sbx run` say so on stderr; extends = "none" says it is meant.
#pragma once
#include <string>

#include "spec/spec.hpp"

namespace sbx {

// "" when the Spec lacks none of what the default profile gives; else one sentence
// naming `file`, what is missing and the two fixes.
std::string unrooted_warning(const std::string& file, const Spec& spec);

}  // namespace sbx
