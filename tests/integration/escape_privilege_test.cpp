// Capabilities and privilege: every capability set is empty on every path into the
// sandbox (default profile, host network, no pid namespace, init, grandchildren, after
// exec), and a setuid-root binary inside gains nothing (nosuid mounts, no_new_privs).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness.hpp"
#include "probe.hpp"

namespace sbx::test {

namespace {

const char* kCapGrep = "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb)' /proc/self/status";

// Every Cap* line in `out` reads zero; at least `expected_lines` of them.
void expect_zero_caps(const Result& r, size_t expected_lines, const std::string& what) {
  ASSERT_EQ(r.status, 0) << what << "\n" << r.err;
  size_t lines = 0, pos = 0;
  while ((pos = r.out.find("Cap", pos)) != std::string::npos) {
    auto tab = r.out.find('\t', pos);
    EXPECT_EQ(r.out.substr(tab + 1, 16), "0000000000000000") << what << "\n" << r.out;
    ++lines;
    pos = tab;
  }
  EXPECT_EQ(lines, expected_lines) << what << "\n" << r.out;
}

TEST(EscapePrivilege, NoCapabilityOnAnyPath) {
  std::string dir = make_temp_dir();
  write_file(dir + "/caps.sh", std::string(kCapGrep) + "\n", 0755);
  write_file(dir + "/nopid.toml", "extends = \"default\"\n[namespaces]\nipc = false\ncgroup = false\n");
  RunOptions o;
  o.cwd = dir;
  // The workload, init, a child shell, a pipeline member, a re-exec with an empty
  // environment.
  std::string all = "./caps.sh; grep -E '^Cap(Eff|Prm|Bnd)' /proc/1/status; sh ./caps.sh; ./caps.sh | cat; "
                    "env -i /bin/sh ./caps.sh";
  expect_zero_caps(sbx_sh(all, {}, o), 5 + 3 + 5 + 5 + 5, "default profile");
  expect_zero_caps(sbx_sh(all, {"--network", "host"}, o), 23, "--network host");
  // Fewer namespaces: the same.
  expect_zero_caps(sbx_sh("./caps.sh; sh ./caps.sh", {dir + "/nopid.toml"}, o), 10, "no ipc/cgroup namespaces");
}

TEST(EscapePrivilege, ExistingSetuidRootBinaryRunsAsTheCaller) {
  // su and passwd (setuid root on Debian) block on their password prompt: while they
  // wait, their ids are visible. On the host they run with euid 0; inside, /usr is
  // mounted nosuid and no_new_privs is set, so they must run as the caller.
  std::string found;
  for (const char* b : {"/usr/bin/su", "/usr/bin/passwd"}) {
    struct stat st {};
    if (::stat(b, &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0) found += std::string(" ") + b;
  }
  if (found.empty()) GTEST_SKIP() << "no setuid-root su or passwd on this host";
  std::string script = "mkfifo /tmp/f; sleep 5 > /tmp/f & for b in" + found +
                       "; do $b < /tmp/f 2>/dev/null & p=$!; sleep 0.3; grep -E '^(Name|Uid|Gid|CapEff)' "
                       "/proc/$p/status || echo \"$b exited early\"; kill $p; done";
  Result r = sbx_sh(script);
  ASSERT_EQ(r.status, 0) << r.err;
  std::string u = std::to_string(test_uid()), g = std::to_string(test_gid());
  EXPECT_EQ(r.out.find("exited early"), std::string::npos) << r.out;
  size_t seen = 0, pos = 0;
  while ((pos = r.out.find("Uid:", pos)) != std::string::npos) {
    EXPECT_EQ(r.out.substr(pos, r.out.find('\n', pos) - pos), "Uid:\t" + u + "\t" + u + "\t" + u + "\t" + u) << r.out;
    ++seen;
    ++pos;
  }
  EXPECT_EQ(seen, static_cast<size_t>(std::count(found.begin(), found.end(), ' '))) << r.out;
  EXPECT_EQ(r.out.find("CapEff:\t000001"), std::string::npos) << r.out;
}

TEST(EscapePrivilege, SetuidRootCopyInTheProjectGainsNothing) {
  if (!running_as_root()) GTEST_SKIP() << "needs root to make a setuid-root file (runs in CI)";
  std::string dir = make_temp_dir();
  std::string bin = probe::install(dir);
  ASSERT_EQ(::chown(bin.c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(bin.c_str(), 04755), 0);
  RunOptions o;
  o.cwd = dir;
  std::string u = std::to_string(test_uid());
  // Control: run directly by the test user on the host, it is root.
  Result host = run({bin, "--sbx-probe", "ids"}, o);
  ASSERT_EQ(host.status, 0) << host.err;
  ASSERT_EQ(probe::value(host.out, "uids"), u + ",0,0") << host.out;
  // In the sandbox (the project is bound read-write, nosuid): nothing.
  Result r = sbx({"run", "--", bin, "--sbx-probe", "ids"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(probe::value(r.out, "uids"), u + "," + u + "," + u) << r.out;
  EXPECT_EQ(probe::value(r.out, "CapEff"), "0000000000000000") << r.out;
  ::unlink(bin.c_str());
}

}  // namespace
}  // namespace sbx::test
