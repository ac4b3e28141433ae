// sbx itself under a parent seccomp filter that refuses clone3 (Docker's default profile
// answers ENOSYS; some older runtimes and profiles answer EPERM): sbx must fall back to
// clone(2) and the sandbox must work. The filter is installed with libseccomp in a
// forked child of the test, which then drops to the test user and execs sbx.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace sbx::test {

namespace {

// Runs `sbx ARGS` as the test user under a filter answering clone3 with `err`.
Result sbx_without_clone3(int err, const std::vector<std::string>& args) {
  std::string dir = make_temp_dir();
  std::vector<std::string> argv = {sbx_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::string path = std::string("PATH=") + "/usr/local/bin:/usr/bin:/bin";
  std::string home = "HOME=" + make_temp_dir("home");
  char* envp[] = {path.data(), home.data(), const_cast<char*>("LANG=C.UTF-8"), nullptr};

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    if (::chdir(dir.c_str()) != 0) ::_exit(120);
    if (running_as_root() &&
        (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0))
      ::_exit(121);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);  // sets no_new_privs
    if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(static_cast<uint32_t>(err)), SCMP_SYS(clone3), 0) != 0 ||
        seccomp_load(ctx) != 0)
      ::_exit(122);
    ::execve(cargv[0], cargv.data(), envp);
    ::_exit(127);
  }
  ::close(out[1]);
  Result r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    struct pollfd p {out[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    char buf[4096];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    r.out.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

void check_fallback(int err) {
  Result r = sbx_without_clone3(err, {"run", "-v", "--", "/bin/sh", "-c",
                                      "echo inside; grep -c . /proc/self/uid_map; grep Seccomp: /proc/self/status"});
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.out;
  // (stdout and stderr share one pipe: sbx's -v lines may fall between the workload's.)
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (const char* want : {"inside", "1", "Seccomp:\t2"})
    EXPECT_NE(std::find(lines.begin(), lines.end(), want), lines.end()) << want << " in:\n" << r.out;
  // -v names the call that created the sandbox: the fallback, not clone3.
  EXPECT_NE(r.out.find("sbx: clone: sandbox pid"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("clone3: sandbox pid"), std::string::npos) << r.out;
}

}  // namespace

TEST(SeccompClone3Fallback, SbxFallsBackToCloneWhenClone3IsEnosys) { check_fallback(ENOSYS); }

TEST(SeccompClone3Fallback, SbxFallsBackToCloneWhenClone3IsEperm) { check_fallback(EPERM); }

TEST(SeccompClone3Fallback, WithoutTheParentFilterSbxUsesClone3) {
  // The control: the same run, unfiltered, creates the sandbox with clone3.
  Result r = sbx({"run", "-v", "--", "/bin/true"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("sbx: clone3: sandbox pid"), std::string::npos) << r.err;
}

}  // namespace sbx::test
