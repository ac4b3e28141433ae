// What a build may take from the machine and the user who runs it, in the default
// profile: tmpfs sizes (tmpfs pages belong to no process: the OOM killer would pick the
// host's), processes (every task in the sandbox takes one of the host's pids), and the
// per-user kernel counters (inotify instances: 128 per user by default). Each test does
// the harm as the unprivileged user and checks from the host that it stayed inside.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "harness.hpp"

namespace sbx::test {

namespace {

uint64_t mem_total_kib() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  uint64_t v = 0;
  while (f >> key >> v) {
    if (key == "MemTotal:") return v;
    f.ignore(64, '\n');
  }
  return 0;
}

// The sandbox, started by a shell script as the test user, holds what it took while the
// same script (on the host, the same user) tries to get its own.
Result while_the_sandbox_holds(const std::string& dir, const std::string& sandbox_py, const std::string& host) {
  write_file(dir + "/sandbox.py", sandbox_py);
  std::string script = sbx_binary() +
                       " run -- python3 sandbox.py > sandbox.out 2>&1 &\n"
                       "i=0; while ! grep -q holding sandbox.out 2>/dev/null; do\n"
                       "  sleep 0.1; i=$((i+1)); [ $i -gt 600 ] && break\n"
                       "done\n" +
                       host +
                       "\n"
                       "wait\n"
                       "cat sandbox.out\n";
  RunOptions o;
  o.cwd = dir;
  o.timeout = std::chrono::seconds(120);
  return run({"/bin/sh", "-c", script}, o);
}

}  // namespace

TEST(RunHostLimits, EveryTmpfsHasASizeAndTheyAddUpToAtMostHalfTheRam) {
  Result r = sbx_sh("cat /proc/self/mountinfo");
  ASSERT_EQ(r.status, 0) << r.err;
  uint64_t sum_kib = 0;
  int count = 0;
  std::set<std::string> devices;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto dash = line.find(" - tmpfs ");
    if (dash == std::string::npos) continue;
    std::string mount_point = line.substr(0, dash);
    bool read_only = line.find(" ro,") != std::string::npos && line.find(" ro,") < dash;
    auto size = line.find("size=", dash);
    ASSERT_NE(size, std::string::npos) << "a tmpfs without a size: " << line;
    uint64_t kib = std::stoull(line.substr(size + 5));
    // Each filesystem once: a read-only directory leading to the project is a recursive
    // clone over itself, so the tmpfs mounts below it appear twice (field 3: its device).
    std::istringstream fields(line);
    std::string id, parent, device;
    fields >> id >> parent >> device;
    if (!devices.insert(device).second) continue;
    if (!read_only) {  // (a read-only tmpfs cannot be filled: the masked paths, the root)
      sum_kib += kib;
      ++count;
    }
  }
  EXPECT_GE(count, 6) << r.out;  // $HOME, /tmp, /var/tmp, /run, /dev, /dev/shm
  EXPECT_LE(sum_kib, mem_total_kib() / 2) << r.out;
}

TEST(RunHostLimits, ATmpfsLargerThanTheRamIsRefusedWithItsPosition) {
  std::string dir = make_temp_dir();
  uint64_t gib = mem_total_kib() / (1024 * 1024) + 2;
  write_file(dir + "/big.toml", "extends = \"default\"\n[filesystem]\ntmpfs = [\"/scratch:size=" +
                                    std::to_string(gib) + "G\"]\n");
  RunOptions o;
  o.cwd = dir;
  Result r = sbx({"run", dir + "/big.toml", "--", "true"}, o);
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("big.toml:3:10: [filesystem] tmpfs: tmpfs size " + std::to_string(gib) +
                       "G is more than the machine's RAM"),
            std::string::npos)
      << r.err;
}

TEST(RunHostLimits, AForkBombIsContainedAndTheHostUserCanStillFork) {
  std::string dir = make_temp_dir();
  Result r = while_the_sandbox_holds(dir,
                                     "import os, time\n"
                                     "n = 0\n"
                                     "try:\n"
                                     "    while True:\n"
                                     "        if os.fork() == 0:\n"
                                     "            time.sleep(30)\n"
                                     "            os._exit(0)\n"
                                     "        n += 1\n"
                                     "except OSError as e:\n"
                                     "    print('holding', n, e.errno, flush=True)\n"
                                     "time.sleep(3)\n",
                                     "/bin/true && echo host-forked\n"
                                     "python3 -c 'import os; p = os.fork(); os._exit(0) if p == 0 else "
                                     "os.waitpid(p, 0); print(\"host-forked-again\")'");
  EXPECT_NE(r.out.find("host-forked\n"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("host-forked-again"), std::string::npos) << r.out << r.err;
  auto at = r.out.find("holding ");
  ASSERT_NE(at, std::string::npos) << r.out << r.err;
  int forked = 0, err = 0;
  std::istringstream(r.out.substr(at + 8)) >> forked >> err;
  EXPECT_EQ(err, 11) << "EAGAIN: the cap, not memory, ended it: " << r.out;
  EXPECT_LE(forked, 4096) << r.out;
  EXPECT_GE(forked, 1000) << r.out;  // a build still gets plenty
}

TEST(RunHostLimits, TheHostUserCanMakeAnInotifyInstanceWhileTheSandboxExhaustsItsOwn) {
  std::string dir = make_temp_dir();
  const std::string inotify = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n";
  Result r = while_the_sandbox_holds(dir,
                                     inotify +
                                         "n = 0\n"
                                         "while libc.inotify_init1(0) >= 0:\n"
                                         "    n += 1\n"
                                         "print('holding', n, ctypes.get_errno(), flush=True)\n"
                                         "import time; time.sleep(3)\n",
                                     "python3 -c '" + inotify +
                                         "fd = libc.inotify_init1(0)\n"
                                         "print(\"host-inotify\", \"ok\" if fd >= 0 else ctypes.get_errno())'");
  EXPECT_NE(r.out.find("host-inotify ok"), std::string::npos) << r.out << r.err;
  auto at = r.out.find("holding ");
  ASSERT_NE(at, std::string::npos) << r.out << r.err;
  int made = 0, err = 0;
  std::istringstream(r.out.substr(at + 8)) >> made >> err;
  EXPECT_EQ(err, 24) << "EMFILE: the sandbox's own limit ended it: " << r.out;
  std::ifstream f("/proc/sys/user/max_inotify_instances");
  int host_max = 0;
  f >> host_max;
  EXPECT_LE(made, host_max / 2) << r.out;
  EXPECT_GE(made, 1) << r.out;
}

}  // namespace sbx::test
