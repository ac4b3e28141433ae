// What a user writing a profile by hand meets, through the real CLI: every error at
// once, a warning for a profile that extends nothing, `sbx check` showing the
// profile's own settings, a missing bind source named with its file:line, `sbx
// profiles` naming a broken profile's error, a user's npm.toml extending the shipped npm.
#include <gtest/gtest.h>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

namespace {
RunOptions in(const std::string& dir) {
  RunOptions o;
  o.cwd = dir;
  o.env = {"XDG_CONFIG_HOME=" + dir + "/config"};
  return o;
}
}  // namespace

TEST(CliProfileMessages, EveryErrorOfAFileInOneGo) {
  std::string dir = make_temp_dir();
  write_file(dir + "/p.toml",
             "extends = 'default'\n[filesystem]\nrox = ['/usr']\ntmpfs = ['!/tmp']\n[process]\nkeep_env = ['CI']\n"
             "[limits]\nmemory = '4G'\n");
  for (const char* cmd : {"check", "run"}) {
    std::vector<std::string> args = {cmd, "./p.toml"};
    if (std::string(cmd) == "run") args.insert(args.end(), {"--", "true"});
    Result r = sbx(args, in(dir));
    EXPECT_EQ(r.status, 125);
    EXPECT_EQ(r.err,
              "sbx: ./p.toml:3:1: unknown key 'rox' in [filesystem] (did you mean 'ro'?)\n"
              "sbx: ./p.toml:4:10: [filesystem] tmpfs: '!/tmp' removes nothing: no inherited entry '/tmp' (did you "
              "mean '!/tmp:mode=1777,size=15%'?)\n"
              "sbx: ./p.toml:6:1: unknown key 'keep_env' in [process]; variables are kept, set and unset in "
              "[process.env]: [process.env] keep = ...\n"
              "sbx: ./p.toml:8:1: unknown key 'memory' in [limits]; there is no memory limit as such: 'as' caps the "
              "address space (virtual memory), as = \"4G\"\n")
        << cmd;
  }
}

TEST(CliProfileMessages, AProfileThatExtendsNothingIsWarnedAbout) {
  std::string dir = make_temp_dir();
  write_file(dir + "/bare.toml", "[filesystem]\nro = ['/usr', '/etc']\nmirror = ['/bin', '/lib', '/lib64']\n");
  Result check = sbx({"check", "./bare.toml"}, in(dir));
  EXPECT_EQ(check.status, 0) << check.err;
  EXPECT_EQ(check.err,
            "sbx: warning: ./bare.toml extends no profile, so it starts from nothing: no seccomp filter (nested user "
            "namespaces, keyrings, bpf... are allowed) and no PATH; add extends = \"default\" to build on the "
            "default sandbox, or extends = \"none\" to start from nothing on purpose\n");
  Result run = sbx({"run", "./bare.toml", "--", "/usr/bin/true"}, in(dir));
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, check.err);
  // Said on purpose: no warning.
  write_file(dir + "/none.toml", "extends = 'none'\n[filesystem]\nro = ['/usr', '/etc']\nmirror = ['/bin', '/lib', '/lib64']\n");
  Result none = sbx({"run", "./none.toml", "--", "/usr/bin/true"}, in(dir));
  EXPECT_EQ(none.status, 0) << none.err;
  EXPECT_EQ(none.err, "");
}

TEST(CliProfileMessages, CheckShowsOwnSettings) {
  std::string dir = make_temp_dir();
  write_file(dir + "/p.toml", "extends = 'default'\n[process]\ntimeout = 45\n");
  Result r = sbx({"check", "./p.toml"}, in(dir));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# ./p.toml: ok (./p.toml extends <built-in default>)\n"
                        "# Its own settings, variables expanded:\n"
                        "[process]\ntimeout = 45\n"
                        "# Inherited (entries): description, [filesystem] ",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("; `sbx check --full` shows them\n"), std::string::npos) << r.out;
  EXPECT_LT(std::count(r.out.begin(), r.out.end(), '\n'), 10) << r.out;
  Result full = sbx({"check", "--full", "./p.toml"}, in(dir));
  EXPECT_GT(std::count(full.out.begin(), full.out.end(), '\n'), 100) << full.out;
}

TEST(CliProfileMessages, TimeoutAsANumberOfSeconds) {
  std::string dir = make_temp_dir();
  write_file(dir + "/p.toml", "extends = 'default'\n[process]\ntimeout = 1\n");
  Result r = sbx({"run", "./p.toml", "--", "sleep", "10"}, in(dir));
  EXPECT_EQ(r.status, 124) << r.err;
}

TEST(CliProfileMessages, AMissingBindSourceNamesItsLineAndTheWaysOut) {
  std::string dir = make_temp_dir();
  write_file(dir + "/p.toml", "extends = 'default'\n[filesystem]\nrw = ['/nonexistent/sbx-cache']\n");
  Result r = sbx({"run", "./p.toml", "--", "true"}, in(dir));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err,
            "sbx: ./p.toml:3:7: [filesystem] rw: bind source /nonexistent/sbx-cache: No such file or directory; "
            "create it first (mkdir -p /nonexistent/sbx-cache) or write \"?/nonexistent/sbx-cache\" to skip it when "
            "it is absent\n");
}

TEST(CliProfileMessages, ProfilesShowsTheErrorOfABrokenProfile) {
  std::string dir = make_temp_dir();
  make_dirs(dir + "/config/sbx/profiles");
  write_file(dir + "/config/sbx/profiles/broken.toml", "description = 'unterminated\n");
  Result r = sbx({"profiles"}, in(dir));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("broken       (error: " + dir + "/config/sbx/profiles/broken.toml:1:"), std::string::npos)
      << r.out;
}

TEST(CliProfileMessages, AUsersNpmExtendsTheShippedNpm) {
  std::string dir = make_temp_dir();
  make_dirs(dir + "/config/sbx/profiles");
  write_file(dir + "/config/sbx/profiles/npm.toml", "extends = 'npm'\n");
  Result cycle = sbx({"check", "npm"}, in(dir));
  EXPECT_EQ(cycle.status, 125);
  EXPECT_NE(cycle.err.find("; to extend the shipped profile of that name, write extends = \"builtin:npm\""),
            std::string::npos)
      << cycle.err;
  write_file(dir + "/config/sbx/profiles/npm.toml", "extends = 'builtin:npm'\n[process.env]\nkeep = ['MY_FLAG']\n");
  Result r = sbx({"run", "npm", "--", "sh", "-c", "echo $MY_FLAG $npm_config_fund"},
                 [&] {
                   RunOptions o = in(dir);
                   o.env.push_back("MY_FLAG=kept");
                   return o;
                 }());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "kept false\n");
}

}  // namespace sbx::test
