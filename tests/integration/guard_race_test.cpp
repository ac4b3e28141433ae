// A path race on the project bind itself (issue 12; runc's CVE-2021-30465 class): a
// concurrent process that can write the directory holding the project (a sandbox whose
// project contains this one) swaps the project for a symlink to $HOME, over and over
// (renameat2 RENAME_EXCHANGE). sbx must bind the directory it was started in, never
// what the path names a moment later: the project is bound from the working directory
// the sandbox inherits (sandbox/mounts.cpp), not resolved again by path.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "harness.hpp"
#include "probe.hpp"

namespace sbx::test {
namespace {

// `sbx_integration_tests --sbx-swap DIR A B`: exchanges DIR/A and DIR/B until killed.
__attribute__((constructor)) void swap_loop(int argc, char** argv, char**) {
  if (argc != 5 || std::strcmp(argv[1], "--sbx-swap") != 0) return;
  int dir = ::open(argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) ::_exit(2);
  for (;;) ::renameat2(dir, argv[3], dir, argv[4], RENAME_EXCHANGE);
}

TEST(GuardRace, SwappingTheProjectForASymlinkNeverBindsAnythingElse) {
  std::string outer = make_temp_dir("race");
  std::string inner = outer + "/inner";
  ASSERT_EQ(::mkdir(inner.c_str(), 0755), 0);
  ASSERT_EQ(::chown(inner.c_str(), test_uid(), test_gid()), 0);
  write_file(inner + "/marker", "the-project\n");
  std::string home = make_temp_dir("racehome");
  write_file(home + "/marker", "HOST-HOME-SECRET\n");
  ASSERT_EQ(::symlink(home.c_str(), (outer + "/link").c_str()), 0);
  ASSERT_EQ(::lchown((outer + "/link").c_str(), test_uid(), test_gid()), 0);
  std::string tools = make_temp_dir("racetools");
  std::string swapper = probe::install(tools);

  // The shell enters the project before the swapping starts; every sbx inherits that
  // directory as its working directory, whatever its name is by then.
  std::string script = "cd " + inner + " || exit 9\n" + swapper + " --sbx-swap " + outer +
                       " inner link &\nS=$!\nsleep 0.2\n"
                       "for i in $(seq 40); do " + sbx_binary() +
                       " run -- sh -c 'cat marker; echo \"pwd=$PWD\"; touch written-inside'; echo \"rc=$?\"; done\n"
                       "kill $S; wait $S 2>/dev/null; true\n";
  RunOptions o;
  o.cwd = outer;
  o.timeout = std::chrono::seconds(240);
  Result r = run({"/bin/sh", "-c", script}, o);
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.out.find("HOST-HOME-SECRET"), std::string::npos) << r.out << r.err;
  size_t ok = 0;
  for (size_t p = 0; (p = r.out.find("the-project\n", p)) != std::string::npos; ++p) ++ok;
  size_t zero = 0;
  for (size_t p = 0; (p = r.out.find("rc=0\n", p)) != std::string::npos; ++p) ++zero;
  EXPECT_EQ(ok, 40u) << r.out << r.err;
  EXPECT_EQ(zero, 40u) << r.out << r.err;
  // What the sandboxes wrote landed in the project, never in the home directory.
  struct stat st {};
  EXPECT_NE(::lstat((home + "/written-inside").c_str(), &st), 0);
  bool in_project = ::lstat((outer + "/inner/written-inside").c_str(), &st) == 0 ||
                    ::lstat((outer + "/link/written-inside").c_str(), &st) == 0;
  EXPECT_TRUE(in_project);
}

}  // namespace
}  // namespace sbx::test
