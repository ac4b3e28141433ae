// A workload that closes or redirects its stdio, leaves children behind, exits during
// or before setup, or signals itself (or init) never hangs sbx: every case returns,
// with the status the CLI contract names, within a bound. So does an sbx started
// with its own stdin, stdout and stderr closed.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <set>

#include "fault.hpp"
#include "harness.hpp"

namespace sbx::test {

namespace fault {
}  // namespace fault

namespace {

// Runs SCRIPT under sbx (with a --timeout far beyond the bound as a safety net) and
// checks it returns `expected` within `bound`.
void expect_returns(const std::string& script, int expected, std::chrono::seconds bound = std::chrono::seconds(10),
                    std::vector<std::string> run_args = {"--timeout", "60s"}) {
  SCOPED_TRACE(script);
  RunOptions o;
  o.timeout = bound;
  auto start = std::chrono::steady_clock::now();
  Result r = sbx_sh(script, run_args, o);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.timed_out) << "sbx hung";
  EXPECT_EQ(r.status, expected) << r.err;
  EXPECT_LT(took, bound);
}

TEST(FaultWorkload, ClosingOrRedirectingStdioDoesNotHang) {
  expect_returns("exec 0<&- 1>&- 2>&-; sleep 0.2; exit 3", 3);
  expect_returns("exec >/dev/null 2>&1 </dev/zero; exit 4", 4);
  expect_returns("exec 1>&0; echo x; exit 6", 6);  // stdout onto /dev/null's read end: EBADF
  expect_returns("exec 2>&-; ls /nonexistent; exit 7", 7);
}

TEST(FaultWorkload, BackgroundChildrenHoldingStdoutDoNotHang) {
  // The workload exits; its children (holding the output pipe) go with the sandbox.
  expect_returns("sleep 1000 & sleep 1000 >&2 & exit 5", 5);
  expect_returns("(trap '' TERM HUP INT; exec sleep 1000) & exit 0", 0);
  expect_returns("setsid sleep 1000 & exit 9", 9);
}

TEST(FaultWorkload, SignalsToItselfEndWithTheirStatus) {
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
                  SIGXCPU, SIGSYS})
    expect_returns("ulimit -c 0; kill -" + std::to_string(sig) + " $$; sleep 5", 128 + sig);
  // Stop signals: a stopped workload that something resumes goes on.
  expect_returns("(sleep 0.3; kill -CONT $$) & kill -STOP $$; exit 7", 7);
  // Job-control stops on an orphaned process group are discarded by the kernel.
  expect_returns("kill -TSTP $$; kill -TTIN $$; kill -TTOU $$; exit 8", 8);
}

TEST(FaultWorkload, AWorkloadThatStopsItselfForeverEndsAtTheTimeout) {
  expect_returns("kill -STOP $$; exit 1", 124, std::chrono::seconds(15), {"--timeout", "1s"});
}

TEST(FaultWorkload, SignalsToInitDoNotHang) {
  // SIGKILL/SIGSTOP to the namespace's init from inside are ignored by the kernel;
  // what init catches it passes on to the workload.
  expect_returns("kill -KILL 1; kill -STOP 1; exit 9", 9);
  expect_returns("kill -TERM 1; sleep 5; exit 1", 128 + SIGTERM);
  expect_returns("kill -USR1 1; sleep 5; exit 1", 128 + SIGUSR1);
}

TEST(FaultWorkload, ExitingBeforeOrDuringSetupDoesNotHang) {
  std::string dir = make_temp_dir();
  write_file(dir + "/bad.toml", "extends = \"default\"\n[filesystem]\nro = [\"/no/such/source\"]\n");
  write_file(dir + "/badfd.toml", "extends = \"default\"\n[process]\ncwd = \"/no/such/dir\"\n");
  RunOptions o;
  o.cwd = dir;
  o.timeout = std::chrono::seconds(10);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", dir + "/bad.toml", "--", "true"},
           {"run", dir + "/badfd.toml", "--", "true"},
           {"run", "--", "/no/such/binary"},
           {"run", "--", "/etc/passwd"},
           {"run", "--", "/bin/sh", "-c", "exec /no/such/binary"},
           {"run", "--", "true"}}) {
    Result r = sbx(args, o);
    SCOPED_TRACE(args[args.size() - 1]);
    EXPECT_FALSE(r.timed_out);
    EXPECT_TRUE(r.status == 125 || r.status == 126 || r.status == 127 || r.status == 0) << r.status << r.err;
  }
}

TEST(FaultWorkload, SbxWithItsOwnStdioClosedDoesNotHang) {
  fault::become_subreaper();
  std::string dir = make_temp_dir();
  std::string home = make_temp_dir("home");
  std::string token = fault::unique_token();
  for (const char* script : {"exit 11", "echo to-nowhere; exit 12", "ls /nonexistent; exit 13"}) {
    SCOPED_TRACE(script);
    pid_t pid = fault::spawn({{sbx_binary(), "run", "--", "/bin/sh", "-c", script, token}, dir, home, true, ""});
    int status = fault::wait_for(pid, std::chrono::seconds(10));
    EXPECT_NE(status, -1) << "sbx hung";
    EXPECT_EQ(status, std::atoi(script + std::string(script).rfind(' ') + 1));
  }
  EXPECT_TRUE(fault::wait_gone(token, std::chrono::seconds(5)).empty());
}

}  // namespace
}  // namespace sbx::test
