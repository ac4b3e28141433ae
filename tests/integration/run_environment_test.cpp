// The workload's environment: cleared except a short list, so CI secrets stay out.
#include <gtest/gtest.h>

#include <algorithm>

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

// The locale variables are kept by name: a pattern like LC_* would pass LC_DEPLOY_TOKEN.
TEST(RunEnvironment, OnlyTheRealLocaleVariablesPass) {
  RunOptions o;
  o.env = {"LC_DEPLOY_TOKEN=s3cr3t", "LC_CTYPE=C.UTF-8", "LANGUAGE=en", "LC_TELEPHONE=C"};
  Result r = sbx_sh("env | sort", {}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("s3cr3t"), std::string::npos) << r.out;
  for (const char* kept : {"LC_CTYPE=C.UTF-8", "LANGUAGE=en", "LC_TELEPHONE=C"})
    EXPECT_NE(r.out.find(kept), std::string::npos) << kept << "\n" << r.out;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(RunEnvironment, KeepingASecretLookingVariableWarnsOnceNamingWhatPassed) {
  RunOptions o;
  o.env = {"GITHUB_TOKEN=ghp_x", "GITHUB_SHA=abc", "GITHUB_APP_PRIVATE_KEY=k", "AWS_SECRET_ACCESS_KEY=hunter2"};
  Result r = sbx_sh("echo $GITHUB_SHA", {"--keep-env", "GITHUB_*"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "abc\n");
  EXPECT_NE(r.err.find("sbx: warning: [process.env] keeps variables that look like secrets, and passes them into the "
                       "sandbox: GITHUB_APP_PRIVATE_KEY, GITHUB_TOKEN"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << "not kept, not named: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // --keep-env '*' passes everything: the warning names the AWS key too.
  r = sbx_sh("true", {"--keep-env", "*"}, o);
  EXPECT_NE(r.err.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << r.err;
}

}  // namespace sbx::test
