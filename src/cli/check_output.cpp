#include "cli/check_output.hpp"

namespace sbx::cli {

namespace {

bool from(const toml::node& n, const std::string& file) { return n.source().path && *n.source().path == file; }

// Copies what comes from `file`; false when nothing does.
bool copy_own(const toml::node& n, const std::string& file, toml::table& into, std::string_view key) {
  if (auto* t = n.as_table()) {
    toml::table sub;
    for (auto&& [k, v] : *t) copy_own(v, file, sub, k.str());
    if (sub.empty()) return false;
    into.insert(key, std::move(sub));
    return true;
  }
  if (auto* a = n.as_array()) {
    toml::array sub;
    for (const auto& e : *a)
      if (from(e, file)) sub.push_back(e);
    if (sub.empty()) return false;
    into.insert(key, std::move(sub));
    return true;
  }
  if (!from(n, file)) return false;
  into.insert(key, n);
  return true;
}

size_t count_inherited(const toml::node& n, const std::string& file) {
  if (auto* t = n.as_table()) {
    size_t c = 0;
    for (auto&& [k, v] : *t) c += count_inherited(v, file);
    return c;
  }
  if (auto* a = n.as_array()) {
    size_t c = 0;
    for (const auto& e : *a) c += from(e, file) ? 0 : 1;  // a [[rule]] table counts once
    return c;
  }
  return from(n, file) ? 0 : 1;
}

}  // namespace

toml::table own_settings(const toml::table& merged, const std::string& file) {
  toml::table out;
  for (auto&& [k, v] : merged) copy_own(v, file, out, k.str());
  return out;
}

std::string inherited_summary(const toml::table& merged, const std::string& file) {
  std::string out;
  for (auto&& [k, v] : merged) {
    size_t c = count_inherited(v, file);
    if (c == 0) continue;
    out += out.empty() ? "" : ", ";
    out += v.is_table() ? "[" + std::string(k.str()) + "] " + std::to_string(c) : std::string(k.str());
  }
  return out;
}

}  // namespace sbx::cli
