// RuleMatcher (the built-in listener's "which rule is this notification from") against
// the compiled BPF itself: for rules whose actions are distinct errnos, the rule the
// matcher names must be the errno the filter returns, on random and edge-case inputs.
#include <gtest/gtest.h>

#include <random>

#include "seccomp/rule_match.hpp"
#include "seccomp_fixture.hpp"

namespace sbx::test {
namespace {

Seccomp sample_rules() {
  Seccomp sc;
  sc.default_action = "SCMP_ACT_ALLOW";
  sc.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  auto arg = [](uint32_t i, const char* op, uint64_t v, uint64_t v2 = 0) { return SeccompArg{i, v, v2, op}; };
  // Errno 100 + i for rule i, so the BPF's answer names the rule.
  sc.syscalls = {
      {{"getppid"}, "SCMP_ACT_ERRNO", 100, {}},
      {{"ioctl"}, "SCMP_ACT_ERRNO", 101, {arg(1, "SCMP_CMP_MASKED_EQ", 0xffffffff, 0x5412)}},
      {{"clone"}, "SCMP_ACT_ERRNO", 102,
       {arg(0, "SCMP_CMP_MASKED_EQ", 0x10000000, 0x10000000), arg(0, "SCMP_CMP_MASKED_EQ", 0x20000, 0x20000)}},
      {{"getpriority"}, "SCMP_ACT_ERRNO", 103, {arg(0, "SCMP_CMP_EQ", 2), arg(1, "SCMP_CMP_LT", 10)}},
      {{"setpriority"}, "SCMP_ACT_ERRNO", 104, {arg(2, "SCMP_CMP_GE", 5), arg(2, "SCMP_CMP_LE", 1)}},
      {{"kill", "tkill"}, "SCMP_ACT_ERRNO", 105, {arg(1, "SCMP_CMP_NE", 0), arg(0, "SCMP_CMP_GT", 100)}},
      {{"socket"}, "SCMP_ACT_ERRNO", 106, {arg(0, "SCMP_CMP_EQ", 40)}},
  };
  return sc;
}

TEST(RuleMatch, AgreesWithTheCompiledFilter) {
  Seccomp sc = sample_rules();
  auto prog = compile_filter(sc).program;
  RuleMatcher m(sc, [](size_t) { return true; });
  std::mt19937_64 rng(42);
  const uint64_t edges[] = {0, 1, 2, 5, 9, 10, 11, 100, 101, 0x5412, 0x100005412ULL, 0x10000000, 0x20000,
                            0x10020000, 0xffffffff, 0xffffffffffffffffULL, 0x8000000000000000ULL};
  const char* names[] = {"getppid", "ioctl", "clone", "getpriority", "setpriority", "kill", "tkill", "getpid"};
  int checked = 0, matched = 0;
  for (uint32_t abi : {uint32_t{SCMP_ARCH_X86_64}, uint32_t{SCMP_ARCH_X86}, uint32_t{SCMP_ARCH_X32}}) {
    for (const char* name : names) {
      int nr = nr_of(abi, name);
      if (nr < 0) continue;
      for (int round = 0; round < 3000; ++round) {
        struct seccomp_data d {};
        d.arch = audit_arch_of(abi);
        d.nr = nr;
        for (auto& a : d.args) {
          uint64_t v = (rng() & 1) ? edges[rng() % std::size(edges)] : rng();
          // i386 registers are 32 bits wide: the kernel never reports more.
          a = abi == SCMP_ARCH_X86 ? (v & 0xffffffff) : v;
        }
        uint32_t r = run_bpf(prog, d);
        int i = m.match(d);
        uint32_t expected = i < 0 ? SECCOMP_RET_ALLOW : errno_ret(100 + i);
        ASSERT_EQ(r, expected) << name << " abi " << abi << " args " << d.args[0] << " " << d.args[1] << " "
                               << d.args[2];
        ++checked;
        matched += i >= 0;
      }
    }
  }
  EXPECT_GT(checked, 40000);
  EXPECT_GT(matched, 5000);
}

TEST(RuleMatch, OnlyIncludedRulesAndOnlyTheirOwnAbiNumbers) {
  Seccomp sc = sample_rules();
  RuleMatcher m(sc, [](size_t i) { return i == 0; });
  struct seccomp_data d {};
  d.arch = AUDIT_ARCH_X86_64;
  d.nr = nr_of(SCMP_ARCH_X86_64, "getppid");
  EXPECT_EQ(m.match(d), 0);
  d.nr = nr_of(SCMP_ARCH_X86_64, "ioctl");
  EXPECT_EQ(m.match(d), -1) << "rule 1 is not included";
  d.arch = AUDIT_ARCH_I386;
  d.nr = 64;  // getppid on i386
  EXPECT_EQ(m.match(d), 0);
  d.nr = 110;  // getppid's x86_64 number is iopl on i386
  EXPECT_EQ(m.match(d), -1);
  d.arch = AUDIT_ARCH_X86_64;
  d.nr = static_cast<int>(kX32Bit | 110);
  EXPECT_EQ(m.match(d), 0) << "x32 getppid";
}

TEST(RuleMatch, FindsI386sDirectSocketCallThatLibseccompSpellsAsAPseudoCall) {
  Seccomp sc = sample_rules();
  auto prog = compile_filter(sc).program;
  RuleMatcher m(sc, [](size_t) { return true; });
  ASSERT_LT(nr_of(SCMP_ARCH_X86, "socket"), 0);
  struct seccomp_data d {};
  d.arch = AUDIT_ARCH_I386;
  d.nr = 359;
  d.args[0] = 40;
  EXPECT_EQ(run_bpf(prog, d), errno_ret(106));
  EXPECT_EQ(m.match(d), 6);
  d.args[0] = 2;
  EXPECT_EQ(run_bpf(prog, d), SECCOMP_RET_ALLOW);
  EXPECT_EQ(m.match(d), -1);
}

}  // namespace
}  // namespace sbx::test
