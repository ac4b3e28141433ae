// The caller's terminal and process group (launch/terminal.hpp), on a real pty: the
// workload is never in the caller's process group, so kill(0, ...) and SIGSTOP from it
// reach only the sandbox (the script that called sbx survives, --timeout still fires),
// and job control (Ctrl-Z, fg, bg, Ctrl-C) works as for any job, at the shell that
// started sbx and in a shell inside the sandbox.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <string>

#include "harness.hpp"
#include "pty.hpp"

namespace sbx::test {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<std::string> pty_env() {
  return {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + make_temp_dir("home"), "TERM=dumb", "PS1=P$ ",
          "LANG=C.UTF-8"};
}

// A pause before typing at a prompt that just showed, as a user would: a shell starting
// up may still set its terminal modes and drop what was typed ahead.
void settle() { ::usleep(300'000); }

// A script without job control (as a CI job in a pty runs one): sh, the session leader,
// runs sbx in its own process group, which is the terminal's foreground group.
std::vector<std::string> script(const std::string& text) { return {"/bin/sh", "-c", text}; }

}  // namespace

TEST(RunJobControl, TheCallingScriptSurvivesKillZeroAndKillMinusOne) {
  PtySession s(script(sbx_binary() +
                      " run -- sh -c 'kill -TERM -1; kill -TERM 0; sleep 2; echo workload-alive'; "
                      "echo script-survived-$?"),
               make_temp_dir(), pty_env());
  EXPECT_TRUE(s.wait_for("script-survived-143", seconds(20))) << s.output();
  EXPECT_EQ(s.wait_exit(seconds(10)), 0) << s.output();
  EXPECT_EQ(s.output().find("workload-alive"), std::string::npos) << s.output();
}

TEST(RunJobControl, TheCallingScriptSurvivesKillZeroWithoutATerminal) {
  Result r = run({"/bin/sh", "-c", sbx_binary() + " run -- sh -c 'kill -TERM 0; sleep 2'; echo script-survived-$?"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("script-survived-143"), std::string::npos) << r.out << r.err;
}

TEST(RunJobControl, TimeoutFiresWithinASecondWhileTheWorkloadIsStopped) {
  // The workload stops everything in the sandbox, then its own process group; before,
  // that was sbx's and the script's too, and nothing was left to enforce the timeout.
  auto start = std::chrono::steady_clock::now();
  PtySession s(script(sbx_binary() + " run --timeout 2s -- sh -c 'kill -STOP -1; kill -STOP 0; echo resumed'; "
                                     "echo script-rc=$?"),
               make_temp_dir(), pty_env());
  ASSERT_TRUE(s.wait_for("script-rc=", seconds(20))) << s.output();
  auto elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_TRUE(s.wait_for("script-rc=124", seconds(1))) << s.output();
  EXPECT_GE(elapsed.count(), 2000) << s.output();
  EXPECT_LT(elapsed.count(), 3000) << "the timeout fired " << elapsed.count() << " ms after the start";
  EXPECT_NE(s.output().find("timeout: 2s elapsed"), std::string::npos) << s.output();
}

TEST(RunJobControl, CtrlZFgBgAndCtrlCAtTheShellThatStartedSbx) {
  PtySession s({"/bin/bash", "--norc", "--noprofile", "-i"}, make_temp_dir(), pty_env());
  ASSERT_TRUE(s.wait_for("P$ ", seconds(10))) << s.output();
  settle();
  s.type(sbx_binary() + " run -- sh -c 'echo st\"\"arted; read x; echo got-$x'\n");
  ASSERT_TRUE(s.wait_for("started", seconds(10))) << s.output();
  size_t mark = s.output().size();
  s.type("\x1a");  // Ctrl-Z: the job stops, the shell has the terminal again
  ASSERT_TRUE(s.wait_for("Stopped", seconds(10), mark)) << s.output();
  ASSERT_TRUE(s.wait_for("P$ ", seconds(10), mark)) << s.output();
  mark = s.output().size();
  s.type("bg\n");  // in the background the read stops it again (SIGTTIN)
  ASSERT_TRUE(s.wait_for("P$ ", seconds(10), mark)) << s.output();
  s.type("sleep 0.5; jobs\n");
  ASSERT_TRUE(s.wait_for("Stopped", seconds(10), mark)) << s.output();
  mark = s.output().size();
  s.type("fg\n");  // the terminal goes back to the workload
  ASSERT_TRUE(s.wait_for("sbx run", seconds(10), mark)) << s.output();
  s.type("hello\n");
  ASSERT_TRUE(s.wait_for("got-hello", seconds(10), mark)) << s.output();
  s.type("echo rc=$?\n");
  ASSERT_TRUE(s.wait_for("rc=0", seconds(10), mark)) << s.output();
  mark = s.output().size();
  // (A process that prints and sleeps in one: sh between its echo and its fork of sleep
  // would defer the SIGINT until sleep is done.)
  s.type(sbx_binary() + " run -- python3 -c 'import time; print(\"sl\" \"eeping\", flush=True); time.sleep(30)'\n");
  ASSERT_TRUE(s.wait_for("sleeping", seconds(10), mark)) << s.output();
  s.type("\x03");  // Ctrl-C
  s.type("echo rc=$?\n");
  EXPECT_TRUE(s.wait_for("rc=130", seconds(10), mark)) << s.output();
  s.type("exit\n");
  EXPECT_EQ(s.wait_exit(seconds(10)), 0) << s.output();
}

TEST(RunJobControl, JobControlWorksInAShellInsideTheSandbox) {
  PtySession s({"/bin/bash", "--norc", "--noprofile", "-i"}, make_temp_dir(), pty_env());
  ASSERT_TRUE(s.wait_for("P$ ", seconds(10))) << s.output();
  settle();
  s.type(sbx_binary() + " run -- bash --norc --noprofile -i\n");
  ASSERT_TRUE(s.wait_for("bash-", seconds(10))) << s.output();  // the inner shell's prompt (PS1 is not kept)
  settle();
  size_t mark = s.output().size();
  s.type("sleep 30\n");
  settle();
  s.type("\x1a");
  ASSERT_TRUE(s.wait_for("Stopped", seconds(10), mark)) << s.output();
  mark = s.output().size();
  s.type("bg\n");
  s.type("jobs\n");
  ASSERT_TRUE(s.wait_for("Running", seconds(10), mark)) << s.output();
  mark = s.output().size();
  s.type("fg\n");
  ASSERT_TRUE(s.wait_for("sleep 30", seconds(10), mark)) << s.output();
  settle();
  s.type("\x03");
  s.type("echo inner-$?; exit 7\n");
  ASSERT_TRUE(s.wait_for("inner-130", seconds(10), mark)) << s.output();
  mark = s.output().size();
  s.type("echo outer-rc=$?\n");
  EXPECT_TRUE(s.wait_for("outer-rc=7", seconds(10), mark)) << s.output();
  s.type("exit\n");
  EXPECT_EQ(s.wait_exit(seconds(10)), 0) << s.output();
}

}  // namespace sbx::test
