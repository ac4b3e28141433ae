// A built-in profile's text with its [seccomp] tables blanked (profile/loader.hpp,
// LoadOptions::prebuilt_seccomp). Blanked, not removed: every other line keeps its
// line:col. Only for the shipped profiles, whose layout is known and checked by a test
// (tests/unit/profile/seccomp_text_test.cpp, tests/unit/seccomp/prebuilt_test.cpp).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sbx {

// The text with every line of a [seccomp] / [seccomp.*] / [[seccomp.*]] table made
// empty; nullopt if seccomp is set any other way (a top-level seccomp.* key, an inline
// table) or the text has multi-line strings, where lines cannot be told apart simply.
std::optional<std::string> blank_seccomp_tables(std::string_view text);

}  // namespace sbx
