// sandbox/resolve.hpp: mount points are created and opened inside the root, and no
// symlink leads out of it. Runs unprivileged on a scratch directory as the "root".
#include "sandbox/resolve.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "../profile/profile_fixture.hpp"

namespace sbx::child {
namespace {

namespace fs = std::filesystem;

class Resolve : public ::testing::Test {
 protected:
  void SetUp() override {
    root_fd_ = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root_fd_, 0);
  }
  void TearDown() override { ::close(root_fd_); }
  // Where an fd points, relative to the root ("/a/b"), or "" for outside it.
  std::string where(int fd) const {
    char link[64], target[PATH_MAX];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = ::readlink(link, target, sizeof target - 1);
    if (n < 0) return "?";
    target[n] = '\0';
    std::string t = target;
    if (t == root_) return "/";
    if (t.rfind(root_ + "/", 0) != 0) return "";
    return t.substr(root_.size());
  }
  testing::TempDir dir_;
  std::string root_ = std::filesystem::canonical(dir_.path()).string();
  int root_fd_ = -1;
};

TEST_F(Resolve, CreatesEveryMissingDirectory) {
  int fd = make_mountpoint(root_fd_, "/a/b/c", true);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_EQ(where(fd), "/a/b/c");
  EXPECT_TRUE(fs::is_directory(root_ + "/a/b/c"));
  EXPECT_EQ(fs::status(root_ + "/a/b").permissions() & fs::perms::owner_all, fs::perms::owner_all);
  ::close(fd);
  // Again: it exists now, and the same directory is opened.
  fd = make_mountpoint(root_fd_, "/a/b/c/", true);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(where(fd), "/a/b/c");
  ::close(fd);
}

TEST_F(Resolve, CreatesAnEmptyFileForAFileMountPoint) {
  int fd = make_mountpoint(root_fd_, "/dev/null", false);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_TRUE(fs::is_regular_file(root_ + "/dev/null"));
  EXPECT_EQ(fs::file_size(root_ + "/dev/null"), 0u);
  ::close(fd);
}

TEST_F(Resolve, FollowsSymlinksAsIfTheRootWereSlash) {
  fs::create_directories(root_ + "/usr/bin");
  fs::create_symlink("usr/bin", root_ + "/bin");  // relative, like a merged-/usr link
  fs::create_symlink("/usr", root_ + "/abs");     // absolute: /usr of the root, not the host's
  int fd = make_mountpoint(root_fd_, "/bin/tool", false);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_EQ(where(fd), "/usr/bin/tool");
  ::close(fd);
  fd = make_mountpoint(root_fd_, "/abs/share/x", true);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_EQ(where(fd), "/usr/share/x");
  ::close(fd);
}

TEST_F(Resolve, NoSymlinkLeadsOut) {
  fs::create_directory(root_ + "/tmp");
  fs::create_symlink("/tmp", root_ + "/out");  // means <root>/tmp here
  fs::create_symlink("../../../../../../../..", root_ + "/up");
  int fd = make_mountpoint(root_fd_, "/out/sbx-resolve-escape", true);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_EQ(where(fd), "/tmp/sbx-resolve-escape");
  EXPECT_FALSE(fs::exists("/tmp/sbx-resolve-escape"));
  ::close(fd);
  fd = make_mountpoint(root_fd_, "/up/etc/sbx-resolve-escape", true);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  EXPECT_EQ(where(fd), "/etc/sbx-resolve-escape");
  EXPECT_FALSE(fs::exists("/etc/sbx-resolve-escape"));
  ::close(fd);
}

TEST_F(Resolve, ADanglingSymlinkOnTheWayIsRefused) {
  fs::create_symlink("/nowhere", root_ + "/dangling");
  errno = 0;
  EXPECT_EQ(make_mountpoint(root_fd_, "/dangling/x", true), -1);
  EXPECT_EQ(errno, ELOOP);
  EXPECT_EQ(make_mountpoint(root_fd_, "/dangling", true), -1);
  EXPECT_EQ(errno, ELOOP);
  EXPECT_FALSE(fs::exists(root_ + "/nowhere"));
}

TEST_F(Resolve, AFileOnTheWayIsNotADirectory) {
  std::FILE* f = std::fopen((root_ + "/file").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  errno = 0;
  EXPECT_EQ(make_mountpoint(root_fd_, "/file/x", true), -1);
  EXPECT_EQ(errno, ENOTDIR);
}

TEST_F(Resolve, OpenInRootStaysInside) {
  fs::create_symlink("/../../..", root_ + "/escape");
  int fd = open_in_root(root_fd_, "/escape", O_PATH | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(where(fd), "/");
  ::close(fd);
}

}  // namespace
}  // namespace sbx::child
