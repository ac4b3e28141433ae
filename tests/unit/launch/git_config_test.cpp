// launch/git_config.hpp: the .git/config a sandbox sees, without CI credentials.
#include "launch/git_config.hpp"

#include <gtest/gtest.h>

namespace sbx {
namespace {

TEST(GitConfig, ActionsCheckoutsExtraheaderIsRemovedAndTheRestKept) {
  std::string in =
      "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
      "[remote \"origin\"]\n\turl = https://github.com/o/r\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
      "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz\n"
      "[gc]\n\tauto = 0\n";
  std::string out = sanitize_git_config(in);
  EXPECT_EQ(out,
            "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
            "[remote \"origin\"]\n\turl = https://github.com/o/r\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
            "[http \"https://github.com/\"]\n"
            "[gc]\n\tauto = 0\n");
}

TEST(GitConfig, EverySpellingOfExtraheaderGoes) {
  EXPECT_EQ(sanitize_git_config("[HTTP]\n  ExtraHeader=X: 1\n"), "[HTTP]\n");
  EXPECT_EQ(sanitize_git_config("[http.https://x/]\nextraheader = a\n"), "[http.https://x/]\n");
  EXPECT_EQ(sanitize_git_config("[http] extraheader = secret\n[a]\nb = c\n"), "[http]\n[a]\nb = c\n");
  // A value continued on the next lines goes with its key.
  EXPECT_EQ(sanitize_git_config("[http]\nextraheader = one \\\n two \\\n three\npostBuffer = 1\n"),
            "[http]\npostBuffer = 1\n");
  // Other sections' keys of that name stay.
  EXPECT_EQ(sanitize_git_config("[other]\nextraheader = x\n"), "[other]\nextraheader = x\n");
}

TEST(GitConfig, CredentialsInUrlsGo) {
  EXPECT_EQ(sanitize_git_config("[remote \"origin\"]\n\turl = https://gitlab-ci-token:glcbt-SECRET@gitlab.com/g/p.git\n"),
            "[remote \"origin\"]\n\turl = https://gitlab.com/g/p.git\n");
  EXPECT_EQ(strip_url_credentials("https://ghp_TOKEN@github.com/o/r"), "https://github.com/o/r");
  EXPECT_EQ(strip_url_credentials("ssh://git:pw@example.com/r"), "ssh://git@example.com/r");
  EXPECT_EQ(strip_url_credentials("ssh://git@example.com/r"), "ssh://git@example.com/r");
  EXPECT_EQ(strip_url_credentials("git@github.com:o/r.git"), "git@github.com:o/r.git");
  EXPECT_EQ(strip_url_credentials("HTTPS://u:p@h/x and http://a:b@c"), "HTTPS://h/x and http://c");
  // In a section name too ([url "..."] insteadOf).
  EXPECT_EQ(sanitize_git_config("[url \"https://x-access-token:ghs_T@github.com/\"]\n\tinsteadOf = https://github.com/\n"),
            "[url \"https://github.com/\"]\n\tinsteadOf = https://github.com/\n");
}

TEST(GitConfig, AConfigWithoutSecretsIsUnchanged) {
  std::string in = "# comment\n[core]\n\tfsmonitor = false\n[user]\n\temail = a@b.c\n[alias]\n\tst = status\n";
  EXPECT_EQ(sanitize_git_config(in), in);
  EXPECT_EQ(sanitize_git_config("[core]\nbare = false"), "[core]\nbare = false");
}

TEST(GitConfigPaths, IncludesAndHooksPathAreFound) {
  auto paths = git_config_paths(
      "[core]\n\tbare = false\n\thooksPath = .husky/_\n[include]\n\tpath = ../.gitconfig\n"
      "[includeIf \"gitdir:~/w/\"]\n  PATH = \"conf/x y\"  # mine\n[remote \"o\"]\n\tpath = no\n"
      "[alias]\n\thookspath = no\n[include] path = ~/inc\n");
  ASSERT_EQ(paths.size(), 4u);
  EXPECT_EQ(paths[0].kind, GitConfigPath::kHooks);
  EXPECT_EQ(paths[0].path, ".husky/_");
  EXPECT_EQ(paths[1].kind, GitConfigPath::kInclude);
  EXPECT_EQ(paths[1].path, "../.gitconfig");
  EXPECT_EQ(paths[2].path, "conf/x y");
  EXPECT_EQ(paths[3].path, "~/inc");
  EXPECT_TRUE(git_config_paths("[core]\n\tbare = false\n").empty());
}

}  // namespace
}  // namespace sbx
