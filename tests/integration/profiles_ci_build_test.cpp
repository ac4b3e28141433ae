// The `ci-build` profile: a cache in the project that survives between runs (and what
// tools are told about it), a $HOME that does not, and no network.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

TEST(ProfilesCiBuild, CacheSurvivesFromOneRunToTheNextAndHomeDoesNot) {
  std::string project = make_temp_dir(), home = make_temp_dir("home");
  Result first = sbx({"run", "ci-build", "--", "/bin/sh", "-c",
                      "mkdir -p \"$XDG_CACHE_HOME/tool\" && echo kept > \"$XDG_CACHE_HOME/tool/entry\" && "
                      "echo lost > \"$HOME/entry\""},
                     job(project, home));
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(read_file(project + "/.cache/tool/entry"), "kept\n");

  Result second = sbx({"run", "ci-build", "--", "/bin/sh", "-c",
                       "cat \"$XDG_CACHE_HOME/tool/entry\"; cat \"$HOME/entry\" 2>/dev/null || echo 'home is fresh'"},
                      job(project, home));
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, "kept\nhome is fresh\n");
  EXPECT_FALSE(std::filesystem::exists(home + "/entry"));
}

TEST(ProfilesCiBuild, ToolsAreToldToCacheInTheProject) {
  std::string project = make_temp_dir();
  Result r = sbx({"run", "ci-build", "--", "/bin/sh", "-c",
                  "echo \"$XDG_CACHE_HOME\"; echo \"$npm_config_cache\"; echo \"$CARGO_HOME\""},
                 job(project, make_temp_dir("home")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, project + "/.cache\n" + project + "/.cache/npm\n" + project + "/.cache/cargo\n");
}

TEST(ProfilesCiBuild, KeepsCiButNotTheCiSecrets) {
  Result r = sbx({"run", "ci-build", "--", "/bin/sh", "-c", "env"},
                 job(make_temp_dir(), make_temp_dir("home"), {"CI=true", "CI_JOB_TOKEN=" + kSecret}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\nCI=true\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
}

TEST(ProfilesCiBuild, TheDocumentedSharedCacheRecipeWorks) {
  // sbx run ci-build --rw ~/.cache/sbx:"$PWD/.cache" -- ...  from two projects.
  std::string shared = make_temp_dir("shared-cache"), home = make_temp_dir("home");
  std::string a = make_temp_dir(), b = make_temp_dir();
  Result w = sbx({"run", "ci-build", "--rw", shared + ":" + a + "/.cache", "--", "/bin/sh", "-c",
                  "echo shared > \"$XDG_CACHE_HOME/entry\""},
                 job(a, home));
  ASSERT_EQ(w.status, 0) << w.err;
  Result r = sbx({"run", "ci-build", "--rw", shared + ":" + b + "/.cache", "--", "/bin/sh", "-c",
                  "cat \"$XDG_CACHE_HOME/entry\""},
                 job(b, home));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "shared\n");
  EXPECT_EQ(read_file(shared + "/entry"), "shared\n");
}

TEST(ProfilesCiBuild, HasNoNetwork) {
  HostListener host;
  std::string port = std::to_string(host.port());
  Result r = sbx({"run", "ci-build", "--", "/bin/bash", "-c",
                  // only loopback; no route anywhere; the host's loopback is another one
                  "cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' '\n"
                  ": > /dev/tcp/192.0.2.1/80 || echo 'no route'\n"
                  "echo sent > /dev/tcp/127.0.0.1/" + port + " || echo 'no host'\n"},
                 job(make_temp_dir(), make_temp_dir("home")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "lo\nno route\nno host\n") << r.err;
  EXPECT_NE(r.err.find("Network is unreachable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Connection refused"), std::string::npos) << r.err;
  EXPECT_EQ(host.received(), "");
}

}  // namespace sbx::test

namespace sbx::test {

// ci-build's cache directory (./.cache) is made in the project the sandbox sees; where
// the caller cannot write (a read-only checkout, /usr/share/doc) the run goes on without
// it, with a warning; where a private tmpfs hides the current directory, nothing is made
// on the host.
TEST(ProfilesCiBuild, TheCacheDirectoryIsOnlyMadeWhereItIsUsed) {
  std::string ro = make_temp_dir("ro-project");
  ASSERT_EQ(::chmod(ro.c_str(), 0555), 0);
  RunOptions o;
  o.cwd = ro;
  Result r = sbx({"run", "ci-build", "--", "true"}, o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("cannot make the cache directory " + ro + "/.cache"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(ro + "/.cache"));

  std::string home = make_temp_dir("home");
  RunOptions h;
  h.cwd = home;
  h.env = {"HOME=" + home};
  Result hidden = sbx({"run", "ci-build", "--", "true"}, h);
  EXPECT_EQ(hidden.status, 0) << hidden.err;
  EXPECT_NE(hidden.err.find("is a private tmpfs"), std::string::npos) << hidden.err;
  EXPECT_FALSE(std::filesystem::exists(home + "/.cache")) << "made on the host for a sandbox that cannot see it";
}

}  // namespace sbx::test
