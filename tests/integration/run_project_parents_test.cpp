// The directory holding the project is read-only inside when it lies in a private
// tmpfs ($HOME, /tmp): a build that writes next to the project (`cmake -B
// ../build`, dpkg-buildpackage's ../pkg.deb, a Makefile's ../out) fails with EROFS at
// once, instead of writing to a tmpfs that is gone at exit with status 0. The tmpfs
// itself stays writable (~/.npm, ~/.cache), and so does the project.
#include <gtest/gtest.h>

#include <filesystem>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

namespace {

// A home with the project two levels down: $HOME/src/proj.
struct DeepProject {
  std::string home = make_temp_dir("home");
  std::string project;
  DeepProject() {
    project = home + "/src/proj";
    make_dirs(project);
  }
};

}  // namespace

TEST(RunProjectParents, MakeWritingNextToTheProjectFailsWithEROFS) {
  DeepProject d;
  write_file(d.project + "/Makefile", "../out.txt:\n\techo built > $@\nhere.txt:\n\techo built > $@\n");
  Result r = sbx({"run", "--", "sh", "-c",
                  "make ../out.txt; echo make=$?; make here.txt; echo here=$?; "
                  "mkdir -p ~/.npm/_cacache && echo home-writable; touch ../../x && echo home-top-writable"},
                 job(d.project, d.home));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("make=2"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("here=0"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("home-writable"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("home-top-writable"), std::string::npos) << r.out << r.err;
  EXPECT_TRUE(std::filesystem::exists(d.project + "/here.txt"));
  EXPECT_FALSE(std::filesystem::exists(d.home + "/src/out.txt"));
}

TEST(RunProjectParents, CmakeBuildTreeNextToTheProjectFailsWithEROFS) {
  if (!is_executable("/usr/bin/cmake")) GTEST_SKIP() << "cmake is not installed";
  DeepProject d;
  write_file(d.project + "/CMakeLists.txt", "cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\n");
  Result r = sbx({"run", "--", "sh", "-c", "cmake -S . -B ../build >/dev/null 2>&1; echo cmake=$?; ls -d ../build"},
                 job(d.project, d.home));
  EXPECT_NE(r.out.find("cmake=1"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;  // ../build was never made
  // Inside the project, the same build works.
  Result ok = sbx({"run", "--", "sh", "-c", "cmake -S . -B build >/dev/null && echo configured"}, job(d.project, d.home));
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.out.find("configured"), std::string::npos) << ok.out << ok.err;
  EXPECT_TRUE(std::filesystem::exists(d.project + "/build/CMakeCache.txt"));
}

// Only the project's own parent: a GOPATH layout ($HOME/go/src/example.com/p) keeps
// $HOME/go/pkg/mod writable for Go's module cache, and ~/.cache/pip beside a project in
// ~/.cache/yay/pkg stays writable too.
TEST(RunProjectParents, SiblingCachesHigherUpStayWritable) {
  std::string home = make_temp_dir("home");
  std::string project = home + "/go/src/example.com/p";
  make_dirs(project);
  Result r = sbx({"run", "--", "sh", "-c",
                  "mkdir -p $HOME/go/pkg/mod && echo gopath-writable; touch ../x; echo parent=$?"},
                 job(project, home));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("gopath-writable"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("parent=1"), std::string::npos) << r.out << r.err;
}

// A project directly in $HOME: its parent is the home tmpfs itself, which stays
// writable for the tools' own directories (~/.npm, ~/.cache); ../x lands there.
TEST(RunProjectParents, AProjectDirectlyInTheHomeTmpfsKeepsItWritable) {
  std::string home = make_temp_dir("home");
  std::string project = home + "/proj";
  make_dirs(project);
  Result r = sbx({"run", "--", "sh", "-c", "touch ../x && echo parent-writable; touch y && echo project-writable"},
                 job(project, home));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("parent-writable"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("project-writable"), std::string::npos) << r.out << r.err;
  EXPECT_FALSE(std::filesystem::exists(home + "/x"));
}

}  // namespace sbx::test
