// Processes: the host's are invisible and unkillable; nothing outlives the workload;
// the sandbox dies with sbx; fds; signals are forwarded.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.hpp"

namespace sbx::test {

namespace {
// Pids of processes whose cmdline contains `needle` (the host's view).
std::vector<pid_t> find_processes(const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream f(e.path() / "cmdline");
    std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    for (auto& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(needle) != std::string::npos) out.push_back(std::stoi(name));
  }
  return out;
}
}  // namespace

TEST(RunProcesses, HostProcessesAreInvisibleAndUnkillable) {
  pid_t me = ::getpid();
  Result r = sbx_sh("ls /proc | grep -c '^[0-9]' ; kill -0 " + std::to_string(me) + " 2>&1 && echo KILLABLE; true");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("KILLABLE"), std::string::npos) << r.out;
  EXPECT_LE(std::stoi(r.out), 4) << r.out;
}

TEST(RunProcesses, BackgroundProcessesDieWithTheWorkloadAndSbxReturnsPromptly) {
  std::string tag = "sbx-bg-marker-" + std::to_string(::getpid());
  auto start = std::chrono::steady_clock::now();
  // A plain background job and a daemonised one (new session, reparented to init).
  Result r = sbx_sh("sh -c 'sleep 300; : " + tag + "' & (setsid sh -c 'sleep 301; : " + tag +
                    "' &); sleep 0.2; ps -eo args | grep -c '^sh -c sleep 30[01]; : " + tag + "' || true; echo started");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "2\nstarted\n") << "both background jobs must have been running inside";
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(find_processes(tag).empty());
}

TEST(RunProcesses, SandboxDiesWhenSbxIsKilled) {
  std::string tag = "sbx-orphan-marker-" + std::to_string(::getpid());
  std::string dir = make_temp_dir();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    RunOptions o;
    o.cwd = dir;
    o.timeout = std::chrono::seconds(30);
    Result r = sbx_sh("touch started; exec sh -c 'sleep 300; : " + tag + "'", {}, o);
    ::_exit(r.status);
  }
  // Wait for the workload to start, then SIGKILL sbx itself (not the process group).
  for (int i = 0; i < 200 && find_processes(tag).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_FALSE(find_processes(tag).empty());
  bool killed = false;
  for (pid_t p : find_processes("touch started; exec sh -c 'sleep 300; : " + tag)) {
    std::ifstream f("/proc/" + std::to_string(p) + "/comm");
    std::string comm;
    f >> comm;
    if (comm == "sbx") {
      // The supervisor is the sbx whose parent is not sbx.
      std::ifstream st("/proc/" + std::to_string(p) + "/stat");
      std::string s((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
      pid_t ppid = std::stoi(s.substr(s.rfind(')') + 4));
      std::ifstream pc("/proc/" + std::to_string(ppid) + "/comm");
      std::string pcomm;
      pc >> pcomm;
      if (pcomm != "sbx") {
        ::kill(p, SIGKILL);
        killed = true;
      }
    }
  }
  ASSERT_TRUE(killed);
  for (int i = 0; i < 200 && !find_processes(tag).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_TRUE(find_processes(tag).empty()) << "the workload outlived sbx";
  int status;
  ::waitpid(child, &status, 0);
}

TEST(RunProcesses, OnlyStandardFdsAreOpenInsideEvenWhenTheCallerHadMore) {
  int leaked = ::open("/", O_RDONLY | O_DIRECTORY);  // no O_CLOEXEC: inherited by sbx
  int leaked2 = ::open("/etc/hostname", O_RDONLY);
  ASSERT_GE(leaked, 3);
  RunOptions o;
  o.inherit_fds = {leaked, leaked2};
  Result r = sbx_sh("ls /proc/self/fd | sort -n | tr '\\n' ' '", {}, o);
  ::close(leaked);
  ::close(leaked2);
  ASSERT_EQ(r.status, 0) << r.err;
  // 0 1 2, and 3 for ls's own directory fd.
  EXPECT_EQ(r.out, "0 1 2 3 ") << r.out;
}

TEST(RunProcesses, SigtermToSbxIsForwardedToTheWorkload) {
  std::string dir = make_temp_dir();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    RunOptions o;
    o.cwd = dir;
    Result r = sbx_sh("trap 'echo got-term > term.txt; exit 7' TERM; touch ready; while :; do sleep 0.1; done", {}, o);
    ::_exit(r.status);
  }
  for (int i = 0; i < 200 && ::access((dir + "/ready").c_str(), F_OK) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_EQ(::access((dir + "/ready").c_str(), F_OK), 0);
  // The test child is the harness; the sbx it started is its child: signal that sbx.
  pid_t sbx_pid = -1;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream st(e.path() / "stat");
    std::string s((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
    if (s.empty()) continue;
    pid_t ppid = std::stoi(s.substr(s.rfind(')') + 4));
    if (ppid == child) sbx_pid = std::stoi(name);
  }
  ASSERT_GT(sbx_pid, 0);
  ::kill(sbx_pid, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 7);
  EXPECT_EQ(read_file(dir + "/term.txt"), "got-term\n");
}

}  // namespace sbx::test
