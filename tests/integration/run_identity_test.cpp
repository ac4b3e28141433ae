// `sbx run` on the default profile, checked from inside as a user would: identity,
// id maps, capabilities, no_new_privs, hostname.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sbx::test {

TEST(RunIdentity, RunsACommandAndReturnsItsOutput) {
  Result r = sbx_sh("echo hello");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hello\n");
}

TEST(RunIdentity, UidAndGidMapsMapTheCallerToItself) {
  Result r = sbx_sh("cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string u = std::to_string(test_uid()), g = std::to_string(test_gid());
  EXPECT_NE(r.out.find(u), std::string::npos) << r.out;
  // Each map holds exactly one line "ID ID 1".
  std::string expected_uid_line = std::string(10 - u.size(), ' ') + u + std::string(11 - u.size(), ' ') + u +
                                  "          1\n";
  EXPECT_EQ(r.out.substr(0, expected_uid_line.size()), expected_uid_line) << r.out;
  EXPECT_NE(r.out.find("deny\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n" + u + "\n" + g + "\n"), std::string::npos) << r.out;
}

TEST(RunIdentity, NoCapabilitiesInAnySetAndNoNewPrivs) {
  Result r = sbx_sh("grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    EXPECT_NE(r.out.find(std::string(set) + ":\t0000000000000000"), std::string::npos) << set << "\n" << r.out;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1"), std::string::npos) << r.out;
}

TEST(RunIdentity, InitHoldsNoCapabilitiesEither) {
  Result r = sbx_sh("grep -E '^(Name|CapEff|CapBnd|CapPrm)' /proc/1/status");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("CapEff:\t0000000000000000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapBnd:\t0000000000000000"), std::string::npos) << r.out;
}

TEST(RunIdentity, HostnameComesFromTheProfileOrTheCommandLine) {
  EXPECT_EQ(sbx_sh("hostname").out, "sbx\n");
  EXPECT_EQ(sbx_sh("hostname", {"--hostname", "builder"}).out, "builder\n");
}

TEST(RunIdentity, WorkloadIsNotPidOneAndSeesOnlyTheSandboxProcesses) {
  Result r = sbx_sh("echo $$; ls -d /proc/[0-9]* | wc -l");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 2), "2\n") << r.out;
  // init, the shell, ls (and the shell's pipe partner) at most
  int n = std::stoi(r.out.substr(2));
  EXPECT_LE(n, 4) << r.out;
}

}  // namespace sbx::test
