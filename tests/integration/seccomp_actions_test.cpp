// Each action of a [[seccomp.rule]], observed from inside a sandbox: errno (by name and
// by number), kill_process, kill_thread, trap, log; and `deny` with deny_errno.
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <map>

#include "harness.hpp"

namespace sbx::test {

const std::string& seccomp_probe_dir();
Result run_probe(const std::string& commands, const std::vector<std::string>& run_args = {}, RunOptions opts = {});
std::map<std::string, std::string> probe_lines(const std::string& out);

namespace {

// A profile extending the default with `seccomp_toml` appended.
std::string profile(const std::string& seccomp_toml) {
  std::string p = make_temp_dir("profiles") + "/p.toml";
  write_file(p, "extends = \"default\"\n" + seccomp_toml);
  return p;
}

std::string rule(const std::string& names, const std::string& action, const std::string& extra = "") {
  return "[[seccomp.rule]]\nnames = [" + names + "]\naction = \"" + action + "\"\n" + extra;
}

// A syscall neither sh nor the probe's runtime makes on its own.
const std::string kRare = std::to_string(SYS_sched_get_priority_max);
const std::string kRareName = "\"sched_get_priority_max\"";

}  // namespace

TEST(SeccompActions, ErrnoByNameAndByNumber) {
  std::string p = profile(rule(kRareName, "errno", "errno = \"EXDEV\"\n") +
                          rule("\"getpgrp\"", "errno", "errno = 77\n"));
  Result r = run_probe("./probe sys a " + kRare + " -- sys b " + std::to_string(SYS_getpgrp), {p});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["a"], "errno=EXDEV");
  EXPECT_EQ(got["b"], "errno=EBADFD") << "77";
}

TEST(SeccompActions, DenyListWithItsOwnErrno) {
  std::string p = profile("[seccomp]\ndeny = [\"sched_get_priority_max\"]\ndeny_errno = \"EOPNOTSUPP\"\n");
  Result r = run_probe("./probe sys a " + kRare, {p});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["a"], "errno=EOPNOTSUPP");
  // The inherited deny list follows deny_errno too.
  Result u = run_probe("./probe sys u " + std::to_string(SYS_unshare) + " 0x10000000", {p});
  EXPECT_EQ(probe_lines(u.out)["u"], "errno=EOPNOTSUPP") << u.out;
}

TEST(SeccompActions, KillProcessKillsTheWholeProcessWithSigsys) {
  std::string p = profile(rule(kRareName, "kill_process"));
  Result r = run_probe("./probe thread-sys t " + kRare + "; echo status=$?", {p});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("t survived"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("status=159"), std::string::npos) << r.out;  // 128 + SIGSYS
}

TEST(SeccompActions, KillThreadKillsOnlyTheCallingThread) {
  std::string p = profile(rule(kRareName, "kill_thread"));
  Result r = run_probe("./probe thread-sys t " + kRare + "; echo status=$?", {p});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("t survived\nstatus=0"), std::string::npos) << r.out;
}

TEST(SeccompActions, TrapSendsSigsys) {
  std::string p = profile(rule(kRareName, "trap"));
  Result r = run_probe("./probe sys a " + kRare + "; echo status=$?", {p});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("a "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("status=159"), std::string::npos) << r.out;
}

TEST(SeccompActions, LogAllowsTheSyscall) {
  std::string p = profile(rule(kRareName, "log"));
  Result r = run_probe("./probe sys a " + kRare, {p});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(probe_lines(r.out)["a"].rfind("ret=", 0), 0u) << r.out;
}

TEST(SeccompActions, ArgumentConditionsOnDistinctIndexesMustAllHold) {
  // getpriority(which, who): refused only for which == PRIO_USER(2) AND who == 0.
  std::string p = profile(rule("\"getpriority\"", "errno",
                               "errno = \"EXDEV\"\nargs = [{ index = 0, op = \"eq\", value = 2 },"
                               " { index = 1, op = \"eq\", value = 0 }]\n"));
  std::string nr = std::to_string(SYS_getpriority);
  Result r = run_probe("./probe sys both " + nr + " 2 0 -- sys first " + nr + " 2 1 -- sys second " + nr + " 0 0",
                       {p});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["both"], "errno=EXDEV");
  EXPECT_NE(got["first"], "errno=EXDEV");
  EXPECT_NE(got["second"], "errno=EXDEV");
}

}  // namespace sbx::test
