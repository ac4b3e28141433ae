// Terminal injection (bwrap CVE-2017-5226, CVE-2019-10063, Flatpak CVE-2023-28100): a
// workload sharing the caller's terminal must not push input into it with TIOCSTI, nor
// use TIOCLINUX, in the plain form or with the high 32 bits of the request set. The
// test gives sbx a real pseudo-terminal as its controlling terminal, stdin and stdout,
// and the probe inside attacks fd 0 and /dev/tty. The control runs the same probe
// under a profile without the seccomp filter and sees TIOCSTI succeed.
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
#include <fstream>

#include "harness.hpp"
#include "probe.hpp"

namespace sbx::test {

namespace {

// Runs argv as the test user in a new session whose controlling terminal is a fresh
// pty (stdin and stdout); returns what the terminal showed, and stderr.
Result run_on_pty(const std::vector<std::string>& argv, const std::string& cwd) {
  Result r;
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) throw std::runtime_error("posix_openpt");
  std::string slave = ::ptsname(master);
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  std::string home = make_temp_dir("home");
  std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home, "USER=nobody", "TERM=dumb",
                                  "LANG=C.UTF-8"};
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    if (::setsid() < 0) ::_exit(120);
    int s = ::open(slave.c_str(), O_RDWR);  // the session leader's first tty: its ctty
    if (s < 0 || ::ioctl(s, TIOCSCTTY, 0) != 0) ::_exit(121);
    ::dup2(s, 0);
    ::dup2(s, 1);
    ::dup2(err_pipe[1], 2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::chdir(cwd.c_str()) != 0) ::_exit(122);
    if (running_as_root() &&
        (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0))
      ::_exit(123);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  struct pollfd p[2] = {{master, POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_count = 2;
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    if (::poll(p, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !p[i].revents) continue;
      char buf[4096];
      ssize_t n = ::read(p[i].fd, buf, sizeof buf);
      if (n <= 0) {  // EIO on the master: every slave fd is closed
        p[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  ::close(err_pipe[0]);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  // The terminal turns "\n" into "\r\n".
  std::string clean;
  for (char c : r.out)
    if (c != '\r') clean += c;
  r.out = clean;
  return r;
}

bool legacy_tiocsti_enabled() {
  std::ifstream f("/proc/sys/dev/tty/legacy_tiocsti");
  int v = 1;  // absent (kernels before 6.2): TIOCSTI always works
  f >> v;
  return v != 0;
}

const char* kIoctls[] = {"tiocsti_fd0",     "tiocsti_hi_fd0",     "tioclinux_fd0",     "tioclinux_hi_fd0",
                         "tiocsti_devtty", "tiocsti_hi_devtty", "tioclinux_devtty", "tioclinux_hi_devtty"};

TEST(EscapeTerminal, TiocstiAndTioclinuxAreRefusedOnASharedTerminal) {
  std::string dir = make_temp_dir();
  std::string bin = probe::install(dir);
  Result r = run_on_pty({sbx_binary(), "run", "--", bin, "--sbx-probe", "tty"}, dir);
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  // The attack is real: the workload has the terminal on fd 0 and as /dev/tty.
  ASSERT_EQ(probe::value(r.out, "isatty0"), "yes") << r.out;
  ASSERT_EQ(probe::value(r.out, "devtty"), "ok") << r.out;
  ASSERT_EQ(probe::value(r.out, "ctty_is_fd0"), "yes") << r.out;
  for (const char* k : kIoctls) EXPECT_EQ(probe::value(r.out, k), "EPERM") << k << "\n" << r.out;
}

TEST(EscapeTerminal, ControlTiocstiWorksWithoutTheFilter) {
  if (!legacy_tiocsti_enabled()) GTEST_SKIP() << "dev.tty.legacy_tiocsti=0: the kernel itself refuses TIOCSTI";
  std::string dir = make_temp_dir();
  std::string bin = probe::install(dir);
  std::string profile = probe::write_unfiltered_profile(dir);
  Result r = run_on_pty({sbx_binary(), "run", profile, "--", bin, "--sbx-probe", "tty"}, dir);
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(probe::value(r.out, "tiocsti_fd0"), "ok") << r.out;
  EXPECT_EQ(probe::value(r.out, "tiocsti_hi_fd0"), "ok") << r.out;  // the kernel truncates to 32 bits
  EXPECT_EQ(probe::value(r.out, "tiocsti_devtty"), "ok") << r.out;
  EXPECT_NE(probe::value(r.out, "tioclinux_fd0"), "EPERM") << r.out;  // not a VT: EINVAL/ENOTTY
}

}  // namespace
}  // namespace sbx::test
