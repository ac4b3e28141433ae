// Small string helpers shared by the profile engine and the CLI.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbx {

std::vector<std::string> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);

// The closest candidate to `word` (edit distance counting an adjacent transposition as
// one edit), if close enough to be a plausible typo: at most a third of the word's
// length, and at most 3 edits; case is ignored ("RO" suggests "ro"). nullopt when word
// is itself a candidate. Used for every "did you mean" in sbx's messages.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);
size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Whether s holds an ASCII control character (0x00-0x1f, 0x7f).
bool has_control_chars(std::string_view s);

// s with every control character written as an escape ("\n", "\t", "\x01"), so that
// a value echoed in a message cannot move the cursor or forge output. Idempotent.
std::string printable(std::string_view s);

// Quote a string for a shell, only when it needs it.
std::string shell_quote(std::string_view s);

}  // namespace sbx
