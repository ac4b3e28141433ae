// launch/prestart.hpp: `sbx run` starts the sandbox's first process, and its namespaces,
// before the profile is parsed, and takes it only if the Spec asks for exactly those
// namespaces. Whatever happens to the guess, nothing of it may outlive sbx.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace sbx::test {
namespace {

// The pids of processes whose working directory is `dir`: a sandbox started in `dir`
// inherited it (an abandoned early child would still have it).
std::vector<int> processes_in(const std::string& dir) {
  std::vector<int> out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (struct dirent* e = ::readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    char link[64], target[PATH_MAX];
    std::snprintf(link, sizeof link, "/proc/%ld/cwd", pid);
    ssize_t n = ::readlink(link, target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (dir == target) out.push_back(static_cast<int>(pid));
  }
  ::closedir(d);
  return out;
}

TEST(RunPrestart, TheDefaultProfileTakesTheEarlyStartedSandbox) {
  Result r = sbx_sh("cat /proc/self/uid_map; hostname", {"-v"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("(started while the profile was parsed)"), std::string::npos) << r.err;
  // Same sandbox as ever: the caller's uid mapped, the profile's hostname.
  std::string uid = std::to_string(test_uid());
  EXPECT_NE(r.out.find(uid), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sbx\n"), std::string::npos) << r.out;
}

TEST(RunPrestart, EveryNamespaceIsNewWhenPrestarted) {
  // The namespaces made by unshare in the early child, not by clone, must be as new.
  std::string script;
  for (const char* ns : {"user", "pid", "mnt", "net", "ipc", "uts", "cgroup"})
    script += std::string("readlink /proc/self/ns/") + ns + "; ";
  Result in = sbx_sh(script, {"-v"});
  ASSERT_EQ(in.status, 0) << in.err;
  ASSERT_NE(in.err.find("(started while the profile was parsed)"), std::string::npos) << in.err;
  Result out = run({"/bin/sh", "-c", script});
  ASSERT_EQ(out.status, 0) << out.err;
  std::istringstream a(in.out), b(out.out);
  std::string la, lb;
  int lines = 0;
  while (std::getline(a, la) && std::getline(b, lb)) {
    ++lines;
    EXPECT_NE(la, lb) << "the sandbox shares this namespace with the host";
  }
  EXPECT_EQ(lines, 7) << in.out << out.out;
}

// sbx moves the early child off its own CPU while it parses; the workload must still
// get exactly the CPUs sbx was given.
TEST(RunPrestart, TheWorkloadGetsTheCallersCpuAffinity) {
  auto cpus = [](const std::string& status) {
    auto at = status.find("Cpus_allowed_list:");
    return at == std::string::npos ? std::string("?") : status.substr(at, status.find('\n', at) - at);
  };
  Result host = run({"cat", "/proc/self/status"});
  Result in = sbx({"run", "--", "cat", "/proc/self/status"});
  ASSERT_EQ(in.status, 0) << in.err;
  EXPECT_EQ(cpus(in.out), cpus(host.out));
  if (::access("/usr/bin/taskset", X_OK) != 0) GTEST_SKIP() << "no taskset (util-linux)";
  Result pinned = run({"/usr/bin/taskset", "-c", "0", sbx_binary(), "run", "--", "cat", "/proc/self/status"});
  ASSERT_EQ(pinned.status, 0) << pinned.err;
  EXPECT_EQ(cpus(pinned.out), "Cpus_allowed_list:\t0");
}

TEST(RunPrestart, AProfileWithOtherNamespacesStartsAfreshAndLeavesNothingBehind) {
  // `network` keeps the host's network namespace: the early child (with a new one)
  // is dropped and the sandbox cloned as usual.
  std::string project = make_temp_dir();
  RunOptions o;
  o.cwd = project;
  Result r = sbx({"run", "-v", "network", "--", "sh", "-c", "readlink /proc/self/ns/net"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("(started while the profile was parsed)"), std::string::npos) << r.err;
  Result host = run({"readlink", "/proc/self/ns/net"});
  EXPECT_EQ(r.out, host.out);
  EXPECT_TRUE(processes_in(project).empty());
}

TEST(RunPrestart, AProfileThatFailsToParseLeavesNoSandboxBehind) {
  std::string project = make_temp_dir();
  write_file(project + "/bad.toml", "extends = 'default'\n[filesystem]\nrox = ['/x']\n");
  RunOptions o;
  o.cwd = project;
  for (int i = 0; i < 5; ++i) {
    Result r = sbx({"run", "./bad.toml", "--", "true"}, o);
    ASSERT_EQ(r.status, 125) << r.err;
    EXPECT_NE(r.err.find("unknown key 'rox'"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(processes_in(project).empty()) << "an early-started sandbox outlived sbx";
}

TEST(RunPrestart, ASandboxThatRanLeavesNothingBehind) {
  std::string project = make_temp_dir();
  RunOptions o;
  o.cwd = project;
  Result r = sbx({"run", "--", "true"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(processes_in(project).empty());
}

}  // namespace
}  // namespace sbx::test
