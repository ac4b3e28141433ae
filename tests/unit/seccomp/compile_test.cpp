// compile_filter(): what it refuses, and what libseccomp's pseudo-code says it built.
#include <gtest/gtest.h>

#include "seccomp_fixture.hpp"

namespace sbx::test {
namespace {

TEST(Compile, RefusesToNotifyWhatSbxNeedsWhateverTheSpecCameFrom) {
  Seccomp sc;
  sc.architectures = {"SCMP_ARCH_X86_64"};
  sc.syscalls = {{{"mkdir", "sendmsg"}, "SCMP_ACT_NOTIFY", std::nullopt, {}}};
  EXPECT_EQ(testing::error_of([&] { compile_filter(sc); }).rfind("seccomp: 'sendmsg' cannot be notified: ", 0), 0u);
  sc.syscalls[0].names = {"mkdir"};
  CompiledFilter f = compile_filter(sc);
  EXPECT_TRUE(f.uses_notify);
  EXPECT_TRUE(f.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

TEST(Compile, ADefaultNotifyNeedsAListenerToo) {
  // Only --audit makes one (profiles refuse it): the filter must still ask for a listener.
  Seccomp sc;
  sc.default_action = "SCMP_ACT_NOTIFY";
  sc.architectures = {"SCMP_ARCH_X86_64"};
  sc.syscalls = {{{"read", "write"}, "SCMP_ACT_ALLOW", std::nullopt, {}}};
  CompiledFilter f = compile_filter(sc);
  EXPECT_TRUE(f.uses_notify);
  EXPECT_EQ(eval(f.program, SCMP_ARCH_X86_64, "mkdir"), SECCOMP_RET_USER_NOTIF);
}

TEST(Compile, ConditionsCompileAsOciSays) {
  Seccomp sc;
  sc.architectures = {"SCMP_ARCH_X86_64"};
  sc.syscalls = {{{"ioctl"}, "SCMP_ACT_ERRNO", 1,
                  {{1, 0xffffffff, 0x5412, "SCMP_CMP_MASKED_EQ"}, {1, 0xffffffff, 0x541c, "SCMP_CMP_MASKED_EQ"}}}};
  std::string pfc = filter_pseudo_code(sc);
  // Two alternatives on the low word, the high word ignored (mask 0).
  EXPECT_NE(pfc.find("$a1.hi32 & 0x00000000 == 0"), std::string::npos) << pfc;
  EXPECT_NE(pfc.find("$a1.lo32 & 0xffffffff == 21522"), std::string::npos) << pfc;
  EXPECT_NE(pfc.find("$a1.lo32 & 0xffffffff == 21532"), std::string::npos) << pfc;
  EXPECT_NE(pfc.find("action ERRNO(1)"), std::string::npos) << pfc;
}

TEST(Compile, UnknownNamesAndArchitecturesAreErrors) {
  Seccomp sc;
  sc.architectures = {"SCMP_ARCH_X86_64"};
  sc.syscalls = {{{"no_such_call"}, "SCMP_ACT_ERRNO", 1, {}}};
  EXPECT_EQ(testing::error_of([&] { compile_filter(sc); }), "seccomp: unknown syscall 'no_such_call'");
  sc.syscalls.clear();
  sc.architectures = {"SCMP_ARCH_VAX"};
  EXPECT_EQ(testing::error_of([&] { compile_filter(sc); }), "seccomp: unsupported architecture SCMP_ARCH_VAX");
}

}  // namespace
}  // namespace sbx::test
