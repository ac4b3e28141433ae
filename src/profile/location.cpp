#include "profile/location.hpp"

#include "util/strings.hpp"

namespace sbx {

std::string where(const toml::source_region& src) {
  std::string path = src.path ? *src.path : std::string();
  if (path == kCommandLineSource) return path;
  if (path.empty() && !src.begin) return {};
  std::string out = path.empty() ? "<profile>" : printable(path);
  if (src.begin) {  // appended piecewise: GCC 12 misreports `a + b + c` here (-Wrestrict, PR 105651)
    out += ':';
    out += std::to_string(src.begin.line);
    out += ':';
    out += std::to_string(src.begin.column);
  }
  return out;
}

std::string located(const toml::source_region& src, const std::string& message) {
  std::string w = where(src);
  return printable(w.empty() ? message : w + ": " + message);
}

}  // namespace sbx
