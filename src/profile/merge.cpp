#include "profile/merge.hpp"

#include <string>

#include "profile/location.hpp"
#include "util/error.hpp"

namespace sbx {

namespace {

const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    default: return "date/time";
  }
}

bool same_value(const toml::node& a, const toml::node& b) {
  if (auto* x = a.as_string(), *y = b.as_string(); x && y) return x->get() == y->get();
  if (auto* x = a.as_integer(), *y = b.as_integer(); x && y) return x->get() == y->get();
  if (auto* x = a.as_boolean(), *y = b.as_boolean(); x && y) return x->get() == y->get();
  return false;  // tables (rules, mounts) are never merged as duplicates
}

void merge_array(toml::array& base, toml::array&& child, const std::string& path) {
  for (auto& elem : child) {
    if (auto* s = elem.as_string(); s && !s->get().empty() && s->get()[0] == '!') {
      std::string target = s->get().substr(1);
      bool removed = false;
      for (auto it = base.begin(); it != base.end();) {
        if (auto* bs = it->as_string(); bs && bs->get() == target) {
          it = base.erase(it);
          removed = true;
        } else {
          ++it;
        }
      }
      if (!removed)
        throw Error(located(elem.source(), path + ": '!" + target + "' removes nothing: no inherited entry '" + target +
                                               "'"));
      continue;
    }
    bool dup = false;
    for (auto& b : base)
      if (same_value(b, elem)) dup = true;
    if (!dup) base.push_back(std::move(elem));
  }
}

void merge_table(toml::table& base, toml::table&& child, const std::string& path) {
  for (auto&& [key, value] : child) {
    std::string sub = path.empty() ? std::string(key.str()) : path + "." + std::string(key.str());
    auto it = base.find(key.str());
    if (it == base.end()) {
      // A removal list with nothing to remove from is still checked.
      if (auto* arr = value.as_array()) {
        toml::array empty;
        merge_array(empty, std::move(*arr), sub);
        base.insert(toml::key(key.str(), key.source()), std::move(empty));
      } else {
        base.insert(toml::key(key.str(), key.source()), std::move(value));
      }
      continue;
    }
    toml::node& old = it->second;
    if (old.type() != value.type() &&
        !(old.is_number() && value.is_number()))
      throw Error(located(value.source(), "'" + sub + "' is a " + type_name(value.type()) + " here but a " +
                                              type_name(old.type()) + " in the profile it extends"));
    if (auto* t = value.as_table()) {
      merge_table(*old.as_table(), std::move(*t), sub);
    } else if (auto* a = value.as_array()) {
      merge_array(*old.as_array(), std::move(*a), sub);
    } else {
      base.insert_or_assign(toml::key(key.str(), key.source()), std::move(value));
    }
  }
}

}  // namespace

void merge_profile(toml::table& base, toml::table&& child) { merge_table(base, std::move(child), ""); }

}  // namespace sbx
