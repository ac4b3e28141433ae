// A program on a fresh pseudo-terminal, run as the test user: the session leader, the
// pty its controlling terminal and its stdin, stdout and stderr, as a terminal emulator
// starts a shell. The test types into it and reads what it shows.
#pragma once
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness.hpp"

namespace sbx::test {

class PtySession {
 public:
  PtySession(const std::vector<std::string>& argv, const std::string& cwd, const std::vector<std::string>& env) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) throw std::runtime_error("posix_openpt");
    std::string slave = ::ptsname(master_);
    if (running_as_root() && ::chown(slave.c_str(), test_uid(), test_gid()) != 0) throw std::runtime_error("chown pty");
    std::vector<char*> cargv, cenv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      if (::setsid() < 0) ::_exit(120);
      int s = ::open(slave.c_str(), O_RDWR);
      if (s < 0 || ::ioctl(s, TIOCSCTTY, 0) != 0) ::_exit(121);
      ::dup2(s, 0);
      ::dup2(s, 1);
      ::dup2(s, 2);
      if (s > 2) ::close(s);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      if (::chdir(cwd.c_str()) != 0) ::_exit(122);
      if (running_as_root() &&
          (::setgroups(0, nullptr) != 0 || ::setresgid(test_gid(), test_gid(), test_gid()) != 0 ||
           ::setresuid(test_uid(), test_uid(), test_uid()) != 0))
        ::_exit(123);
      ::execve(cargv[0], cargv.data(), cenv.data());
      ::_exit(127);
    }
  }
  ~PtySession() {
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  // What the terminal showed so far ("\r" dropped).
  const std::string& output() const { return output_; }
  void type(const std::string& keys) {
    if (::write(master_, keys.data(), keys.size()) != static_cast<ssize_t>(keys.size())) throw std::runtime_error("write");
  }
  // Reads until `needle` shows up after `from` (an offset in output()), or the time is up.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout, size_t from = 0) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(needle, from) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      struct pollfd p {master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) return output_.find(needle, from) != std::string::npos;  // EIO: the session is over
      for (ssize_t i = 0; i < n; ++i)
        if (buf[i] != '\r') output_ += buf[i];
    }
    return true;
  }
  // The session leader's exit status (128+signal), or -1 if it outlives `timeout`.
  int wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return status_;
      }
      wait_for("\x01never", std::chrono::milliseconds(50));  // keep draining the terminal
    }
    return -1;
  }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
  int status_ = -1;
  std::string output_;
};

}  // namespace sbx::test
