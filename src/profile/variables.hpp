// ${VAR} expansion in profile strings: ${PWD}, ${HOME}, ${USER}, ${UID}, ${GID},
// ${env:NAME}; "$$" is a literal "$". An undefined variable is an error.
#pragma once
#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <toml++/toml.h>

#include "util/error.hpp"

namespace sbx {

struct PasswdEntry {
  std::string name, home;
};

// The entry for `uid` in a passwd-format file (no NSS: see variables.cpp).
std::optional<PasswdEntry> passwd_entry(uid_t uid, const char* file = "/etc/passwd");

struct Variables {
  std::map<std::string, std::string> values;  // PWD, HOME, USER, UID, GID
  std::function<std::optional<std::string>(const std::string&)> env;  // ${env:NAME}

  // From the calling process: getcwd(), real ids; HOME is $HOME, else the passwd
  // entry's; USER is the passwd entry's name, else $USER, else the uid.
  static Variables from_process();
};

// Expands one string; throws sbx::Error naming the variable (without position).
std::string expand_variables(const std::string& s, const Variables& vars);

// Expands every string value in the table, in place; errors carry file:line:col.
// With `errors`, each failure is recorded there and the string left as written.
void expand_profile_variables(toml::table& t, const Variables& vars, ErrorList* errors = nullptr);

}  // namespace sbx
