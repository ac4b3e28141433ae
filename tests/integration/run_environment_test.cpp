// The workload's environment: cleared except a short list, so CI secrets stay out.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sbx::test {

TEST(RunEnvironment, SecretsInTheCallersEnvironmentDoNotLeak) {
  RunOptions o;
  o.env = {"AWS_SECRET_ACCESS_KEY=hunter2", "GITHUB_TOKEN=ghp_x", "TERM=xterm", "LC_ALL=C.UTF-8", "TZ=UTC"};
  Result r = sbx_sh("env | sort", {}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("hunter2"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("GITHUB_TOKEN"), std::string::npos) << r.out;
  for (const char* kept : {"PATH=", "HOME=", "USER=", "TERM=xterm", "LANG=", "LC_ALL=C.UTF-8", "TZ=UTC"})
    EXPECT_NE(r.out.find(kept), std::string::npos) << kept << "\n" << r.out;
}

TEST(RunEnvironment, EnvAndKeepEnvOverrides) {
  RunOptions o;
  o.env = {"MY_VAR=from-host"};
  Result r = sbx_sh("echo $CI $MY_VAR $DOLLAR", {"--env", "CI=1", "--keep-env", "MY_VAR", "--env", "DOLLAR=$5"}, o);
  EXPECT_EQ(r.out, "1 from-host $5\n") << r.err;
}

TEST(RunEnvironment, MalformedEnvOverrideIs125) {
  Result r = sbx_sh("true", {"--env", "NOEQUALS"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("--env expects NAME=VALUE"), std::string::npos) << r.err;
}

}  // namespace sbx::test
