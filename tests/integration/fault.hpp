// Helpers shared by the fault and escape tests (defined in fault_leftovers_test.cpp):
// spawning sbx as the test user, finding a sandbox's processes by a unique token, and
// snapshots of what a run could leave behind on the host.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace sbx::test::fault {

std::string unique_token();
std::vector<pid_t> processes_with(const std::string& token);
std::vector<pid_t> wait_gone(const std::string& token, std::chrono::milliseconds limit);
void become_subreaper();
struct HostState {
  std::string mountinfo;
  std::set<std::string> files;
};
HostState host_state(const std::string& home);
std::string describe(const HostState& before, const HostState& after);
struct Spawn {
  std::vector<std::string> argv;
  std::string cwd;
  std::string home;
  bool close_stdio = false;  // start with 0, 1 and 2 closed
  std::string output;        // stdout+stderr to this file (default /dev/null)
};
pid_t spawn(const Spawn& s);
int wait_for(pid_t pid, std::chrono::milliseconds limit);

}  // namespace sbx::test::fault
