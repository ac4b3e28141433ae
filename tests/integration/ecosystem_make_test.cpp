// A C project (two .c files, a header, a Makefile: tests/fixtures/c-project) built with
// make in the `make` profile, and in `default`, which is what a new user tries first.
#include <gtest/gtest.h>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {
namespace {

void require_toolchain() {
  for (const char* tool : {"/usr/bin/make", "/usr/bin/cc"})
    ASSERT_TRUE(is_executable(tool)) << tool << " is missing: run tools/install-deps.sh test";
}

}  // namespace

TEST(EcosystemMake, BuildsAndRunsInTheMakeProfile) {
  require_toolchain();
  std::string project = make_temp_dir(), home = make_home_with_secrets();
  copy_fixture("c-project", project);
  std::string before = snapshot(home);
  Result r = sbx({"run", "make", "--", "/bin/sh", "-c", "make && ./hello sandbox"}, job(project, home));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hello, sandbox\n"), std::string::npos) << r.out;
  // The build is the project's: it runs on the host too.
  Result host = run({project + "/hello"}, job(project, home));
  EXPECT_EQ(host.status, 0) << host.err;
  EXPECT_EQ(host.out, "hello, world\n");
  EXPECT_EQ(snapshot(home), before);
}

TEST(EcosystemMake, BuildsInTheDefaultProfile) {
  require_toolchain();
  std::string project = make_temp_dir();
  copy_fixture("c-project", project);
  Result r = sbx({"run", "--", "/bin/sh", "-c", "make && ./hello"}, job(project, make_temp_dir("home")));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hello, world\n"), std::string::npos) << r.out;
}

TEST(EcosystemMake, TheMakeProfileTakesTheCallersBuildVariables) {
  require_toolchain();
  std::string project = make_temp_dir();
  copy_fixture("c-project", project);
  auto opts = job(project, make_temp_dir("home"), {"CFLAGS=-O0 -DFROM_CALLER", "GITHUB_TOKEN=" + kSecret});
  Result r = sbx({"run", "make", "--", "/bin/sh", "-c", "make && env"}, opts);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("-O0 -DFROM_CALLER"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
  // `default` keeps no build variables: the Makefile's own flags apply.
  Result d = sbx({"run", "--", "/bin/sh", "-c", "make clean >/dev/null && make"}, opts);
  ASSERT_EQ(d.status, 0) << d.out << d.err;
  EXPECT_EQ(d.out.find("FROM_CALLER"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("-O2 -Wall -Werror"), std::string::npos) << d.out;
}

}  // namespace sbx::test
