// launch/cache_dir.hpp: the cache directory is made with a .gitignore of "*"; one that
// is there, or a symlink planted in its place, is left alone.
#include "launch/cache_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../profile/profile_fixture.hpp"

namespace sbx {
namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(CacheDir, MadeWithAGitignoreWhenMissing) {
  testing::TempDir d;
  ensure_cache_dir(d.path(), d.path() + "/.cache");
  EXPECT_EQ(slurp(d.path() + "/.cache/.gitignore"), kCacheGitignore);
  // There already: untouched (the user's own .gitignore edit stays).
  d.write(".cache/.gitignore", "mine\n");
  ensure_cache_dir(d.path(), d.path() + "/.cache");
  EXPECT_EQ(slurp(d.path() + "/.cache/.gitignore"), "mine\n");
  // Nested components are made too.
  ensure_cache_dir(d.path(), d.path() + "/build/cache");
  EXPECT_EQ(slurp(d.path() + "/build/cache/.gitignore"), kCacheGitignore);
}

TEST(CacheDir, ASymlinkInThePathIsNotFollowed) {
  testing::TempDir d, outside;
  std::filesystem::create_symlink(outside.path(), d.path() + "/.cache");
  ensure_cache_dir(d.path(), d.path() + "/.cache");
  std::filesystem::create_symlink(outside.path(), d.path() + "/link");
  ensure_cache_dir(d.path(), d.path() + "/link/cache");
  EXPECT_TRUE(std::filesystem::is_empty(outside.path()));
}

TEST(CacheDir, OnlyInsideTheProject) {
  testing::TempDir d;
  EXPECT_THROW(ensure_cache_dir(d.path(), "/tmp/elsewhere"), Error);
  EXPECT_THROW(ensure_cache_dir(d.path(), d.path()), Error);
}

}  // namespace
}  // namespace sbx
