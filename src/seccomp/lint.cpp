#include "seccomp/lint.hpp"

#include <map>
#include <vector>

namespace sbx {

std::string effective_action(const std::string& action, std::optional<uint32_t> errno_ret) {
  if (action == "SCMP_ACT_ERRNO") return action + "(" + std::to_string(errno_ret.value_or(1)) + ")";
  if (action == "SCMP_ACT_KILL") return "SCMP_ACT_KILL_THREAD";
  return action;
}

namespace {

std::string describe(const std::string& eff) {
  if (eff.rfind("SCMP_ACT_ERRNO(", 0) == 0) return "errno " + eff.substr(15, eff.size() - 16);
  std::string s = eff.substr(9);  // after SCMP_ACT_
  for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

}  // namespace

std::optional<RuleConflict> find_rule_conflict(const Seccomp& sc) {
  const std::string def = effective_action(sc.default_action, sc.default_errno_ret);
  struct Seen {
    std::optional<size_t> unconditional;
    std::vector<size_t> conditional;
  };
  std::map<std::string, Seen> by_name;
  for (size_t i = 0; i < sc.syscalls.size(); ++i) {
    const auto& r = sc.syscalls[i];
    const std::string eff = effective_action(r.action, r.errno_ret);
    if (eff == def) continue;  // compiled to nothing: the default already does it
    for (const auto& name : r.names) {
      Seen& s = by_name[name];
      if (r.args.empty()) {
        if (s.unconditional) {
          const auto& o = sc.syscalls[*s.unconditional];
          std::string oe = effective_action(o.action, o.errno_ret);
          if (oe != eff)
            return RuleConflict{name, i, *s.unconditional,
                                "'" + name + "' gets two different actions without conditions (" + describe(oe) +
                                    " and " + describe(eff) + "): keep only one (to drop one that a profile " +
                                    "inherits through `extends`, write \"!" + name + "\" in that array)"};
        } else {
          s.unconditional = i;
        }
      } else {
        s.conditional.push_back(i);
      }
    }
  }
  for (const auto& [name, s] : by_name) {
    if (!s.unconditional) continue;
    const auto& u = sc.syscalls[*s.unconditional];
    std::string ue = effective_action(u.action, u.errno_ret);
    for (size_t c : s.conditional) {
      const auto& r = sc.syscalls[c];
      std::string ce = effective_action(r.action, r.errno_ret);
      if (ce == ue) continue;
      return RuleConflict{name, *s.unconditional, c,
                          "'" + name + "' gets " + describe(ue) + " without conditions, which would silently replace " +
                              "the rule that gives it " + describe(ce) +
                              " under conditions (libseccomp keeps only the unconditional rule): remove '" + name +
                              "' from one of them (\"!" + name + "\" drops an inherited entry)"};
    }
  }
  return std::nullopt;
}

}  // namespace sbx
