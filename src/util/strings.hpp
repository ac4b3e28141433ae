// Small string helpers shared by the profile engine and the CLI.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

std::vector<std::string> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);

// The closest candidate to `word` (Damerau-free Levenshtein), if close enough to be a
// plausible typo: used for every "did you mean" in sbx's messages.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);
size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Quote a string for a shell, only when it needs it.
std::string shell_quote(std::string_view s);

}  // namespace sbx
