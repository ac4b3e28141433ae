// The `strict` profile: the project is read-only, and only the size-capped tmpfs are
// writable.
#include <gtest/gtest.h>

#include <filesystem>

#include "../fixtures/fixtures.hpp"
#include "harness.hpp"

namespace sbx::test {

TEST(ProfilesStrict, TheProjectIsReadableButNotWritable) {
  std::string project = make_temp_dir();
  write_file(project + "/source.txt", "source\n");
  Result r = sbx({"run", "strict", "--", "/bin/sh", "-c",
                  "cat source.txt; echo x > new.txt || echo 'no write'; rm source.txt || echo 'no delete'"},
                 job(project, make_temp_dir("home")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "source\nno write\nno delete\n");
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(project + "/new.txt"));
  EXPECT_EQ(read_file(project + "/source.txt"), "source\n");
}

TEST(ProfilesStrict, TmpAndHomeAreWritableAndGoneAfterwards) {
  std::string home = make_temp_dir("home");
  Result r = sbx({"run", "strict", "--", "/bin/sh", "-c",
                  "echo t > /tmp/f && cat /tmp/f && echo h > \"$HOME/f\" && cat \"$HOME/f\" && "
                  "echo v > /var/tmp/f && cat /var/tmp/f"},
                 job(make_temp_dir(), home));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "t\nh\nv\n");
  EXPECT_FALSE(std::filesystem::exists(home + "/f"));
}

TEST(ProfilesStrict, TmpfsAreSizeCapped) {
  // 1K-blocks of each tmpfs: the caps written in profiles/strict.toml.
  Result r = sbx({"run", "strict", "--", "/bin/sh", "-c", "df -k \"$HOME\" /tmp /var/tmp /run | tail -n +2 | awk '{print $2}'"},
                 job(make_temp_dir(), make_temp_dir("home")));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "262144\n524288\n262144\n16384\n");
}

}  // namespace sbx::test
