// Interactive use on a real pseudo-terminal: Ctrl-C interrupts the workload (once:
// sbx does not forward the terminal's SIGINT a second time), and sbx exits 130.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "harness.hpp"

namespace sbx::test {

namespace {

struct PtyRun {
  pid_t pid = -1;
  int master = -1;
  std::string output;

  // Reads until `needle` shows up or the deadline passes.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      struct pollfd p {master, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) return output.find(needle) != std::string::npos;
      output.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
};

PtyRun start_on_pty(const std::vector<std::string>& args, const std::string& cwd) {
  PtyRun r;
  r.master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ::grantpt(r.master);
  ::unlockpt(r.master);
  std::string slave = ::ptsname(r.master);
  std::vector<std::string> argv = {sbx_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  r.pid = ::fork();
  if (r.pid == 0) {
    ::setsid();
    if (running_as_root()) ::chown(slave.c_str(), test_uid(), test_gid());
    int s = ::open(slave.c_str(), O_RDWR);  // becomes the controlling terminal
    ::dup2(s, 0);
    ::dup2(s, 1);
    ::dup2(s, 2);
    if (s > 2) ::close(s);
    if (::chdir(cwd.c_str()) != 0) ::_exit(120);
    if (running_as_root() && (::setgroups(0, nullptr) || ::setresgid(65534, 65534, 65534) ||
                              ::setresuid(65534, 65534, 65534)))
      ::_exit(121);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const char* env[] = {"PATH=/usr/bin:/bin", "TERM=dumb", "HOME=/nonexistent", nullptr};
    ::execve(cargv[0], cargv.data(), const_cast<char**>(env));
    ::_exit(127);
  }
  return r;
}

int wait_exit(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ::usleep(100000);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

}  // namespace

TEST(RunTerminal, CtrlCInterruptsTheWorkloadOnceAndSbxExits130) {
  std::string dir = make_temp_dir();
  // The workload counts SIGINTs for a moment, then dies of the last one.
  PtyRun r = start_on_pty({"run", "--", "python3", "-c",
                           "import signal,time,os\n"
                           "n=[0]\n"
                           "def h(s,f): n[0]+=1\n"
                           "signal.signal(signal.SIGINT,h)\n"
                           "print('ready',flush=True)\n"
                           "while n[0]==0: time.sleep(0.01)\n"
                           "time.sleep(0.5)\n"
                           "print('sigints',n[0],flush=True)\n"
                           "signal.signal(signal.SIGINT,signal.SIG_DFL); os.kill(os.getpid(),signal.SIGINT)\n"},
                          dir);
  ASSERT_TRUE(r.wait_for("ready", std::chrono::seconds(10))) << r.output;
  ASSERT_EQ(::write(r.master, "\x03", 1), 1);  // Ctrl-C, as typed
  EXPECT_TRUE(r.wait_for("sigints", std::chrono::seconds(10))) << r.output;
  EXPECT_NE(r.output.find("sigints 1"), std::string::npos) << r.output;
  EXPECT_EQ(wait_exit(r.pid), 130);
  ::close(r.master);
}

TEST(RunTerminal, TheWorkloadReadsTheTerminal) {
  std::string dir = make_temp_dir();
  PtyRun r = start_on_pty({"run", "--", "sh", "-c", "echo ask; read x; echo got-$x"}, dir);
  ASSERT_TRUE(r.wait_for("ask", std::chrono::seconds(10))) << r.output;
  ASSERT_EQ(::write(r.master, "yes\n", 4), 4);
  EXPECT_TRUE(r.wait_for("got-yes", std::chrono::seconds(10))) << r.output;
  EXPECT_EQ(wait_exit(r.pid), 0);
  ::close(r.master);
}

// `tty` (ttyname) names the terminal in an interactive run: the caller's terminal is
// bound at /dev/console, since the sandbox's /dev/pts is a new instance without it.
// Naming it grants nothing: TIOCSTI on it is still refused.
TEST(RunTerminal, TtyNamesTheTerminal) {
  std::string dir = make_temp_dir();
  PtyRun r = start_on_pty({"run", "--", "sh", "-c",
                           "tty; test -t 0 && echo stdin-is-a-tty; "
                           "python3 -c 'import fcntl,termios\n"
                           "try: fcntl.ioctl(0, termios.TIOCSTI, b\"x\"); print(\"tiocsti-allowed\")\n"
                           "except OSError as e: print(\"tiocsti-refused\", e.errno)'; echo done"},
                          dir);
  EXPECT_TRUE(r.wait_for("done", std::chrono::seconds(10))) << r.output;
  EXPECT_NE(r.output.find("/dev/console"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("not a tty"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stdin-is-a-tty"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("tiocsti-refused 1"), std::string::npos) << r.output;
  EXPECT_EQ(wait_exit(r.pid), 0);
  ::close(r.master);
}

}  // namespace sbx::test
