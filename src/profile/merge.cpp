#include "profile/merge.hpp"

#include <optional>
#include <string>
#include <unordered_set>

#include "profile/location.hpp"
#include "util/error.hpp"

namespace sbx {

namespace {

const char* type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date/time";
  }
}

// "filesystem.ro" -> "[filesystem] ro", "extends" -> "'extends'": as other messages
// name keys.
std::string key_name(const std::string& path) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos) return "'" + path + "'";
  std::string out = "[";  // appended piecewise: GCC 12 -Wrestrict false positive (PR 105651)
  out += path.substr(0, dot);
  out += "] ";
  out += path.substr(dot + 1);
  return out;
}

struct Merger {
  const CanonicalString& canonical;
  ErrorList* errors;  // null: throw the first

  void error(const std::string& message) const {
    if (!errors) throw Error(message);
    errors->add(message);
  }

  std::string canon(const std::string& s) const { return canonical ? canonical(s) : s; }

  static const std::string* removal(const toml::node& n) {
    auto* s = n.as_string();
    return s && !s->get().empty() && s->get()[0] == '!' ? &s->get() : nullptr;
  }

  // The identity used to drop duplicates: strings compare canonically (variables
  // expanded), numbers and booleans by value; tables never compare equal.
  // (Keys are built by appending: GCC 12 misreports `"s" + str` at -O3, PR 105651.)
  static std::string tagged(char tag, const std::string& value) {
    std::string k(1, tag);
    k += value;
    return k;
  }
  std::optional<std::string> dedup_key(const toml::node& n) const {
    if (auto* x = n.as_string()) return tagged('s', canon(x->get()));
    if (auto* x = n.as_integer()) return tagged('i', std::to_string(x->get()));
    if (auto* x = n.as_boolean()) return tagged('b', x->get() ? "1" : "0");
    return std::nullopt;
  }

  // The path an entry names: "?/opt" and "/tmp:mode=1777" name /opt and /tmp.
  static std::string_view entry_path(std::string_view s) {
    if (!s.empty() && s[0] == '?') s.remove_prefix(1);
    return s.substr(0, s.find(':'));
  }

  // For a "!X" that removes nothing: the inherited entries that name the same path as X,
  // written another way ("!/tmp" for "/tmp:mode=1777", "!/opt" for "?/opt").
  std::string removal_hint(const toml::array& base, const std::string& want) const {
    std::string out;
    for (const auto& b : base) {
      auto* bs = b.as_string();
      if (!bs || entry_path(canon(bs->get())) != entry_path(want)) continue;
      out += out.empty() ? " (did you mean '!" : "' or '!";
      out += bs->get();
    }
    return out.empty() ? out : out + "'?)";
  }

  // Appends child's entries to base: "!X" removes X, duplicates are dropped. Linear in
  // the number of entries (profiles generated with thousands of binds stay fast).
  void merge_array(toml::array& base, toml::array&& child, const std::string& path) const {
    std::unordered_set<std::string> present;
    for (auto& b : base)
      if (auto k = dedup_key(b)) present.insert(std::move(*k));
    for (auto& elem : child) {
      if (const std::string* r = removal(elem)) {
        std::string target = r->substr(1);
        std::string want = canon(target);
        bool removed = false;
        for (auto it = base.begin(); it != base.end();) {
          auto* bs = it->as_string();
          if (bs && (bs->get() == target || canon(bs->get()) == want)) {
            present.erase(tagged('s', canon(bs->get())));
            it = base.erase(it);
            removed = true;
          } else {
            ++it;
          }
        }
        if (!removed)
          error(located(elem.source(), key_name(path) + ": '!" + target + "' removes nothing: no inherited entry '" +
                                                 target + "'" + removal_hint(base, want)));
        continue;
      }
      auto key = dedup_key(elem);
      if (key && !present.insert(*key).second) continue;
      base.push_back(std::move(elem));
    }
  }

  // A subtree the base does not have, kept in place (with its positions): its arrays
  // are merged into nothing, so duplicates go and any "!X" is an error.
  void settle(toml::node& n, const std::string& path) const {
    if (auto* t = n.as_table()) {
      for (auto&& [k, v] : *t) settle(v, path + "." + std::string(k.str()));
    } else if (auto* a = n.as_array()) {
      toml::array entries;  // (moving the array itself would drop its position)
      for (auto& e : *a) entries.push_back(std::move(e));
      a->clear();
      merge_array(*a, std::move(entries), path);
    }
  }

  void merge_table(toml::table& base, toml::table&& child, const std::string& path) const {
    for (auto&& [key, value] : child) {
      std::string sub = path.empty() ? std::string(key.str()) : path + "." + std::string(key.str());
      auto it = base.find(key.str());
      if (it == base.end()) {
        settle(value, sub);
        base.insert(toml::key(key.str(), key.source()), std::move(value));
        continue;
      }
      toml::node& old = it->second;
      // A number and a string may replace each other: keys such as [process] timeout,
      // umask and [limits] take both forms (45 or "45s"), and the schema checks the value.
      bool interchangeable = (old.is_number() || old.is_string()) && (value.is_number() || value.is_string());
      if (old.type() != value.type() && !interchangeable) {
        error(located(value.source(), key_name(sub) + " is " + type_name(value.type()) + " here but " +
                                          type_name(old.type()) + " in the profile it extends"));
        continue;
      }
      if (auto* t = value.as_table()) {
        merge_table(*old.as_table(), std::move(*t), sub);
      } else if (auto* a = value.as_array()) {
        merge_array(*old.as_array(), std::move(*a), sub);
      } else {
        base.insert_or_assign(toml::key(key.str(), key.source()), std::move(value));
      }
    }
  }
};

}  // namespace

void merge_profile(toml::table& base, toml::table&& child, const CanonicalString& canonical, ErrorList* errors) {
  Merger{canonical, errors}.merge_table(base, std::move(child), "");
}

}  // namespace sbx
