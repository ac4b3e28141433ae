// Exit statuses per the CLI contract: the workload's own, 128+N, 124, 125, 126, 127.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sbx::test {

TEST(RunExitStatus, TheWorkloadsOwnStatus) { EXPECT_EQ(sbx_sh("exit 42").status, 42); }

TEST(RunExitStatus, DeathBySignalIs128PlusN) {
  EXPECT_EQ(sbx_sh("kill -TERM $$").status, 128 + 15);
  EXPECT_EQ(sbx_sh("kill -KILL $$").status, 128 + 9);
}

TEST(RunExitStatus, CommandNotFoundIs127) {
  Result r = sbx({"run", "--", "no-such-command-xyz"});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.err.find("sbx: no-such-command-xyz: command not found"), std::string::npos) << r.err;
}

TEST(RunExitStatus, NotExecutableIs126) {
  std::string dir = make_temp_dir();
  write_file(dir + "/script.sh", "#!/bin/sh\necho hi\n", 0644);
  RunOptions o;
  o.cwd = dir;
  Result r = sbx({"run", "--", "./script.sh"}, o);
  EXPECT_EQ(r.status, 126) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST(RunExitStatus, TimeoutIs124) {
  Result r = sbx_sh("sleep 30", {"--timeout", "1s"});
  EXPECT_EQ(r.status, 124) << r.err;
  EXPECT_NE(r.err.find("sbx: timeout"), std::string::npos) << r.err;
}

TEST(RunExitStatus, TimeoutEscalatesToSigkillWhenSigtermIsIgnored) {
  auto start = std::chrono::steady_clock::now();
  Result r = sbx_sh("trap '' TERM; while :; do sleep 1; done", {"--timeout", "500ms"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 124) << r.err;
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(RunExitStatus, BadUsageIs125) {
  Result r = sbx({"run", "sh"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("after `--`"), std::string::npos) << r.err;
}

}  // namespace sbx::test
