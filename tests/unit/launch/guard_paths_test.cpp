// launch/guard_paths.hpp: looking at and removing paths below a directory the workload
// controls, without following symlinks.
#include "launch/guard_paths.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "../profile/profile_fixture.hpp"

namespace sbx {
namespace {

using testing::TempDir;

struct GuardPaths : ::testing::Test {
  TempDir dir, outside;
  UniqueFd fd{::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
};

TEST_F(GuardPaths, ProbeTellsMissingExistingAndSymlinks) {
  dir.write("a/b/c", "x");
  ASSERT_EQ(::symlink(outside.path().c_str(), (dir.path() + "/link").c_str()), 0);
  outside.write("secret", "s");
  EXPECT_EQ(probe_below(fd.get(), "nope").what, Probe::What::Missing);
  EXPECT_EQ(probe_below(fd.get(), "a/b/c/d").what, Probe::What::Missing);  // c is a file
  Probe p = probe_below(fd.get(), "a/b/c");
  EXPECT_EQ(p.what, Probe::What::Exists);
  EXPECT_EQ(p.name, "c");
  EXPECT_TRUE(S_ISREG(p.st.st_mode));
  Probe l = probe_below(fd.get(), "link/secret");  // never followed
  EXPECT_EQ(l.what, Probe::What::Symlink);
  EXPECT_EQ(l.symlink_at, "link");
  EXPECT_EQ(probe_below(fd.get(), "link").what, Probe::What::Symlink);
}

TEST_F(GuardPaths, RemoveTakesATreeButNeverFollowsASymlink) {
  dir.write("t/x/y", "1");
  dir.write("t/z", "2");
  outside.write("keep", "k");
  ASSERT_EQ(::symlink(outside.path().c_str(), (dir.path() + "/t/out").c_str()), 0);
  ASSERT_EQ(::mkdir((dir.path() + "/t/locked").c_str(), 0700), 0);
  dir.write("t/locked/f", "3");
  ASSERT_EQ(::chmod((dir.path() + "/t/locked").c_str(), 0), 0);
  remove_below(fd.get(), "t");
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/t"));
  EXPECT_TRUE(std::filesystem::exists(outside.path() + "/keep"));
  remove_below(fd.get(), "absent");  // nothing to do
  ASSERT_EQ(::symlink(outside.path().c_str(), (dir.path() + "/l").c_str()), 0);
  remove_below(fd.get(), "l");
  EXPECT_FALSE(std::filesystem::is_symlink(dir.path() + "/l"));
  EXPECT_TRUE(std::filesystem::exists(outside.path() + "/keep"));
}

TEST_F(GuardPaths, ReadSmallFileRefusesSymlinksAndNonFiles) {
  dir.write("f", "content");
  std::string out;
  EXPECT_TRUE(read_small_file(fd.get(), "f", out));
  EXPECT_EQ(out, "content");
  ASSERT_EQ(::symlink((dir.path() + "/f").c_str(), (dir.path() + "/lf").c_str()), 0);
  EXPECT_FALSE(read_small_file(fd.get(), "lf", out));
  EXPECT_FALSE(read_small_file(fd.get(), "missing", out));
  dir.write("big", std::string(100, 'x'));
  EXPECT_THROW(read_small_file(fd.get(), "big", out, 10), Error);
}

}  // namespace
}  // namespace sbx
