// A native addon (tests/fixtures/npm-addon: binding.gyp and a Node-API C file) built by
// node-gyp in an offline `npm install` under the npm profile: node-gyp takes Node's
// headers from npm_config_nodedir (Debian's /usr/include/node) instead of downloading
// them, which fails without a network. And the ci-build cache, ./.cache, made by sbx
// with a .gitignore of "*", stays out of `git status` and `npm pack`.
#include <gtest/gtest.h>

#include <filesystem>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

TEST(EcosystemNpmAddon, NodeGypBuildsOfflineWithTheSystemHeaders) {
  for (const char* tool : {"/usr/bin/node", "/usr/bin/npm", "/usr/bin/make", "/usr/bin/python3"})
    ASSERT_TRUE(is_executable(tool)) << tool << " is missing: run tools/install-deps.sh test";
  ASSERT_TRUE(std::filesystem::exists("/usr/include/node/node_api.h")) << "Node's headers are missing (libnode-dev)";
  std::string project = make_temp_dir(), home = make_temp_dir("home");
  copy_fixture("npm-addon", project);
  Result r = sbx({"run", "npm", "--", "/bin/sh", "-c",
                  "set -e\n"
                  "npm install --offline\n"
                  "node -e 'console.log(\"answer\", require(\".\").answer())'\n"
                  "ls -A \"$HOME\"\n"},
                 job(project, home, {}, std::chrono::seconds(180)));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("answer 42\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(".node-gyp"), std::string::npos) << "no headers downloaded:\n" << r.out;
  EXPECT_EQ(r.err.find("nodejs.org"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(project + "/build/Release/addon.node"));
}

TEST(EcosystemNpmAddon, TheCacheDirectoryIgnoresItself) {
  if (!is_executable("/usr/bin/git")) GTEST_SKIP() << "git is not installed";
  std::string project = make_temp_dir(), home = make_temp_dir("home");
  copy_fixture("npm-addon", project);
  Result init = run({"git", "init", "-q", project});
  ASSERT_EQ(init.status, 0) << init.err;
  ASSERT_FALSE(std::filesystem::exists(project + "/.cache"));
  Result r = sbx({"run", "npm", "--", "/bin/sh", "-c", "npm pack --dry-run --offline 2>&1 >/dev/null | grep -c .cache || true"},
                 job(project, home));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0\n") << "npm pack takes nothing from .cache";
  EXPECT_TRUE(std::filesystem::is_directory(project + "/.cache/npm"));  // npm's logs went there
  EXPECT_EQ(read_file(project + "/.cache/.gitignore"), "# Made by sbx: the build cache stays out of git and npm pack.\n*\n");
  RunOptions o;
  o.cwd = project;
  o.env = {"HOME=" + home, "GIT_CONFIG_NOSYSTEM=1"};
  Result status = run({"git", "-c", "safe.directory=*", "status", "--porcelain", "--untracked-files=all"}, o);
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_EQ(status.out.find(".cache"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("package.json"), std::string::npos) << status.out;
  // A .cache the project has already (or a symlink it planted) is left as it is.
  std::string other = make_temp_dir();
  std::filesystem::create_symlink(home, other + "/.cache");
  Result again = sbx({"run", "ci-build", "--", "true"}, job(other, home));
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_FALSE(std::filesystem::exists(home + "/.gitignore"));
}

}  // namespace sbx::test
