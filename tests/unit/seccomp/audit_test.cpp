// apply_audit(): the rewritten filter notifies exactly what the original refused, keeps
// sbx's own syscalls out of it, and leaves a plan the listener can read back.
#include <gtest/gtest.h>

#include "seccomp/audit.hpp"
#include "seccomp/reserved.hpp"
#include "seccomp_fixture.hpp"
#include "util/error.hpp"

namespace sbx::test {
namespace {

TEST(Audit, TheDefaultBaselineNotifiesWhatItRefusedAndNothingElse) {
  Spec original = default_spec();
  Spec audited = original;
  apply_audit(audited, "/tmp/audit.jsonl");
  auto before = compile_filter(*original.linux.seccomp).program;
  CompiledFilter after = compile_filter(*audited.linux.seccomp);
  EXPECT_TRUE(after.uses_notify);
  EXPECT_TRUE(after.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
  int denied = 0;
  for (uint32_t abi : {uint32_t{SCMP_ARCH_X86_64}, uint32_t{SCMP_ARCH_X86}, uint32_t{SCMP_ARCH_X32}})
    for (int i = 0; i < 1024; ++i) {
      int nr = abi == SCMP_ARCH_X32 ? static_cast<int>(kX32Bit) | i : i;
      for (uint64_t a0 : {0ULL, 0x10000000ULL, 0x80400000ULL, 0xffffffffULL, 40ULL})
        for (uint64_t a1 : {0ULL, 0x5412ULL}) {
          uint32_t b = eval(before, abi, nr, {a0, a1});
          uint32_t a = eval(after.program, abi, nr, {a0, a1});
          if (b == SECCOMP_RET_ALLOW) {
            ASSERT_EQ(a, SECCOMP_RET_ALLOW) << abi << " " << nr;
          } else {
            ASSERT_EQ(a, SECCOMP_RET_USER_NOTIF) << abi << " " << nr << " " << a0;
            ++denied;
          }
        }
    }
  EXPECT_GT(denied, 1000);
}

TEST(Audit, ThePlanRecordsEachRulesOwnAnswer) {
  Spec s = seccomp_spec(
      "[seccomp]\ndeny = [\"mount\", \"write\"]\n"
      "[[seccomp.rule]]\nnames = [\"getppid\"]\naction = \"kill_process\"\n"
      "[[seccomp.rule]]\nnames = [\"clone3\"]\nerrno = \"ENOSYS\"\n"
      "[[seccomp.rule]]\nnames = [\"getpid\"]\naction = \"log\"\n");
  apply_audit(s, "relative.jsonl");
  auto plan = audit_plan(s);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->log.front(), '/') << "made absolute: " << plan->log;
  EXPECT_FALSE(plan->default_action.has_value());
  const auto& rules = s.linux.seccomp->syscalls;
  int audited = 0;
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    if (r.action != "SCMP_ACT_NOTIFY") continue;
    ++audited;
    ASSERT_TRUE(plan->rules.count(i)) << i;
    const auto& o = plan->rules.at(i);
    std::string got = o.action + "/" + std::to_string(o.errno_ret);
    const std::string& first = r.names.front();
    std::string want = first == "mount" ? "errno/1" : first == "getppid" ? "kill_process/1" : "errno/38";
    EXPECT_EQ(got, want) << first;
    for (const auto& n : r.names) EXPECT_FALSE(notify_refusal_reason(n)) << n << " must not be notified";
  }
  EXPECT_EQ(audited, 3);
  // `write` keeps its plain errno rule; `log` is not a refusal.
  bool write_kept = false, log_kept = false;
  for (const auto& r : rules) {
    if (r.names == std::vector<std::string>{"write"} && r.action == "SCMP_ACT_ERRNO") write_kept = true;
    if (r.names == std::vector<std::string>{"getpid"} && r.action == "SCMP_ACT_LOG") log_kept = true;
  }
  EXPECT_TRUE(write_kept);
  EXPECT_TRUE(log_kept);
}

TEST(Audit, ADenyingDefaultBecomesANotificationButNotForSbxsOwnSyscalls) {
  Spec s = seccomp_spec("[seccomp]\ndefault_action = \"errno\"\ndefault_errno = \"ENOSYS\"\nallow = [\"read\"]\n");
  apply_audit(s, "/tmp/a.jsonl");
  auto plan = audit_plan(s);
  ASSERT_TRUE(plan && plan->default_action);
  EXPECT_EQ(plan->default_action->action, "errno");
  EXPECT_EQ(plan->default_action->errno_ret, 38u);
  auto prog = compile_filter(*s.linux.seccomp).program;
  EXPECT_EQ(eval(prog, SCMP_ARCH_X86_64, "mkdir"), SECCOMP_RET_USER_NOTIF);
  EXPECT_EQ(eval(prog, SCMP_ARCH_X86_64, "read"), SECCOMP_RET_ALLOW);
  for (const auto& n : syscalls_sbx_needs())
    EXPECT_EQ(eval(prog, SCMP_ARCH_X86_64, n.c_str()), errno_ret(ENOSYS)) << n << " keeps the default's answer";
}

TEST(Audit, RefusedWhereThereIsNothingToAuditOrSomeoneElseListens) {
  Spec none;
  EXPECT_NE(testing::error_of([&] { apply_audit(none, "/tmp/a"); }).find("--audit: the profile has no [seccomp]"),
            std::string::npos);
  Spec agent = seccomp_spec("[seccomp]\nlistener = \"/run/a.sock\"\n[[seccomp.rule]]\nnames = [\"mkdir\"]\n"
                            "action = \"notify\"\n");
  EXPECT_NE(testing::error_of([&] { apply_audit(agent, "/tmp/a"); }).find("--audit cannot be used with [seccomp] listener"),
            std::string::npos);
  EXPECT_FALSE(audit_plan(default_spec()).has_value());
}

}  // namespace
}  // namespace sbx::test
