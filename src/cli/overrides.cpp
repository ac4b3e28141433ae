#include "cli/overrides.hpp"

#include <sstream>

#include "profile/loader.hpp"
#include "profile/location.hpp"
#include "util/error.hpp"

namespace sbx::cli {

toml::table overrides_table(const Overrides& o) {
  toml::table t;
  auto sub = [&](const char* name) -> toml::table& {
    if (!t.contains(name)) t.insert(name, toml::table{});
    return *t[name].as_table();
  };
  // The shell has expanded what it should: a '$' on the command line is literal.
  auto lit = [](const std::string& s) {
    std::string out;
    for (char c : s) out += c == '$' ? std::string("$$") : std::string(1, c);
    return out;
  };
  auto strings = [&](const std::vector<std::string>& v) {
    toml::array a;
    for (const auto& s : v) a.push_back(lit(s));
    return a;
  };
  if (!o.ro.empty()) sub("filesystem").insert("ro", strings(o.ro));
  if (!o.rw.empty()) sub("filesystem").insert("rw", strings(o.rw));
  if (!o.tmpfs.empty()) sub("filesystem").insert("tmpfs", strings(o.tmpfs));
  if (!o.env.empty() || !o.keep_env.empty()) {
    toml::table env;
    if (!o.keep_env.empty()) env.insert("keep", strings(o.keep_env));
    if (!o.env.empty()) {
      toml::table set;
      for (const auto& kv : o.env) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw Error("--env expects NAME=VALUE, got '" + kv + "'");
        set.insert_or_assign(kv.substr(0, eq), lit(kv.substr(eq + 1)));
      }
      env.insert("set", std::move(set));
    }
    sub("process").insert("env", std::move(env));
  }
  if (!o.timeout.empty()) sub("process").insert("timeout", lit(o.timeout));
  if (!o.cwd.empty()) sub("process").insert("cwd", lit(o.cwd));
  if (!o.network.empty()) sub("network").insert("mode", lit(o.network));
  if (!o.hostname.empty()) sub("namespaces").insert("hostname", lit(o.hostname));
  if (o.seccomp_log) sub("seccomp").insert("log", true);
  if (t.empty()) return t;
  // Re-parse so every node carries "<command line>" as its source.
  std::ostringstream ss;
  ss << t;
  return parse_profile_text(ss.str(), kCommandLineSource);
}

}  // namespace sbx::cli
