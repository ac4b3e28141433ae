#include "profile/reader.hpp"

#include "profile/location.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

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

TableReader::TableReader(const toml::table& t, std::string name) : t_(t), name_(std::move(name)) {}

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
  if (!n->is_string()) fail_type(*n, key, "a string");
  return n->as_string()->get();
}

std::optional<bool> TableReader::boolean(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) fail_type(*n, key, "true or false");
  return n->as_boolean()->get();
}

std::optional<int64_t> TableReader::integer(const std::string& key, int64_t min, int64_t max) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer()) fail_type(*n, key, "an integer");
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
  if (!a) fail_type(*n, key, "an array of strings");
  for (const auto& e : *a) {
    if (!e.is_string()) fail(e, key_path(key) + " entries must be strings, not " + toml_type_name(e));
    out.push_back({e.as_string()->get(), &e});
  }
  return out;
}

const toml::table* TableReader::table(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (!n->is_table()) fail_type(*n, key, "a table");
  return n->as_table();
}

const toml::array* TableReader::array(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (!n->is_array()) fail_type(*n, key, "an array");
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

}  // namespace

void TableReader::finish() const {
  const toml::key* first = nullptr;
  const toml::node* first_value = nullptr;
  for (auto&& [k, v] : t_) {
    if (known_.count(std::string(k.str()))) continue;
    if (!first || before(k.source(), first->source())) {
      first = &k;
      first_value = &v;
    }
  }
  if (!first) return;
  std::string key(first->str());
  std::vector<std::string> candidates(known_.begin(), known_.end());
  Shape shape = shape_of(*first_value);
  if (shape == Shape::Value) {
    std::string in = name_ == "the top level" ? "at the top level" : "in " + name_;
    throw Error(located(first->source(), "unknown key '" + key + "' " + in + did_you_mean(key, candidates)));
  }
  std::string open = shape == Shape::Table ? "[" : "[[", close = shape == Shape::Table ? "]" : "]]";
  std::string prefix = table_path().empty() ? std::string() : table_path() + ".";
  std::string message = "unknown table " + open + prefix + key + close;
  if (auto m = closest_match(key, candidates)) message += " (did you mean " + open + prefix + *m + close + "?)";
  throw Error(located(first->source(), message));
}

}  // namespace sbx
