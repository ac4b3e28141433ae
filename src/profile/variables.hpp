// ${VAR} expansion in profile strings: ${PWD}, ${HOME}, ${USER}, ${UID}, ${GID},
// ${env:NAME}; "$$" is a literal "$". An undefined variable is an error.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <toml++/toml.h>

namespace sbx {

struct Variables {
  std::map<std::string, std::string> values;  // PWD, HOME, USER, UID, GID
  std::function<std::optional<std::string>(const std::string&)> env;  // ${env:NAME}

  // From the calling process: getcwd(), $HOME/$USER or the passwd entry, real ids.
  static Variables from_process();
};

// Expands one string; throws sbx::Error naming the variable (without position).
std::string expand_variables(const std::string& s, const Variables& vars);

// Expands every string value in the table, in place; errors carry file:line:col.
void expand_profile_variables(toml::table& t, const Variables& vars);

}  // namespace sbx
