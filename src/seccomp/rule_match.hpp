// Which rule of a Spec's seccomp section a syscall (as the kernel reports it in a
// seccomp notification: arch, number, six arguments) matches, with the argument
// semantics compile.cpp gives libseccomp (OCI/runc): conditions on distinct argument
// indexes must all hold; several on the same index are alternatives.
//
// The built-in listener (seccomp/listener.hpp) uses it to find the rule behind a
// notification. Lookups allocate nothing.
#pragma once
#include <linux/seccomp.h>

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "spec/spec.hpp"

namespace sbx {

class RuleMatcher {
 public:
  // Indexes `sc.syscalls[i]` for every i that `include(i)` accepts, on every
  // architecture of `sc`. Throws sbx::Error for an unknown architecture.
  RuleMatcher(const Seccomp& sc, const std::function<bool(size_t)>& include);

  // The index (into sc.syscalls) of the first included rule matching `d`, or -1.
  int match(const struct seccomp_data& d) const;

  bool empty() const { return by_syscall_.empty(); }

 private:
  struct Cond {
    uint8_t op;  // enum scmp_compare
    uint64_t a, b;
  };
  struct Rule {
    int index;
    // Groups of alternatives, one group per argument index: all groups must hold.
    std::vector<std::pair<unsigned, std::vector<Cond>>> groups;
  };
  static uint64_t key(uint32_t arch, uint32_t nr) { return (static_cast<uint64_t>(arch) << 32) | nr; }
  static bool holds(const Cond& c, uint64_t v);

  std::vector<Rule> rules_;
  // (audit arch, nr) -> indexes into rules_, in rule order.
  std::unordered_map<uint64_t, std::vector<uint32_t>> by_syscall_;
};

}  // namespace sbx
