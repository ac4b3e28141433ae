#include "profile/seccomp_text.hpp"

#include <cctype>

namespace sbx {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "[name]" or "[[name]]" (an optional comment after it) with a bare dotted name: the
// name; nullopt for anything else (a value line, an array of arrays, a quoted name).
std::optional<std::string_view> header_name(std::string_view line) {
  line = trim(line);
  if (auto hash = line.find('#'); hash != std::string_view::npos) line = trim(line.substr(0, hash));
  bool twice = line.size() >= 4 && line.substr(0, 2) == "[[" && line.substr(line.size() - 2) == "]]";
  bool once = !twice && line.size() >= 2 && line.front() == '[' && line.back() == ']';
  if (!twice && !once) return std::nullopt;
  std::string_view name = trim(line.substr(twice ? 2 : 1, line.size() - (twice ? 4 : 2)));
  if (name.empty()) return std::nullopt;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ' ')) return std::nullopt;
  return name;
}

bool is_seccomp(std::string_view name) { return name == "seccomp" || name.substr(0, 8) == "seccomp."; }

}  // namespace

std::optional<std::string> blank_seccomp_tables(std::string_view text) {
  if (text.find("'''") != std::string_view::npos || text.find("\"\"\"") != std::string_view::npos) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  bool in_seccomp = false;
  bool top_level = true;  // before the first table header
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (auto name = header_name(line)) {
      in_seccomp = is_seccomp(*name);
      top_level = false;
    } else if (top_level) {
      std::string_view key = trim(line);
      if (key.substr(0, 7) == "seccomp") return std::nullopt;  // seccomp.x = ... or seccomp = { ... }
    }
    if (!in_seccomp) out += line;
    if (nl != std::string_view::npos) out += '\n';
  }
  return out;
}

}  // namespace sbx
