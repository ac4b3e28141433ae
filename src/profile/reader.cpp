#include "profile/reader.hpp"

#include "profile/location.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>

namespace sbx {

const char* toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date/time";
  }
}

TableReader::TableReader(const toml::table& t, std::string name, ErrorList* errors)
    : t_(t), name_(std::move(name)), errors_(errors) {}

bool TableReader::wrong_type(const toml::node& n, const std::string& key, const std::string& expected) const {
  if (!errors_) fail_type(n, key, expected);
  errors_->add(located(n.source(), key_path(key) + " must be " + expected + ", not " + toml_type_name(n)));
  return false;
}

std::string TableReader::key_path(const std::string& key) const {
  return name_ == "the top level" ? "'" + key + "'" : name_ + " " + key;
}

void TableReader::fail(const toml::node& n, const std::string& message) const {
  throw Error(located(n.source(), message));
}

void TableReader::fail_type(const toml::node& n, const std::string& key, const std::string& expected) const {
  fail(n, key_path(key) + " must be " + expected + ", not " + toml_type_name(n));
}

const toml::node* TableReader::get(const std::string& key) {
  known_.insert(key);
  return t_.get(key);
}

std::optional<std::string> TableReader::string(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_string() && !wrong_type(*n, key, "a string")) return std::nullopt;
  return n->as_string()->get();
}

std::optional<bool> TableReader::boolean(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean() && !wrong_type(*n, key, "true or false")) return std::nullopt;
  return n->as_boolean()->get();
}

std::optional<int64_t> TableReader::integer(const std::string& key, int64_t min, int64_t max) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer() && !wrong_type(*n, key, "an integer")) return std::nullopt;
  int64_t v = n->as_integer()->get();
  if (v < min || v > max)
    fail(*n, key_path(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                 std::to_string(v));
  return v;
}

std::vector<StringEntry> TableReader::strings(const std::string& key) {
  std::vector<StringEntry> out;
  const toml::node* n = get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a && !wrong_type(*n, key, "an array of strings")) return out;
  for (const auto& e : *a) {
    if (!e.is_string()) {
      std::string m = key_path(key) + " entries must be strings, not " + toml_type_name(e);
      if (!errors_) fail(e, m);
      errors_->add(located(e.source(), m));
      continue;
    }
    out.push_back({e.as_string()->get(), &e});
  }
  return out;
}

const toml::table* TableReader::table(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (!n->is_table() && !wrong_type(*n, key, "a table")) return nullptr;
  return n->as_table();
}

const toml::array* TableReader::array(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (!n->is_array() && !wrong_type(*n, key, "an array")) return nullptr;
  return n->as_array();
}

std::string TableReader::table_path() const {
  if (name_ == "the top level") return {};
  std::string out;
  for (char c : name_) {
    if (c == '[' || c == ']') continue;
    out += c == ' ' ? '.' : c;
  }
  return out;
}

namespace {

// How a key's value was written: a [table] header (or dotted keys), [[array of tables]],
// or a plain value (including inline tables and arrays).
enum class Shape { Value, Table, ArrayOfTables };

Shape shape_of(const toml::node& n) {
  if (auto* t = n.as_table()) return t->is_inline() ? Shape::Value : Shape::Table;
  if (auto* a = n.as_array(); a && !a->empty() && a->is_array_of_tables()) {
    auto* first = a->front().as_table();
    return first && !first->is_inline() ? Shape::ArrayOfTables : Shape::Value;
  }
  return Shape::Value;
}

// Source order, so that the first unknown key reported is the first one in the file.
bool before(const toml::source_region& a, const toml::source_region& b) {
  std::string pa = a.path ? *a.path : std::string(), pb = b.path ? *b.path : std::string();
  if (pa != pb) return pa < pb;
  if (a.begin.line != b.begin.line) return a.begin.line < b.begin.line;
  return a.begin.column < b.begin.column;
}

// Where a key misplaced in `table` belongs: "; variables to keep go in [process.env]
// keep", or "".
std::string misplaced(const std::string& table, const std::string& key) {
  static const std::vector<std::pair<std::string, std::string>> kTopLevel = {
      {"timeout", "[process]"}, {"cwd", "[process]"},     {"umask", "[process]"},   {"keep_fds", "[process]"},
      {"ro", "[filesystem]"},   {"rw", "[filesystem]"},   {"tmpfs", "[filesystem]"}, {"mirror", "[filesystem]"},
      {"hostname", "[namespaces]"}, {"mode", "[network]"},
  };
  if (table == "the top level") {
    if (key == "env" || key == "environment") return "; the environment is [process.env] (keep, set, unset)";
    if (key == "rlimits" || key == "rlimit") return "; resource limits are [limits]";
    for (const auto& [k, where] : kTopLevel)
      if (k == key) return "; " + key + " belongs in " + where + ": write it below a " + where + " line";
  }
  if (table == "[process]") {
    if (key == "keep_env" || key == "env_keep" || key == "keep" || key == "set" || key == "unset" || key == "clear")
      return "; variables are kept, set and unset in [process.env]: [process.env] " +
             std::string(key == "keep_env" || key == "env_keep" ? "keep" : key) + " = ...";
  }
  return {};
}

}  // namespace

void TableReader::finish() const {
  // Unknown keys in source order, so that the first reported is the first in the file.
  std::vector<std::pair<const toml::key*, const toml::node*>> unknown;
  for (auto&& [k, v] : t_)
    if (!known_.count(std::string(k.str()))) unknown.emplace_back(&k, &v);
  std::stable_sort(unknown.begin(), unknown.end(),
                   [](const auto& a, const auto& b) { return before(a.first->source(), b.first->source()); });
  std::vector<std::string> candidates(known_.begin(), known_.end());
  for (const auto& [kp, vp] : unknown) {
    std::string key(kp->str());
    Shape shape = shape_of(*vp);
    std::string message;
    if (shape == Shape::Value) {
      std::string in = name_ == "the top level" ? "at the top level" : "in " + name_;
      std::string hint = misplaced(name_, key);
      message = "unknown key '" + key + "' " + in + (hint.empty() ? did_you_mean(key, candidates) : hint);
    } else {
      std::string open = shape == Shape::Table ? "[" : "[[", close = shape == Shape::Table ? "]" : "]]";
      std::string prefix = table_path().empty() ? std::string() : table_path() + ".";
      message = "unknown table " + open + prefix + key + close;
      std::string hint = misplaced(name_, key);
      if (auto m = closest_match(key, candidates); m && hint.empty())
        message += " (did you mean " + open + prefix + *m + close + "?)";
      message += hint;
    }
    if (!errors_) throw Error(located(kp->source(), message));
    errors_->add(located(kp->source(), message));
  }
}

}  // namespace sbx
