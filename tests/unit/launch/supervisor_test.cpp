// The exit-status contract, without a kernel: what sbx returns for each outcome.
#include "launch/supervisor.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace sbx {

namespace {
Message msg(MsgType t) {
  Message m;
  m.type = t;
  return m;
}
}  // namespace

TEST(ExitStatus, WorkloadCodeIsPassedThrough) {
  Outcome o;
  o.workload_exited = msg(MsgType::WorkloadExited);
  o.workload_exited->code = 42;
  std::string m;
  EXPECT_EQ(exit_status_for(o, "make", m), 42);
  EXPECT_EQ(m, "");
}

TEST(ExitStatus, DeathBySignalIs128PlusN) {
  Outcome o;
  o.workload_exited = msg(MsgType::WorkloadExited);
  o.workload_exited->code = -1;
  o.workload_exited->signal = SIGSEGV;
  std::string m;
  EXPECT_EQ(exit_status_for(o, "make", m), 128 + SIGSEGV);
}

TEST(ExitStatus, TimeoutWinsOverTheWorkloadsStatus) {
  Outcome o;
  o.timed_out = true;
  o.workload_exited = msg(MsgType::WorkloadExited);
  o.workload_exited->signal = SIGTERM;
  std::string m;
  EXPECT_EQ(exit_status_for(o, "make", m), kExitTimeout);
}

TEST(ExitStatus, ExecFailures) {
  Outcome o;
  o.exec_failed = msg(MsgType::ExecFailed);
  o.exec_failed->err = ENOENT;
  std::string m;
  EXPECT_EQ(exit_status_for(o, "mkae", m), kExitNotFound);
  EXPECT_EQ(m, "mkae: command not found in the sandbox");
  o.exec_failed->err = EACCES;
  EXPECT_EQ(exit_status_for(o, "./x", m), kExitNotExecutable);
  EXPECT_EQ(m, "./x: Permission denied");
}

TEST(ExitStatus, SetupFailureNamesTheStepAndCause) {
  Outcome o;
  o.setup_failed = msg(MsgType::SetupFailed);
  o.setup_failed->err = ENOENT;
  std::snprintf(o.setup_failed->step, sizeof o.setup_failed->step, "bind source");
  std::snprintf(o.setup_failed->detail, sizeof o.setup_failed->detail, "/nope");
  std::string m;
  EXPECT_EQ(exit_status_for(o, "make", m), kExitSbxFailure);
  EXPECT_EQ(m, "setup: bind source /nope: No such file or directory");
}

// A prestarted sandbox makes its namespaces with unshare(2) (launch/prestart.hpp): out
// of namespaces is said as clearly as when clone fails.
TEST(ExitStatus, ExhaustedNamespacesGetTheSysctlHint) {
  Outcome o;
  o.setup_failed = msg(MsgType::SetupFailed);
  o.setup_failed->err = ENOSPC;
  std::snprintf(o.setup_failed->step, sizeof o.setup_failed->step, "create the sandbox's namespaces (unshare)");
  std::string m;
  EXPECT_EQ(exit_status_for(o, "make", m), kExitSbxFailure);
  EXPECT_EQ(m.rfind("setup: create the sandbox's namespaces (unshare): No space left on device; ", 0), 0u) << m;
  EXPECT_NE(m.find("max_user_namespaces"), std::string::npos) << m;
  // Not for a full tmpfs.
  std::snprintf(o.setup_failed->step, sizeof o.setup_failed->step, "mount");
  exit_status_for(o, "make", m);
  EXPECT_EQ(m, "setup: mount: No space left on device");
}

TEST(ExitStatus, MissingKernelFeatureSaysWhichKernelIsNeeded) {
  Outcome o;
  o.setup_failed = msg(MsgType::SetupFailed);
  o.setup_failed->err = ENOSYS;
  std::snprintf(o.setup_failed->step, sizeof o.setup_failed->step, "mount");
  std::string m;
  exit_status_for(o, "make", m);
  EXPECT_NE(m.find("sbx needs Linux 5.12 or newer"), std::string::npos) << m;
}

TEST(ExitStatus, InitKilledWithoutAReport) {
  Outcome o;
  o.init_cld = CLD_KILLED;
  o.init_code = SIGKILL;
  std::string m;
  EXPECT_EQ(exit_status_for(o, "make", m), 128 + SIGKILL);
  EXPECT_NE(m.find("killed by signal 9"), std::string::npos) << m;
}

TEST(ExitStatus, NothingReportedIsAnSbxFailure) {
  Outcome o;
  o.init_cld = CLD_EXITED;
  o.init_code = 0;
  std::string m;
  EXPECT_EQ(exit_status_for(o, "make", m), kExitSbxFailure);
  EXPECT_FALSE(m.empty());
}

}  // namespace sbx
