// What the fault_* tests use to prove that nothing was left behind, and the tests
// that prove the detectors detect: a process still running, a file left in /tmp or
// $HOME, a mount added to the host. Processes are found by a unique token that every
// sbx, init and workload of a test carries in its command line; files by owner (the
// test user) so that other users of a shared machine do not count.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "fault.hpp"
#include "harness.hpp"

namespace sbx::test::fault {

// A token no other process on the machine carries.
std::string unique_token() {
  static int counter = 0;
  std::random_device rd;
  return "sbx-fault-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" + std::to_string(rd());
}

// Pids of live (non-zombie) processes whose command line contains `token`.
std::vector<pid_t> processes_with(const std::string& token) {
  std::vector<pid_t> out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    pid_t pid = std::atoi(e->d_name);
    if (pid == ::getpid()) continue;
    std::string cmd = read_file(std::string("/proc/") + e->d_name + "/cmdline");
    for (auto& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(token) == std::string::npos) continue;
    std::string stat = read_file(std::string("/proc/") + e->d_name + "/stat");
    auto rp = stat.rfind(')');
    if (rp != std::string::npos && rp + 2 < stat.size() && stat[rp + 2] == 'Z') continue;
    out.push_back(pid);
  }
  ::closedir(d);
  return out;
}

// Reaps any child (this process is a subreaper, see become_subreaper) and waits up to
// `limit` for every process carrying `token` to be gone. Returns those still there.
std::vector<pid_t> wait_gone(const std::string& token, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    auto left = processes_with(token);
    if (left.empty() || std::chrono::steady_clock::now() > deadline) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Orphans (a sandbox whose sbx was killed) are reparented to this process, so that
// they can be seen and reaped.
void become_subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

// HostState (fault.hpp): the host as far as a sandbox could leave traces in it.

namespace {
void owned_entries(const std::string& dir, int depth, std::set<std::string>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == ".." || n.rfind("sbx-test-", 0) == 0) continue;
    std::string p = dir + "/" + n;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    if (st.st_uid == test_uid()) out.insert(p);
    if (depth > 1 && S_ISDIR(st.st_mode)) owned_entries(p, depth - 1, out);
  }
  ::closedir(d);
}
}  // namespace

HostState host_state(const std::string& home) {
  HostState s;
  s.mountinfo = read_file("/proc/self/mountinfo");
  for (const char* d : {"/tmp", "/var/tmp", "/dev/shm"}) owned_entries(d, 1, s.files);
  owned_entries("/run/user/" + std::to_string(test_uid()), 2, s.files);
  if (!home.empty()) owned_entries(home, 3, s.files);
  return s;
}

std::string describe(const HostState& before, const HostState& after) {
  std::string out;
  if (before.mountinfo != after.mountinfo) out += "the host's mount table changed\n";
  for (const auto& f : after.files)
    if (!before.files.count(f)) out += "new: " + f + "\n";
  return out;
}

// Starts argv as the test user (as the harness does), without waiting.
pid_t spawn(const Spawn& s) {
  std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + s.home,
                                  std::string("USER=") + (running_as_root() ? "nobody" : ::getenv("USER") ? ::getenv("USER") : ""),
                                  "LANG=C.UTF-8"};
  std::vector<char*> cargv, cenv;
  for (const auto& a : s.argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  std::string out = s.output.empty() ? "/dev/null" : s.output;
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setpgid(0, 0);
  if (s.close_stdio) {
    ::close(0);
    ::close(1);
    ::close(2);
  } else {
    int in = ::open("/dev/null", O_RDONLY);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || o < 0) ::_exit(120);
    ::dup2(in, 0);
    ::dup2(o, 1);
    ::dup2(o, 2);
    if (in > 2) ::close(in);
    if (o > 2) ::close(o);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::chdir(s.cwd.c_str()) != 0) ::_exit(121);
  if (running_as_root() &&
      (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0))
    ::_exit(122);
  ::execve(cargv[0], cargv.data(), cenv.data());
  ::_exit(127);
}

// Waits for pid up to `limit`; kills it (and its group) past that. Returns the exit
// status (128+N for a signal), or -1 on timeout.
int wait_for(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t got = ::waitpid(pid, &status, WNOHANG);
    if (got == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (got < 0) return -2;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

namespace {

TEST(FaultDetectors, ALeftoverProcessIsFound) {
  become_subreaper();
  std::string token = unique_token();
  std::string dir = make_temp_dir();
  pid_t pid = spawn({{"/bin/sh", "-c", "sleep 30; : " + token}, dir, dir, false, ""});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (processes_with(token).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Still running: wait_gone reports it.
  EXPECT_EQ(wait_gone(token, std::chrono::milliseconds(200)), std::vector<pid_t>{pid});
  ::kill(-pid, SIGKILL);
  EXPECT_TRUE(wait_gone(token, std::chrono::seconds(5)).empty());
}

TEST(FaultDetectors, AFileLeftInTmpOrHomeIsFound) {
  std::string home = make_temp_dir("home");
  HostState before = host_state(home);
  std::string dir = make_temp_dir();
  std::string f = "/tmp/sbx-fault-detector-" + std::to_string(::getpid());
  pid_t pid = spawn({{"/bin/sh", "-c", "touch " + f + " $HOME/left"}, dir, home, false, ""});
  EXPECT_EQ(wait_for(pid, std::chrono::seconds(10)), 0);
  HostState after = host_state(home);
  EXPECT_FALSE(describe(before, after).empty());
  std::string d = describe(before, after);
  EXPECT_NE(d.find("new: " + f), std::string::npos) << d;
  EXPECT_NE(d.find("new: " + home + "/left"), std::string::npos) << d;
  ::unlink(f.c_str());
}

}  // namespace
}  // namespace sbx::test::fault
