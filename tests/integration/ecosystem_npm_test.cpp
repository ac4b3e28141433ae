// `npm ci` of a project (tests/fixtures/npm-project) whose one dependency is a tarball
// packed from the project itself: no registry. The dependency's postinstall script acts
// as a hostile one would; it gets the project and nothing else.
#include <gtest/gtest.h>

#include <filesystem>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

TEST(EcosystemNpm, NpmCiInstallsIntoTheProjectAndWritesNothingOutsideIt) {
  for (const char* tool : {"/usr/bin/node", "/usr/bin/npm"})
    ASSERT_TRUE(is_executable(tool)) << tool << " is missing: run tools/install-deps.sh test";
  std::string project = make_temp_dir(), home = make_home_with_secrets();
  std::string outside = make_temp_dir("outside") + "/written-by-postinstall";
  copy_fixture("npm-project", project);
  std::string before = snapshot(home);
  Result r = sbx({"run", "npm", "--env", "SBX_TEST_OUTSIDE=" + outside, "--", "/bin/sh", "-c",
                  "set -e\n"
                  "npm pack ./vendor/dep --pack-destination vendor >/dev/null\n"
                  "npm install --package-lock-only\n"  // the lock file npm ci needs
                  "npm ci\n"
                  "node -e 'console.log(require(\"dep\")())'\n"
                  "stat -f -c 'home is %T' \"$HOME\"\n"},
                 job(project, home, {"NPM_TOKEN=" + kSecret}, std::chrono::seconds(180)));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hello from dep\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("home is tmpfs\n"), std::string::npos) << r.out;

  // Installed into the project, with npm's cache in the project's .cache.
  EXPECT_TRUE(std::filesystem::exists(project + "/package-lock.json"));
  EXPECT_TRUE(std::filesystem::exists(project + "/node_modules/dep/index.js"));
  EXPECT_TRUE(std::filesystem::is_directory(project + "/.cache/npm"));

  // The install script ran, read no secret and wrote nothing outside the project.
  std::string report = read_file(project + "/node_modules/dep/postinstall-report.txt");
  EXPECT_NE(report.find("cannot read " + home + "/.npmrc: ENOENT"), std::string::npos) << report;
  EXPECT_NE(report.find("cannot write " + outside), std::string::npos) << report;
  EXPECT_EQ(report.find(kSecret), std::string::npos) << report;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(outside));
  EXPECT_EQ(snapshot(home), before);
}

}  // namespace sbx::test
