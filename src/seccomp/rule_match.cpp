#include "seccomp/rule_match.hpp"

#include <linux/audit.h>
#include <seccomp.h>

#include <cstdlib>
#include <map>

#include "seccomp/syscall_names.hpp"
#include "util/error.hpp"

namespace sbx {

namespace {

// name -> numbers on one ABI, from libseccomp's number -> name table. Besides what
// seccomp_syscall_resolve_name_arch() says, this finds the direct numbers of calls that
// libseccomp spells as multiplexed pseudo-calls there (i386's socket is 359 as well as
// socketcall(SYS_SOCKET)).
const std::map<std::string, std::vector<int>>& numbers_on(uint32_t scmp_arch) {
  static std::map<uint32_t, std::map<std::string, std::vector<int>>> cache;
  auto it = cache.find(scmp_arch);
  if (it != cache.end()) return it->second;
  std::map<std::string, std::vector<int>> m;
  const int base = scmp_arch == SCMP_ARCH_X32 ? 0x40000000 : 0;
  for (int i = 0; i < 1024; ++i) {
    char* n = seccomp_syscall_resolve_num_arch(scmp_arch, base + i);
    if (!n) continue;
    m[n].push_back(base + i);
    free(n);
  }
  return cache.emplace(scmp_arch, std::move(m)).first->second;
}

}  // namespace

RuleMatcher::RuleMatcher(const Seccomp& sc, const std::function<bool(size_t)>& include) {
  for (size_t i = 0; i < sc.syscalls.size(); ++i) {
    if (!include(i)) continue;
    const SeccompSyscall& s = sc.syscalls[i];
    Rule r;
    r.index = static_cast<int>(i);
    std::map<unsigned, std::vector<Cond>> groups;
    for (const auto& a : s.args) {
      auto op = scmp_operator_value(a.op);
      if (!op) throw Error("seccomp: unsupported operator " + a.op);
      groups[a.index].push_back({static_cast<uint8_t>(*op), a.value, a.value_two});
    }
    r.groups.assign(groups.begin(), groups.end());
    auto ri = static_cast<uint32_t>(rules_.size());
    rules_.push_back(std::move(r));
    for (const auto& arch_name : sc.architectures) {
      auto token = scmp_arch_value(arch_name);
      if (!token) throw Error("seccomp: unsupported architecture " + arch_name);
      uint32_t audit_arch = *token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : *token;
      const auto& numbers = numbers_on(*token);
      for (const auto& name : s.names) {
        std::vector<int> nrs;
        int nr = seccomp_syscall_resolve_name_arch(*token, name.c_str());
        if (nr >= 0) nrs.push_back(nr);
        if (auto n = numbers.find(name); n != numbers.end()) nrs.insert(nrs.end(), n->second.begin(), n->second.end());
        for (int x : nrs) {  // none: not a syscall on this architecture
          auto& v = by_syscall_[key(audit_arch, static_cast<uint32_t>(x))];
          if (v.empty() || v.back() != ri) v.push_back(ri);
        }
      }
    }
  }
}

bool RuleMatcher::holds(const Cond& c, uint64_t v) {
  switch (c.op) {
    case SCMP_CMP_NE: return v != c.a;
    case SCMP_CMP_LT: return v < c.a;
    case SCMP_CMP_LE: return v <= c.a;
    case SCMP_CMP_EQ: return v == c.a;
    case SCMP_CMP_GE: return v >= c.a;
    case SCMP_CMP_GT: return v > c.a;
    case SCMP_CMP_MASKED_EQ: return (v & c.a) == c.b;
    default: return false;
  }
}

int RuleMatcher::match(const struct seccomp_data& d) const {
  auto it = by_syscall_.find(key(d.arch, static_cast<uint32_t>(d.nr)));
  if (it == by_syscall_.end()) return -1;
  // 32-bit ABIs (i386, and x32 for libseccomp): only the low 32 bits are compared.
  const bool narrow = d.arch == AUDIT_ARCH_I386 || (d.arch == AUDIT_ARCH_X86_64 && (d.nr & 0x40000000));
  for (uint32_t ri : it->second) {
    const Rule& r = rules_[ri];
    bool all = true;
    for (const auto& [idx, alts] : r.groups) {
      uint64_t v = idx < 6 ? d.args[idx] : 0;
      bool any = false;
      for (const Cond& c : alts) {
        Cond k = c;
        if (narrow) {
          v &= 0xffffffffULL;
          k.a &= 0xffffffffULL;
          k.b &= 0xffffffffULL;
        }
        if (holds(k, v)) {
          any = true;
          break;
        }
      }
      if (!any) {
        all = false;
        break;
      }
    }
    if (all) return r.index;
  }
  return -1;
}

}  // namespace sbx
