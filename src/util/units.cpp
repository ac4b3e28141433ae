#include "util/units.hpp"

#include <cctype>
#include <limits>

namespace sbx {

namespace {
bool read_number(std::string_view& s, uint64_t& out) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  uint64_t v = 0;
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    uint64_t d = static_cast<uint64_t>(s[0] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
    s.remove_prefix(1);
  }
  out = v;
  return true;
}
}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t total_ms = 0;
  bool bare = true;
  constexpr uint64_t kMax = uint64_t{1} << 50;
  while (!s.empty()) {
    uint64_t n = 0;
    if (!read_number(s, n)) return std::nullopt;
    uint64_t mult;
    if (s.empty()) {
      if (!bare) return std::nullopt;  // "1m30" is ambiguous
      mult = 1000;
    } else if (s.substr(0, 2) == "ms") {
      mult = 1, s.remove_prefix(2);
    } else if (s[0] == 's') {
      mult = 1000, s.remove_prefix(1);
    } else if (s[0] == 'm') {
      mult = 60'000, s.remove_prefix(1);
    } else if (s[0] == 'h') {
      mult = 3'600'000, s.remove_prefix(1);
    } else if (s[0] == 'd') {
      mult = 86'400'000, s.remove_prefix(1);
    } else {
      return std::nullopt;
    }
    bare = false;
    if (n > kMax / mult) return std::nullopt;
    total_ms += n * mult;
    if (total_ms > kMax) return std::nullopt;
  }
  return std::chrono::milliseconds(total_ms);
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  auto sec = ms / 1000;
  if (sec % 3600 == 0 && sec) return std::to_string(sec / 3600) + "h";
  if (sec % 60 == 0 && sec) return std::to_string(sec / 60) + "m";
  return std::to_string(sec) + "s";
}

std::optional<uint64_t> parse_size(std::string_view s) {
  uint64_t n = 0;
  if (!read_number(s, n)) return std::nullopt;
  uint64_t mult = 1;
  if (!s.empty()) {
    switch (std::tolower(static_cast<unsigned char>(s[0]))) {
      case 'k': mult = uint64_t{1} << 10; break;
      case 'm': mult = uint64_t{1} << 20; break;
      case 'g': mult = uint64_t{1} << 30; break;
      case 't': mult = uint64_t{1} << 40; break;
      case 'b': mult = 1; break;
      default: return std::nullopt;
    }
    s.remove_prefix(1);
    if (mult != 1) {
      if (s == "iB" || s == "B" || s == "ib" || s == "b") s = {};
    }
    if (!s.empty()) return std::nullopt;
  }
  if (n > std::numeric_limits<uint64_t>::max() / mult) return std::nullopt;
  return n * mult;
}

}  // namespace sbx
