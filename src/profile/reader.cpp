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

void TableReader::finish() const {
  std::vector<std::string> candidates(known_.begin(), known_.end());
  for (auto&& [k, v] : t_) {
    std::string key(k.str());
    if (known_.count(key)) continue;
    std::string in = name_ == "the top level" ? "at the top level" : "in " + name_;
    throw Error(located(k.source(), "unknown key '" + key + "' " + in + did_you_mean(key, candidates)));
  }
}

}  // namespace sbx
