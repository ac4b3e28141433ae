// SIGKILL to sbx at random moments during startup (before, during and after clone, the
// id maps, the root's construction, the exec): afterwards no process of the sandbox is
// left, the host's mount table is unchanged and no file appeared in /tmp, /var/tmp,
// /dev/shm, /run/user/UID or $HOME. The seed is printed; SBX_FAULT_SEED replays a run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "fault.hpp"
#include "harness.hpp"

namespace sbx::test::fault {


namespace {

TEST(FaultKillStartup, SigkillAtRandomMomentsLeavesNothingBehind) {
  become_subreaper();
  unsigned seed = std::getenv("SBX_FAULT_SEED") ? static_cast<unsigned>(std::atoi(std::getenv("SBX_FAULT_SEED")))
                                                : std::random_device{}();
  RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE("SBX_FAULT_SEED=" + std::to_string(seed));
  std::mt19937 rng(seed);

  std::string home = make_temp_dir("home");
  std::string dir = make_temp_dir();
  // How long a whole run takes here, for the record.
  auto t0 = std::chrono::steady_clock::now();
  pid_t probe = spawn({{sbx_binary(), "run", "--", "true"}, dir, home, false, ""});
  ASSERT_EQ(wait_for(probe, std::chrono::seconds(30)), 0);
  auto startup = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  RecordProperty("full_run_us", std::to_string(startup.count()));
  std::printf("a full `sbx run -- true` takes %lld us here\n", static_cast<long long>(startup.count()));
  // Kill anywhere from before exec to past the workload's start: 0-20 ms, or up to
  // the whole run on a slower build (ASan) or machine.
  std::uniform_int_distribution<long> delay_us(0, std::max<long>(20000, static_cast<long>(startup.count()) * 6 / 5));

  HostState before = host_state(home);
  int survived = 0;
  for (int i = 0; i < 30; ++i) {
    std::string token = unique_token();
    long us = delay_us(rng);
    SCOPED_TRACE("iteration " + std::to_string(i) + ", SIGKILL after " + std::to_string(us) + " us");
    pid_t pid = spawn({{sbx_binary(), "run", "--", "/bin/sh", "-c", "sleep 30", token}, dir, home, false, ""});
    std::this_thread::sleep_for(std::chrono::microseconds(us));
    ::kill(pid, SIGKILL);
    EXPECT_EQ(wait_for(pid, std::chrono::seconds(10)), 128 + SIGKILL);  // the workload never ends by itself
    auto left = wait_gone(token, std::chrono::seconds(5));
    if (!left.empty()) {
      std::string what;
      for (pid_t p : left) {
        std::string st = read_file("/proc/" + std::to_string(p) + "/status");
        what += "pid " + std::to_string(p) + ": " + st.substr(0, st.find("\nUmask")) + "\n" +
                st.substr(st.find("\nState"), st.find("\nTgid") - st.find("\nState")) +
                st.substr(st.find("\nPPid"), st.find("\nTracerPid") - st.find("\nPPid")) + "\n";
      }
      ++survived;
      ADD_FAILURE() << left.size() << " process(es) of the sandbox survived sbx by 5 s:\n" << what;
      std::printf("iteration %d: %zu process(es) of the sandbox survived sbx by 5 s:\n%s", i, left.size(),
                  what.c_str());
      for (pid_t p : left) ::kill(p, SIGKILL);
    }
  }
  wait_gone("sbx-fault-never-there", std::chrono::milliseconds(0));  // reap
  HostState after = host_state(home);
  // Leftovers are what is new (a concurrent test may remove its own files meanwhile).
  EXPECT_EQ(describe(before, after), "");
  std::printf("killed sbx 30 times at random moments, %d sandbox(es) outlived it\n", survived);
  // sbx_main closes the race where sbx dies between sending "go" and PR_SET_PDEATHSIG
  // taking effect (it checks the channel for a hang-up): no survivor is acceptable.
  EXPECT_EQ(survived, 0) << survived << " of 30 sandboxes outlived their killed sbx";
}

}  // namespace
}  // namespace sbx::test::fault
