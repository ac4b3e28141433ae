// TableReader: typed, position-aware access to one profile table. Every key read is
// marked as known; finish() then reports any key nobody read as unknown, with a
// "did you mean". So the conversion code in spec/from_profile is the profile schema.
// Given an ErrorList, a value of the wrong type and every unknown key are recorded
// there (the value then reads as absent) instead of stopping at the first.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "profile/location.hpp"
#include "util/error.hpp"

namespace sbx {

struct StringEntry {
  std::string value;
  const toml::node* node;
};

class TableReader {
 public:
  // `name` is how messages name the table: "[filesystem]", or "the top level".
  TableReader(const toml::table& t, std::string name, ErrorList* errors = nullptr);

  const toml::node* get(const std::string& key);  // marks the key known
  std::optional<std::string> string(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  std::optional<int64_t> integer(const std::string& key, int64_t min, int64_t max);
  std::vector<StringEntry> strings(const std::string& key);  // array of strings
  const toml::table* table(const std::string& key);
  const toml::array* array(const std::string& key);
  // Marks keys known without reading them.
  void known(const std::string& key) { known_.insert(key); }

  // Throws for the first key (in source order) that was never read: "unknown key 'rox'
  // in [filesystem] (did you mean 'ro'?)", or for a table written as [header] or
  // [[header]]: "unknown table [filesytem] (did you mean [filesystem]?)".
  void finish() const;

  const std::string& name() const { return name_; }
  // The table's dotted TOML path: "filesystem", "filesystem.mount", "" at the top level.
  std::string table_path() const;
  std::string key_path(const std::string& key) const;  // "[filesystem] ro"
  [[noreturn]] void fail(const toml::node& n, const std::string& message) const;
  [[noreturn]] void fail_type(const toml::node& n, const std::string& key, const std::string& expected) const;
  ErrorList* errors() const { return errors_; }

 private:
  const toml::table& t_;
  std::string name_;
  std::set<std::string> known_;
  ErrorList* errors_ = nullptr;

  // A wrong type: recorded (then false: read as absent) or thrown.
  bool wrong_type(const toml::node& n, const std::string& key, const std::string& expected) const;
};

const char* toml_type_name(const toml::node& n);

// Runs f (which reads or checks the value of `key` at node n) and gives its sbx::Error
// the node's position and the key: thrown, or, when the reader collects errors,
// recorded, with f's result type's empty value returned so that reading goes on.
template <typename F>
auto at_key(const TableReader& r, const toml::node& n, const std::string& key, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    if (!r.errors()) r.fail(n, r.key_path(key) + ": " + e.what());
    r.errors()->add(located(n.source(), r.key_path(key) + ": " + e.what()));
    return decltype(f()){};
  }
}

}  // namespace sbx
