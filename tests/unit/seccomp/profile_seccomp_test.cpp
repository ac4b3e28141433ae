// [seccomp] in a profile -> Spec: names, errnos, actions and operators are checked with
// positions; notify is refused where it would hang or break sbx; rule combinations that
// libseccomp would silently rewrite are refused.
#include <gtest/gtest.h>

#include "seccomp_fixture.hpp"

namespace sbx::test {
namespace {

using testing::error_of;

std::string err(const std::string& text) {
  return error_of([&] { seccomp_spec(text); });
}

TEST(ProfileSeccomp, ParsesRulesIntoOciNames) {
  Spec s = seccomp_spec(
      "[seccomp]\ndefault_action = \"errno\"\ndefault_errno = \"ENOSYS\"\nallow = [\"read\", \"write\"]\n"
      "deny = [\"mount\"]\ndeny_errno = 13\n"
      "[[seccomp.rule]]\nnames = [\"ioctl\"]\naction = \"allow\"\n"
      "args = [{ index = 1, op = \"masked_eq\", value = 0xff, value_two = 0x12 }]\n");
  const Seccomp& sc = *s.linux.seccomp;
  EXPECT_EQ(sc.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(sc.default_errno_ret, 38u);
  ASSERT_EQ(sc.syscalls.size(), 3u);
  EXPECT_EQ(sc.syscalls[0].names, std::vector<std::string>{"mount"});
  EXPECT_EQ(sc.syscalls[0].errno_ret, 13u);
  EXPECT_EQ(sc.syscalls[1].action, "SCMP_ACT_ALLOW");
  EXPECT_EQ(sc.syscalls[2].args[0].op, "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(sc.syscalls[2].args[0].value, 0xffu);
  EXPECT_EQ(sc.syscalls[2].args[0].value_two, 0x12u);
  EXPECT_EQ(sc.architectures.size(), 3u);
}

TEST(ProfileSeccomp, UnknownNamesArePositionedErrorsWithSuggestions) {
  EXPECT_EQ(err("[seccomp]\ndeny = [\"mount\", \"unshar\"]\n"),
            "test.toml:2:18: [seccomp] deny: unknown syscall 'unshar' (did you mean 'unshare'?)");
  EXPECT_EQ(err("[seccomp]\ndefault_action = \"kil\"\n"),
            "test.toml:2:18: [seccomp] default_action: unknown action 'kil' (allow, errno, kill_process, kill_thread, "
            "trap, log, notify)");
  EXPECT_NE(err("[seccomp]\ndeny_errno = \"EPREM\"\n").find("test.toml:2:14: [seccomp] deny_errno: unknown errno 'EPREM'"),
            std::string::npos);
  EXPECT_NE(err("[[seccomp.rule]]\nnames = [\"ioctl\"]\nargs = [{ index = 1, op = \"masked\", value = 1 }]\n")
                .find("test.toml:3:"),
            std::string::npos);
}

TEST(ProfileSeccomp, NotifyIsRefusedOnTheSyscallsSbxNeeds) {
  for (const char* name : {"write", "sendmsg", "sendto", "execve", "execveat", "exit", "exit_group", "rt_sigreturn",
                           "close"}) {
    std::string e = err(std::string("[seccomp.notify]\nsyscalls = [\"mkdir\", \"") + name + "\"]\n");
    EXPECT_EQ(e.rfind("test.toml:2:22: [seccomp.notify] syscalls: '" + std::string(name) + "' cannot be notified: ", 0),
              0u)
        << e;
  }
  std::string e = err("[seccomp.notify]\nsyscalls = [\"mkdir\"]\n[[seccomp.rule]]\nnames = [\"exit_group\"]\n"
                      "action = \"notify\"\n");
  EXPECT_EQ(e.rfind("test.toml:4:10: [[seccomp.rule]] names: 'exit_group' cannot be notified", 0), 0u) << e;
}

TEST(ProfileSeccomp, NotifyIsRefusedAsTheDefaultAction) {
  EXPECT_NE(err("[seccomp]\ndefault_action = \"notify\"\n").find("test.toml:2:18: [seccomp] default_action cannot be notify"),
            std::string::npos);
}

TEST(ProfileSeccomp, BuiltInNotifyAndAnExternalListenerAreExclusive) {
  std::string e = err("[seccomp]\nlistener = \"/run/agent.sock\"\n[[seccomp.rule]]\nnames = [\"mkdir\"]\n"
                      "action = \"notify\"\n[seccomp.notify]\nsyscalls = [\"mkdir\"]\n");
  EXPECT_EQ(e.rfind("test.toml:6:1: [seccomp.notify] and [seccomp] listener cannot be used together", 0), 0u) << e;
  EXPECT_NE(e.find("Keep the one you mean"), std::string::npos) << e;
}

TEST(ProfileSeccomp, NotifyRulesNeedSomeoneToAnswer) {
  std::string e = err("[[seccomp.rule]]\nnames = [\"mkdir\"]\naction = \"notify\"\n");
  EXPECT_EQ(e.rfind("test.toml:3:10: [[seccomp.rule]] action = \"notify\" needs someone to answer", 0), 0u) << e;
  // ...and a listener needs something to answer.
  e = err("[seccomp]\nlistener = \"/run/agent.sock\"\n");
  EXPECT_EQ(e.rfind("test.toml:2:12: [seccomp] listener is set but no rule sends anything to it", 0), 0u) << e;
  e = err("[seccomp]\nlistener_metadata = \"x\"\n");
  EXPECT_EQ(e.rfind("test.toml:2:21: [seccomp] listener_metadata goes to the agent", 0), 0u) << e;
}

TEST(ProfileSeccomp, AnExternalListenerWithNotifyRules) {
  Spec s = seccomp_spec("[seccomp]\nlistener = \"/run//agent.sock\"\nlistener_metadata = \"m\"\n"
                        "[[seccomp.rule]]\nnames = [\"mkdir\"]\naction = \"notify\"\n");
  EXPECT_EQ(s.linux.seccomp->listener_path, "/run/agent.sock");
  EXPECT_EQ(s.linux.seccomp->listener_metadata, "m");
  EXPECT_FALSE(s.sbx.notify.has_value());
}

TEST(ProfileSeccomp, BuiltInNotify) {
  Spec s = seccomp_spec("[seccomp.notify]\nsyscalls = [\"mkdir\", \"getppid\"]\naction = \"deny\"\nerrno = \"EACCES\"\n"
                        "log = \"/var/log/sbx.jsonl\"\n");
  ASSERT_TRUE(s.sbx.notify.has_value());
  EXPECT_FALSE(s.sbx.notify->allow);
  EXPECT_EQ(s.sbx.notify->errno_ret, 13u);
  EXPECT_EQ(s.sbx.notify->log, "/var/log/sbx.jsonl");
  EXPECT_EQ(s.linux.seccomp->syscalls.back().action, "SCMP_ACT_NOTIFY");
  std::string e = err("[seccomp.notify]\nsyscalls = [\"mkdir\"]\nerrno = \"EACCES\"\n");
  EXPECT_EQ(e, "test.toml:3:9: [seccomp.notify] errno only goes with action = \"deny\"");
}

TEST(ProfileSeccomp, AnUnconditionalRuleThatWouldSwallowAConditionalOneIsRefused) {
  // In a deny-by-default profile, allowing ioctl outright would silently drop the
  // TIOCSTI rule (libseccomp keeps only the unconditional rule).
  std::string e = err("[seccomp]\ndefault_action = \"errno\"\nallow = [\"read\", \"ioctl\"]\ndefault_errno = 38\n"
                      "[[seccomp.rule]]\nnames = [\"ioctl\"]\nargs = [{ index = 1, op = \"eq\", value = 0x5412 }]\n");
  EXPECT_EQ(e.rfind("test.toml:3:18: [seccomp]: 'ioctl' gets allow without conditions, which would silently replace "
                    "the rule that gives it errno 1 under conditions",
                    0),
            0u)
      << e;
  EXPECT_NE(e.find("(the other rule: test.toml:6:10)"), std::string::npos) << e;
  // Two unconditional actions for one syscall.
  e = err("[seccomp]\ndeny = [\"mkdir\"]\n[seccomp.notify]\nsyscalls = [\"mkdir\"]\n");
  EXPECT_NE(e.find("'mkdir' gets two different actions without conditions (errno 1 and notify)"), std::string::npos) << e;
  // The same action twice is fine, and so is an unconditional rule that the default
  // already covers (it compiles to nothing).
  EXPECT_EQ(err("[seccomp]\ndeny = [\"mkdir\"]\n[[seccomp.rule]]\nnames = [\"mkdir\"]\n"
                "args = [{ index = 1, op = \"eq\", value = 0 }]\n"),
            "no error");
  EXPECT_EQ(err("[seccomp]\nallow = [\"ioctl\"]\n[[seccomp.rule]]\nnames = [\"ioctl\"]\n"
                "args = [{ index = 1, op = \"eq\", value = 0x5412 }]\n"),
            "no error");
}

TEST(ProfileSeccomp, TheDefaultProfileAndEveryShippedOneCompile) {
  Spec s = default_spec();
  ASSERT_TRUE(s.linux.seccomp.has_value());
  CompiledFilter f = compile_filter(*s.linux.seccomp);
  EXPECT_GT(f.program.size(), 100u);
  EXPECT_LT(f.program.size(), 4096u);  // BPF_MAXINSNS
  EXPECT_FALSE(f.uses_notify);
}

}  // namespace
}  // namespace sbx::test
