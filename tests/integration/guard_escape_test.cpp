// The red-team findings against issue 12's guard: renaming a directory above a read-only
// path, nesting a path deeper than a recursive removal goes, a killed run followed by the
// user's own file. Each test performs the attack in a sandbox as the unprivileged user and
// checks from the host that it failed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "harness.hpp"

namespace sbx::test {
namespace {

bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

void mkdir_owned(const std::string& p) {
  std::filesystem::create_directories(p);
  ::chown(p.c_str(), test_uid(), test_gid());
}

Result in_sandbox(const std::string& dir, const std::string& script, const std::vector<std::string>& args = {}) {
  RunOptions o;
  o.cwd = dir;
  return sbx_sh(script, args, o);
}

TEST(GuardRename, ReplacingAProfileByRenamingItsDirectoryFailsTheRun) {
  std::string dir = make_temp_dir();
  mkdir_owned(dir + "/ci");
  write_file(dir + "/ci/sandbox.toml", "extends = \"default\"\n");
  Result r = in_sandbox(dir,
                        "mv ci ci.old && mkdir ci && printf '[process.env]\\nclear = false\\n' > ci/sandbox.toml && "
                        "echo swapped",
                        {"./ci/sandbox.toml"});
  EXPECT_NE(r.out.find("swapped"), std::string::npos) << r.err;
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find(dir + "/ci/sandbox.toml, which was read-only in it"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is another file now"), std::string::npos) << r.err;
}

TEST(GuardRename, ReplacingAProtectedPathBelowTheTopFailsTheRun) {
  std::string dir = make_temp_dir();
  write_file(dir + "/p.toml", "extends = \"default\"\n[filesystem]\nprotect = [\"tools/bin/deploy\"]\n");
  mkdir_owned(dir + "/tools/bin");
  ::chown((dir + "/tools").c_str(), test_uid(), test_gid());
  write_file(dir + "/tools/bin/deploy", "#!/bin/sh\necho deploy\n");
  Result r = in_sandbox(dir, "mv tools/bin tools/bin.x && mkdir tools/bin && echo evil > tools/bin/deploy; true",
                        {dir + "/p.toml"});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find(dir + "/tools/bin/deploy, which was read-only in it"), std::string::npos) << r.err;
  // Moved away without a replacement: named too.
  std::filesystem::remove_all(dir + "/tools/bin");
  std::filesystem::rename(dir + "/tools/bin.x", dir + "/tools/bin");
  r = in_sandbox(dir, "mv tools tools.x; true", {dir + "/p.toml"});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find(dir + "/tools/bin/deploy is gone"), std::string::npos) << r.err;
}

TEST(GuardRename, AnUntouchedProfileBelowTheTopPasses) {
  std::string dir = make_temp_dir();
  mkdir_owned(dir + "/ci");
  write_file(dir + "/ci/sandbox.toml", "extends = \"default\"\n");
  Result r = in_sandbox(dir, "echo x > ci/other; true", {"./ci/sandbox.toml"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(GuardRemove, APathDeeperThanAnyRecursionLimitIsRemoved) {
  std::string dir = make_temp_dir();
  // 300 levels below the protected .vscode, then the task file; one level unreadable.
  Result r = in_sandbox(dir,
                        "p=.vscode/b; for i in $(seq 300); do p=$p/d; done; mkdir -p $p && echo x > $p/f && "
                        "echo '{}' > .vscode/tasks.json && chmod 000 .vscode/b/d/d && echo made",
                        {});
  EXPECT_NE(r.out.find("made"), std::string::npos) << r.err;
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_FALSE(exists(dir + "/.vscode/tasks.json"));
  EXPECT_FALSE(exists(dir + "/.vscode")) << r.err;
  EXPECT_NE(r.err.find(dir + "/.vscode, which the profile protects"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("cannot remove"), std::string::npos) << r.err;
}

TEST(GuardRemove, ASymlinkInTheCreatedTreeIsNotFollowed) {
  std::string dir = make_temp_dir();
  std::string outside = make_temp_dir("outside");
  ::chmod(outside.c_str(), 0777);
  write_file(outside + "/keep", "keep\n");
  ::chown((outside + "/keep").c_str(), test_uid(), test_gid());
  ::chmod((outside + "/keep").c_str(), 0600);
  Result r = in_sandbox(dir, "mkdir -p .idea/x && ln -s " + outside + " .idea/x/out && ln -s " + outside +
                                 "/keep .idea/k; true",
                        {});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_FALSE(exists(dir + "/.idea"));
  EXPECT_EQ(read_file(outside + "/keep"), "keep\n");
  struct stat st {};
  ASSERT_EQ(::stat((outside + "/keep").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(GuardKill, AFileMadeAfterAKilledRunIsNamedNotDeleted) {
  std::string dir = make_temp_dir();
  std::string runtime = make_temp_dir("runtime");
  // sbx is killed mid-run; then the user makes .vscode/settings.json on the host. The
  // next run cannot tell whose it is: it fails naming it and deletes nothing.
  std::string script = sbx_binary() + " run -- sh -c 'sleep 30' & P=$!; sleep 0.5; kill -9 $P; wait $P; "
                       "mkdir .vscode && echo '{\"mine\":1}' > .vscode/settings.json; " +
                       sbx_binary() + " run -- true; echo rc=$?; " + sbx_binary() + " run -- true; echo rc2=$?";
  RunOptions o;
  o.cwd = dir;
  o.env = {"XDG_RUNTIME_DIR=" + runtime};
  Result r = run({"/bin/sh", "-c", script}, o);
  EXPECT_NE(r.out.find("rc=125"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("rc2=125"), std::string::npos) << r.out << r.err;  // until the user decides
  EXPECT_NE(r.err.find(dir + "/.vscode is a protected path that appeared"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(dir + "/.vscode/settings.json"), "{\"mine\":1}\n");
  // Removing the journal, as the message says, is the user's "it is mine".
  std::string script2 = "rm -f " + runtime + "/sbx/*; " + sbx_binary() + " run -- true; echo rc=$?";
  r = run({"/bin/sh", "-c", script2}, o);
  EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(read_file(dir + "/.vscode/settings.json"), "{\"mine\":1}\n");
}

}  // namespace
}  // namespace sbx::test
