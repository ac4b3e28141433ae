// Load: 100 sandboxes started at once on a small machine each exit with their own
// status; a fork bomb under [limits] nproc = 64 is contained and ended by --timeout.
// Nothing is left behind either way.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "fault.hpp"
#include "harness.hpp"

namespace sbx::test::fault {


namespace {

TEST(FaultLoad, HundredSandboxesAtOnceEachExitWithTheirOwnStatus) {
  become_subreaper();
  constexpr int kCount = 100;
  std::string home = make_temp_dir("home");
  std::string dir = make_temp_dir();
  std::string token = unique_token();
  HostState before = host_state(home);
  auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  for (int i = 0; i < kCount; ++i) {
    // Statuses 0..99 and, from i = 50, some above 128 (i * 5 % 256) as well.
    int code = i < 50 ? i : (i * 5) % 256;
    pids.push_back(spawn({{sbx_binary(), "run", "--", "/bin/sh", "-c", "exit " + std::to_string(code), token},
                          dir, home, false, dir + "/out-" + std::to_string(i)}));
  }
  int wrong = 0;
  for (int i = 0; i < kCount; ++i) {
    int code = i < 50 ? i : (i * 5) % 256;
    auto left = std::chrono::seconds(60) - (std::chrono::steady_clock::now() - start);
    int status = wait_for(pids[static_cast<size_t>(i)],
                          std::max(std::chrono::duration_cast<std::chrono::milliseconds>(left), std::chrono::milliseconds(1)));
    if (status != code) {
      ++wrong;
      ADD_FAILURE() << "sandbox " << i << " exited " << status << ", expected " << code << ": "
                    << read_file(dir + "/out-" + std::to_string(i));
    }
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::printf("%d sandboxes started at once finished in %lld ms\n", kCount, static_cast<long long>(took.count()));
  RecordProperty("hundred_ms", std::to_string(took.count()));
  EXPECT_EQ(wrong, 0);
  EXPECT_LT(took, std::chrono::seconds(60));
  EXPECT_TRUE(wait_gone(token, std::chrono::seconds(5)).empty());
  for (int i = 0; i < kCount; ++i) ::unlink((dir + "/out-" + std::to_string(i)).c_str());
  HostState after = host_state(home);
  // Leftovers are what is new (a concurrent test may remove its own files meanwhile).
  EXPECT_EQ(describe(before, after), "");
}

TEST(FaultLoad, ForkBombIsContainedAndEndedByTheTimeout) {
  become_subreaper();
  std::string home = make_temp_dir("home");
  std::string dir = make_temp_dir();
  write_file(dir + "/bomb.toml", "extends = \"default\"\n[limits]\nnproc = 64\n");
  std::string token = unique_token();
  HostState before = host_state(home);
  auto start = std::chrono::steady_clock::now();
  // Every process forks copies of itself forever and shrugs off failed forks (a shell
  // would give up at the first "Cannot fork"); none ever exits on its own.
  if (::access("/usr/bin/perl", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/perl for the fork bomb";
  pid_t pid = spawn({{sbx_binary(), "run", dir + "/bomb.toml", "--timeout", "3s", "--", "/usr/bin/perl", "-e",
                      "fork while 1", token},
                     dir, home, false, dir + "/out"});
  // While it rages: never more than the limit (plus a handful caught mid-fork).
  size_t peak = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500)) {
    peak = std::max(peak, processes_with(token).size());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int status = wait_for(pid, std::chrono::seconds(20));
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::printf("fork bomb: peak %zu processes, sbx returned %d after %lld ms\n", peak, status,
              static_cast<long long>(took.count()));
  EXPECT_EQ(status, 124) << read_file(dir + "/out");
  EXPECT_GE(peak, 30u) << "the bomb never went off: the test proves nothing";
  EXPECT_LE(peak, 64u + 1u + 8u);  // the workload's processes, sbx itself, a few in transit
  EXPECT_LT(took, std::chrono::seconds(15));  // 3 s, the 2 s grace, a loaded machine
  EXPECT_TRUE(wait_gone(token, std::chrono::seconds(5)).empty());
  ::unlink((dir + "/out").c_str());
  HostState after = host_state(home);
  // Leftovers are what is new (a concurrent test may remove its own files meanwhile).
  EXPECT_EQ(describe(before, after), "");
}

}  // namespace
}  // namespace sbx::test::fault
