// The sandbox's hostname resolves inside (`getent hosts $(hostname)`, which test suites
// do), through an /etc/hosts with the host's entries and the hostname's; the host's
// /etc/hosts is untouched.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sbx::test {

TEST(RunHosts, TheHostnameResolvesInside) {
  std::string host_before = read_file("/etc/hosts");
  Result r = sbx_sh("hostname; getent hosts \"$(hostname)\" && echo resolved; getent hosts localhost >/dev/null && "
                    "echo localhost; touch /etc/hosts 2>/dev/null || echo read-only; ls -A /");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("sbx\n127.0.1.1", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("resolved\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("localhost\n"), std::string::npos) << r.out;  // the host's entries are kept
  EXPECT_NE(r.out.find("read-only\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(".sbx-hosts"), std::string::npos) << "the scratch file is gone:\n" << r.out;
  EXPECT_EQ(read_file("/etc/hosts"), host_before);
  // Another hostname, the same.
  Result other = sbx({"run", "--hostname", "builder-7", "--", "getent", "hosts", "builder-7"});
  EXPECT_EQ(other.status, 0) << other.err;
  EXPECT_EQ(other.out, "127.0.1.1       builder-7\n");
}

}  // namespace sbx::test
