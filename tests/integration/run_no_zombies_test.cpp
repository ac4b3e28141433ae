// sbx reaps everything it starts. A process that exits before its children are reaped
// leaves them to whoever adopts orphans: in a container whose pid 1 does not reap (a CI
// script as pid 1), every run would leak a pid. The test adopts them itself: a
// subreaper (PR_SET_CHILD_SUBREAPER) runs sbx 20 times, on the plain path, the
// prestarted path dropped for another profile, and error paths (a bad profile, a
// command not found, a timeout), waits for each sbx only, and then counts the zombies
// it was left with.
#include <dirent.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace sbx::test {

namespace {

// Children of `parent` that are zombies.
int zombies_of(pid_t parent) {
  int n = 0;
  DIR* d = ::opendir("/proc");
  if (!d) return -1;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent && state == 'Z') ++n;
  }
  ::closedir(d);
  return n;
}

}  // namespace

TEST(RunNoZombies, TwentyRunsLeaveNoDefunctProcess) {
  std::string dir = make_temp_dir();
  write_file(dir + "/bad.toml", "extends = \"default\"\n[filesystem]\nrox = [\"/usr\"]\n");
  std::vector<std::vector<std::string>> runs = {
      {"run", "--", "true"},
      {"run", "--", "sh", "-c", "sleep 100 & sleep 100 & exit 3"},  // init ends the others
      {"run", "network", "--", "true"},                              // the prestarted child is dropped
      {"run", dir + "/bad.toml", "--", "true"},                      // a profile error, prestart under way
      {"run", "--", "no-such-command-anywhere"},
      {"run", "--timeout", "200ms", "--", "sleep", "5"},
      {"run", "--json-status", dir + "/status.json", "--", "true"},
  };
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t reaper = ::fork();
  ASSERT_GE(reaper, 0);
  if (reaper == 0) {
    ::close(pipefd[0]);
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) ::_exit(100);
    if (running_as_root() && (::setgroups(0, nullptr) != 0 || ::setresgid(test_gid(), test_gid(), test_gid()) != 0 ||
                              ::setresuid(test_uid(), test_uid(), test_uid()) != 0))
      ::_exit(101);
    if (::chdir(dir.c_str()) != 0) ::_exit(102);
    std::string statuses;
    for (int i = 0; i < 20; ++i) {
      const auto& args = runs[static_cast<size_t>(i) % runs.size()];
      pid_t pid = ::fork();
      if (pid < 0) ::_exit(103);
      if (pid == 0) {
        std::vector<std::string> argv = {sbx_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        std::FILE* null = std::freopen("/dev/null", "w", stderr);
        (void)null;
        const char* env[] = {"PATH=/usr/bin:/bin", "HOME=/nonexistent", nullptr};
        ::execve(cargv[0], cargv.data(), const_cast<char**>(env));
        ::_exit(127);
      }
      int status = 0;
      ::waitpid(pid, &status, 0);  // that sbx only: what it leaves behind stays a zombie
      statuses += std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + " ";
    }
    ::usleep(500'000);  // a sandbox's init left behind would have exited by now
    std::string report = std::to_string(zombies_of(::getpid())) + " " + statuses;
    (void)!::write(pipefd[1], report.data(), report.size());
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::string report;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(reaper, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "subreaper status " << status;
  // The runs did what they should (so that the error paths were taken)...
  EXPECT_EQ(report.substr(report.find(' ') + 1), "0 3 0 125 127 124 0 0 3 0 125 127 124 0 0 3 0 125 127 124 ")
      << report;
  // ...and left no zombie to the process that adopted their orphans.
  EXPECT_EQ(report.substr(0, report.find(' ')), "0") << "zombies left: " << report;
}

}  // namespace sbx::test
