// seccomp/known.hpp: with unknown = "enosys" (the default baseline), every syscall
// number this libseccomp has no name for answers ENOSYS, on every ABI; every known one
// is left to the profile's filter; allow_numbers opens native numbers.
#include "seccomp/known.hpp"

#include <gtest/gtest.h>
#include <seccomp.h>

#include "seccomp/compile.hpp"
#include "seccomp/precompiled.hpp"
#include "seccomp_fixture.hpp"

namespace sbx::test {
namespace {

// The highest number libseccomp names on an ABI.
int highest_known(uint32_t arch) {
  int base = arch == SCMP_ARCH_X32 ? static_cast<int>(kX32Bit) : 0, top = -1;
  for (int nr = 0; nr < 1024; ++nr)
    if (char* n = seccomp_syscall_resolve_num_arch(arch, base | nr)) {
      top = nr;
      free(n);
    }
  return top;
}

TEST(KnownSyscalls, TheDefaultBaselineAnswersEnosysToNumbersBeyondLibseccompOnEveryAbi) {
  Spec spec = default_spec();
  ASSERT_TRUE(spec.linux.seccomp);
  EXPECT_TRUE(spec.linux.seccomp->unknown_enosys);
  CompiledFilter f = compile_filter(*spec.linux.seccomp);
  ASSERT_FALSE(f.known_program.empty());
  EXPECT_LT(f.known_program.size(), 4096u);  // BPF_MAXINSNS
  for (uint32_t abi : {uint32_t{SCMP_ARCH_X86_64}, uint32_t{SCMP_ARCH_X86}}) {
    int top = highest_known(abi);
    ASSERT_GT(top, 400);
    for (int nr : {top + 1, top + 2, top + 13, 600, 1023, 4000})
      EXPECT_EQ(eval(f.known_program, abi, nr), errno_ret(ENOSYS)) << abi << " " << nr;
    for (const char* name : {"read", "openat", "clone", "mount", "futex_requeue", "socketcall"}) {
      int nr = seccomp_syscall_resolve_name_arch(abi, name);
      if (nr < 0) continue;  // (not on this ABI)
      EXPECT_EQ(eval(f.known_program, abi, nr), SECCOMP_RET_ALLOW) << abi << " " << name;
    }
  }
  // x32: the compat numbers 512-547 are known, the new ones come after 456 and 547.
  for (int nr : {highest_known(SCMP_ARCH_X86_64) + 1, 548, 700})
    EXPECT_EQ(eval(f.known_program, SCMP_ARCH_X32, static_cast<int>(kX32Bit) | nr), errno_ret(ENOSYS)) << nr;
  EXPECT_EQ(eval(f.known_program, SCMP_ARCH_X32, static_cast<int>(kX32Bit) | 39), SECCOMP_RET_ALLOW) << "getpid";
  EXPECT_EQ(eval(f.known_program, SCMP_ARCH_X32, static_cast<int>(kX32Bit) | 520), SECCOMP_RET_ALLOW) << "execve";
}

TEST(KnownSyscalls, AllowNumbersOpensANativeNumberOnly) {
  Spec spec = default_spec();
  Seccomp sc = *spec.linux.seccomp;
  int n = highest_known(SCMP_ARCH_X86_64) + 3;
  sc.allow_numbers = {static_cast<uint32_t>(n)};
  CompiledFilter f = compile_filter(sc);
  EXPECT_EQ(eval(f.known_program, SCMP_ARCH_X86_64, n), SECCOMP_RET_ALLOW);
  EXPECT_EQ(eval(f.known_program, SCMP_ARCH_X86_64, n + 1), errno_ret(ENOSYS));
  EXPECT_EQ(eval(f.known_program, SCMP_ARCH_X86, n), errno_ret(ENOSYS));
  EXPECT_NE(filter_key(sc), filter_key(*spec.linux.seccomp));
  EXPECT_NE(known_boundary(sc).find("but " + std::to_string(n) + " (native ABI)"), std::string::npos) << known_boundary(sc);
}

TEST(KnownSyscalls, WithoutItNothingIsAdded) {
  Seccomp sc = *default_spec().linux.seccomp;
  sc.unknown_enosys = false;
  EXPECT_TRUE(compile_filter(sc).known_program.empty());
  EXPECT_NE(known_boundary(sc).find("any other number is allowed"), std::string::npos);
}

}  // namespace
}  // namespace sbx::test
