// Interactive use on a real pseudo-terminal: Ctrl-C interrupts the workload (once:
// sbx does not forward the terminal's SIGINT a second time), and sbx exits 130.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness.hpp"
#include "pty.hpp"

namespace sbx::test {

namespace {

// `sbx ARGS...` on a fresh pty in `cwd`, with a small environment.
std::vector<std::string> sbx_argv(std::vector<std::string> args) {
  args.insert(args.begin(), sbx_binary());
  return args;
}
const std::vector<std::string> kEnv = {"PATH=/usr/bin:/bin", "TERM=dumb", "HOME=/nonexistent"};
constexpr std::chrono::seconds kExit{10};

}  // namespace

TEST(RunTerminal, CtrlCInterruptsTheWorkloadOnceAndSbxExits130) {
  std::string dir = make_temp_dir();
  // The workload counts SIGINTs for a moment, then dies of the last one.
  PtySession r(sbx_argv({"run", "--", "python3", "-c",
                           "import signal,time,os\n"
                           "n=[0]\n"
                           "def h(s,f): n[0]+=1\n"
                           "signal.signal(signal.SIGINT,h)\n"
                           "print('ready',flush=True)\n"
                           "while n[0]==0: time.sleep(0.01)\n"
                           "time.sleep(0.5)\n"
                           "print('sigints',n[0],flush=True)\n"
                           "signal.signal(signal.SIGINT,signal.SIG_DFL); os.kill(os.getpid(),signal.SIGINT)\n"}),
               dir, kEnv);
  ASSERT_TRUE(r.wait_for("ready", std::chrono::seconds(10))) << r.output();
  r.type("\x03");  // Ctrl-C, as typed
  EXPECT_TRUE(r.wait_for("sigints", std::chrono::seconds(10))) << r.output();
  EXPECT_NE(r.output().find("sigints 1"), std::string::npos) << r.output();
  EXPECT_EQ(r.wait_exit(kExit), 130);
}

TEST(RunTerminal, TheWorkloadReadsTheTerminal) {
  std::string dir = make_temp_dir();
  PtySession r(sbx_argv({"run", "--", "sh", "-c", "echo ask; read x; echo got-$x"}), dir, kEnv);
  ASSERT_TRUE(r.wait_for("ask", std::chrono::seconds(10))) << r.output();
  r.type("yes\n");
  EXPECT_TRUE(r.wait_for("got-yes", std::chrono::seconds(10))) << r.output();
  EXPECT_EQ(r.wait_exit(kExit), 0);
}

// `tty` (ttyname) names the terminal in an interactive run: the caller's terminal is
// bound at /dev/console, since the sandbox's /dev/pts is a new instance without it.
// Naming it grants nothing: TIOCSTI on it is still refused.
TEST(RunTerminal, TtyNamesTheTerminal) {
  std::string dir = make_temp_dir();
  PtySession r(sbx_argv({"run", "--", "sh", "-c",
                           "tty; test -t 0 && echo stdin-is-a-tty; "
                           "python3 -c 'import fcntl,termios\n"
                           "try: fcntl.ioctl(0, termios.TIOCSTI, b\"x\"); print(\"tiocsti-allowed\")\n"
                           "except OSError as e: print(\"tiocsti-refused\", e.errno)'; echo done"}),
               dir, kEnv);
  EXPECT_TRUE(r.wait_for("done", std::chrono::seconds(10))) << r.output();
  EXPECT_NE(r.output().find("/dev/console"), std::string::npos) << r.output();
  EXPECT_EQ(r.output().find("not a tty"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("stdin-is-a-tty"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("tiocsti-refused 1"), std::string::npos) << r.output();
  EXPECT_EQ(r.wait_exit(kExit), 0);
}

}  // namespace sbx::test
