// Durations ("30m", "1h30m", "500ms", "10") and sizes ("1G", "512k", "unlimited")
// as written in profiles and on the command line.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sbx {

// Parses a duration; a bare number is seconds. nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);
std::string format_duration(std::chrono::milliseconds d);

// Parses a size with an optional binary suffix (k, M, G, T; "KiB"/"KB"-style accepted).
// nullopt when malformed or overflowing.
std::optional<uint64_t> parse_size(std::string_view s);

}  // namespace sbx
