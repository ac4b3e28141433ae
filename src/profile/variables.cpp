#include "profile/variables.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "profile/location.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace sbx {

std::optional<PasswdEntry> passwd_entry(uid_t uid, const char* file) {
  // /etc/passwd itself, not getpwuid(): NSS would dlopen() the host's modules into
  // the statically linked sbx. Users only known to LDAP/sssd fall back to $USER.
  std::FILE* f = std::fopen(file, "re");
  if (!f) return std::nullopt;
  std::optional<PasswdEntry> out;
  struct passwd pw {};
  struct passwd* res = nullptr;
  char buf[4096];
  int rc;
  while ((rc = ::fgetpwent_r(f, &pw, buf, sizeof buf, &res)) == 0 || rc == ERANGE) {
    if (rc == ERANGE) continue;  // an absurdly long line: skip it
    if (res->pw_uid != uid) continue;
    out = PasswdEntry{res->pw_name ? res->pw_name : "", res->pw_dir ? res->pw_dir : ""};
    break;
  }
  std::fclose(f);
  return out;
}

Variables Variables::from_process() {
  Variables v;
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf)) v.values["PWD"] = buf;
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  v.values["UID"] = std::to_string(uid);
  v.values["GID"] = std::to_string(gid);
  std::optional<PasswdEntry> pw = passwd_entry(uid);
  const char* home = std::getenv("HOME");
  if (home && *home == '/')
    v.values["HOME"] = home;
  else if (pw && !pw->home.empty())
    v.values["HOME"] = pw->home;
  const char* user = std::getenv("USER");
  if (pw && !pw->name.empty())
    v.values["USER"] = pw->name;
  else if (user && *user)
    v.values["USER"] = user;
  else
    v.values["USER"] = std::to_string(uid);
  v.env = [](const std::string& name) -> std::optional<std::string> {
    if (const char* val = std::getenv(name.c_str())) return std::string(val);
    return std::nullopt;
  };
  return v;
}

std::string expand_variables(const std::string& s, const Variables& vars) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$') {
      out += s[i];
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 >= s.size() || s[i + 1] != '{')
      throw Error("a '$' must start ${VARIABLE} (write '$$' for a literal '$')");
    size_t close = s.find('}', i + 2);
    if (close == std::string::npos) throw Error("unterminated '${' in \"" + s + "\"");
    std::string name = s.substr(i + 2, close - i - 2);
    if (starts_with(name, "env:")) {
      std::string env_name = name.substr(4);
      if (env_name.empty()) throw Error("${env:} needs a variable name, as in ${env:CI_PROJECT_DIR}");
      auto val = vars.env ? vars.env(env_name) : std::nullopt;
      if (!val) throw Error("${" + name + "}: environment variable '" + env_name + "' is not set");
      out += *val;
    } else {
      auto it = vars.values.find(name);
      if (it == vars.values.end() && (name == "PWD" || name == "HOME" || name == "USER" || name == "UID" || name == "GID"))
        throw Error("${" + name + "} has no value here" +
                    (name == "PWD" ? std::string(" (the current directory cannot be determined)") : std::string()));
      if (it == vars.values.end()) {
        std::vector<std::string> known;
        for (auto& [k, _] : vars.values) known.push_back(k);
        auto m = closest_match(name, known);
        throw Error("unknown variable ${" + name + "}" + (m ? " (did you mean ${" + *m + "}?)" : std::string()) +
                    "; known: ${PWD} ${HOME} ${USER} ${UID} ${GID} ${env:NAME}, and $$ for a literal '$'");
      }
      out += it->second;
    }
    i = close;
  }
  return out;
}

namespace {
void expand_node(toml::node& n, const Variables& vars, ErrorList* errors) {
  if (auto* t = n.as_table()) {
    for (auto&& [k, v] : *t) expand_node(v, vars, errors);
  } else if (auto* a = n.as_array()) {
    for (auto& e : *a) expand_node(e, vars, errors);
  } else if (auto* s = n.as_string()) {
    if (s->get().find('$') == std::string::npos) return;
    try {
      *s = expand_variables(s->get(), vars);
    } catch (const Error& e) {
      if (!errors) throw Error(located(n.source(), e.what()));
      errors->add(located(n.source(), e.what()));
    }
  }
}
}  // namespace

void expand_profile_variables(toml::table& t, const Variables& vars, ErrorList* errors) {
  for (auto&& [k, v] : t) expand_node(v, vars, errors);
}

}  // namespace sbx
