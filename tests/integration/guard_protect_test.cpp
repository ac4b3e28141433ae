// [filesystem] protect and the profile files (issue 12): what the workload may not
// change or create in the project because it runs later outside the sandbox (editor
// tasks, direnv, a nested repository's hooks) or decides what the next `sbx run` does
// (a profile in the project, a profile directory of an sbx unpacked in the workspace).
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <signal.h>
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

Result in_sandbox(const std::string& dir, const std::string& script, const std::vector<std::string>& args = {}) {
  RunOptions o;
  o.cwd = dir;
  return sbx_sh(script, args, o);
}

class GuardProtect : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> profile() const {
    return GetParam() == "default" ? std::vector<std::string>{} : std::vector<std::string>{GetParam()};
  }
};

TEST_P(GuardProtect, CreatingAProtectedPathFailsTheRunAndLeavesNothing) {
  std::string dir = make_temp_dir();
  Result r = in_sandbox(dir,
                        "mkdir .vscode && printf '{\"tasks\":[{\"runOptions\":{\"runOn\":\"folderOpen\"}}]}' > "
                        ".vscode/tasks.json; echo 'export X=1' > .envrc; mkdir -p .idea/x; "
                        "git init -q sub; git init -q . ; echo ok",
                        profile());
  EXPECT_EQ(r.status, 125) << r.out << r.err;
  EXPECT_NE(r.out.find("ok"), std::string::npos);
  for (const char* p : {".vscode", ".envrc", ".idea", ".git"}) {
    EXPECT_FALSE(exists(dir + "/" + p)) << p;
    EXPECT_NE(r.err.find(dir + "/" + p + ", which the profile protects"), std::string::npos) << p << "\n" << r.err;
  }
}

TEST_P(GuardProtect, AnExistingProtectedPathIsReadOnly) {
  std::string dir = make_temp_dir();
  ::mkdir((dir + "/.vscode").c_str(), 0755);
  ::chown((dir + "/.vscode").c_str(), test_uid(), test_gid());
  write_file(dir + "/.vscode/settings.json", "{}\n");
  write_file(dir + "/.envrc", "use nix\n");
  Result r = in_sandbox(dir,
                        "echo evil > .vscode/tasks.json; echo evil > .vscode/settings.json; echo evil >> .envrc; "
                        "rm -rf .vscode; mv .envrc gone; echo done",
                        profile());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("done"), std::string::npos);
  EXPECT_FALSE(exists(dir + "/.vscode/tasks.json"));
  EXPECT_EQ(read_file(dir + "/.vscode/settings.json"), "{}\n");
  EXPECT_EQ(read_file(dir + "/.envrc"), "use nix\n");
}

TEST_P(GuardProtect, ANormalRunLeavesNoStrayFile) {
  std::string dir = make_temp_dir();
  write_file(dir + "/Makefile", "all:\n\ttrue\n");
  auto before = list_dir(dir);
  Result r = in_sandbox(dir, "ls -a; true", profile());
  EXPECT_EQ(r.status, 0) << r.err;
  // The one thing a profile may add is its cache directory ([filesystem] cache), which
  // ignores itself: nothing of the protection mechanism is left.
  auto after = list_dir(dir);
  if (auto c = std::find(after.begin(), after.end(), ".cache"); c != after.end()) {
    after.erase(c);
    EXPECT_NE(read_file(dir + "/.cache/.gitignore").find("\n*\n"), std::string::npos);
  }
  EXPECT_EQ(after, before);
  EXPECT_EQ(r.err, "");
}

INSTANTIATE_TEST_SUITE_P(Profiles, GuardProtect, ::testing::Values("default", "ci-build", "make", "npm", "pip", "cargo"));

TEST(GuardProtectKill, WhatAKilledRunsBuildMadeFailsTheNextRunUntilRemoved) {
  std::string dir = make_temp_dir();
  // sbx itself is killed (SIGKILL: no end-of-run check) after its build made .envrc.
  std::string script = sbx_binary() + " run -- sh -c 'echo evil > .envrc; sleep 30' & P=$!; "
                       "for i in $(seq 100); do [ -e .envrc ] && break; sleep 0.05; done; kill -9 $P; wait $P; "
                       "[ -e .envrc ] && echo left-behind; " + sbx_binary() + " run -- true; echo rc=$?";
  RunOptions o;
  o.cwd = dir;
  o.env = {"XDG_RUNTIME_DIR=" + make_temp_dir("runtime")};
  Result r = run({"/bin/sh", "-c", script}, o);
  EXPECT_NE(r.out.find("left-behind"), std::string::npos) << r.out << r.err;
  // The next run cannot tell the killed build's .envrc from the user's: it names it,
  // deletes nothing and fails until it is gone (issue 12 review).
  EXPECT_NE(r.out.find("rc=125"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find(dir + "/.envrc is a protected path that appeared"), std::string::npos) << r.err;
  EXPECT_TRUE(exists(dir + "/.envrc"));
  ::unlink((dir + "/.envrc").c_str());
  r = run({"/bin/sh", "-c", sbx_binary() + " run -- true; echo rc=$?"}, o);
  EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out << r.err;
}

TEST(GuardProtectKill, AUsersOwnFileOlderThanTheKilledRunIsKept) {
  std::string dir = make_temp_dir();
  // The killed run's journal lists .envrc as missing; the user then restores an older
  // one (cp -p keeps times, but ctime is now): only a file made after that run started
  // goes. Here the file exists before the run, so the run does not list it at all.
  write_file(dir + "/.envrc", "mine\n");
  std::string script = sbx_binary() + " run -- sh -c 'sleep 30' & P=$!; sleep 0.3; kill -9 $P; wait $P; " +
                       sbx_binary() + " run -- true; echo rc=$?";
  RunOptions o;
  o.cwd = dir;
  o.env = {"XDG_RUNTIME_DIR=" + make_temp_dir("runtime")};
  Result r = run({"/bin/sh", "-c", script}, o);
  EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(read_file(dir + "/.envrc"), "mine\n");
}

TEST(GuardProtectInput, BadEntriesAreRefusedWithTheirPosition) {
  std::string dir = make_temp_dir();
  for (std::string bad : {"\"/etc\"", "\"../x\"", "\"\"", "\"a/../../b\"", "\".\""}) {
    write_file(dir + "/p.toml", "extends = \"default\"\n[filesystem]\nprotect = [\".envrc\", " + bad + "]\n");
    Result r = in_sandbox(dir, "true", {dir + "/p.toml"});
    EXPECT_EQ(r.status, 125) << bad;
    EXPECT_NE(r.err.find(dir + "/p.toml:3:22: "), std::string::npos) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("[filesystem] protect"), std::string::npos) << r.err;
  }
}

TEST(GuardProtectInput, AnEntryCanBeRemovedAndAdded) {
  std::string dir = make_temp_dir();
  write_file(dir + "/p.toml", "extends = \"default\"\n[filesystem]\nprotect = [\"!.envrc\", \"Makefile\", \"ci/deploy.sh\"]\n");
  write_file(dir + "/Makefile", "all:\n");
  Result r = in_sandbox(dir, "echo x > .envrc; echo evil > Makefile; mkdir ci; echo x > ci/deploy.sh; true", {dir + "/p.toml"});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_TRUE(exists(dir + "/.envrc"));
  EXPECT_EQ(read_file(dir + "/Makefile"), "all:\n");
  EXPECT_FALSE(exists(dir + "/ci/deploy.sh"));
  EXPECT_NE(r.err.find(dir + "/ci/deploy.sh"), std::string::npos) << r.err;
}

TEST(GuardProfileFiles, AProfileInTheProjectAndItsBaseCannotBeChangedFromInside) {
  std::string dir = make_temp_dir();
  write_file(dir + "/base.toml", "extends = \"default\"\n");
  write_file(dir + "/sandbox.toml", "extends = \"./base.toml\"\n");
  std::string b1 = read_file(dir + "/base.toml"), s1 = read_file(dir + "/sandbox.toml");
  Result r = in_sandbox(dir,
                        "printf '[process]\\nenv = { clear = false }\\n[filesystem]\\nrw = [\"/home\"]\\n' > sandbox.toml; "
                        "echo 'extends = \"network\"' > base.toml; mv base.toml x; ln -sf /etc/passwd sandbox.toml; true",
                        {"./sandbox.toml"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(dir + "/sandbox.toml"), s1);
  EXPECT_EQ(read_file(dir + "/base.toml"), b1);
}

TEST(GuardProfileFiles, AnSbxUnpackedInTheWorkspaceKeepsItsProfileDirectory) {
  std::string dir = make_temp_dir();
  // <ws>/sbx/bin/sbx: its profiles are looked up in <ws>/sbx/share/sbx/profiles.
  std::filesystem::create_directories(dir + "/sbx/bin");
  std::filesystem::copy_file(sbx_binary(), dir + "/sbx/bin/sbx");
  for (const char* d : {"/sbx", "/sbx/bin", "/sbx/bin/sbx"}) ::chown((dir + d).c_str(), test_uid(), test_gid());
  RunOptions o;
  o.cwd = dir;
  std::string evil = "extends = \"ci-build\"\n[process.env]\nclear = false\n";
  Result r = run({dir + "/sbx/bin/sbx", "run", "npm", "--", "/bin/sh", "-c",
                  "mkdir -p sbx/share/sbx/profiles && printf '" + evil + "' > sbx/share/sbx/profiles/npm.toml; true"},
                 o);
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find(dir + "/sbx/share/sbx/profiles"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(dir + "/sbx/share/sbx/profiles/npm.toml"));
  // With the directory there, it is read-only.
  std::filesystem::create_directories(dir + "/sbx/share/sbx/profiles");
  for (const char* d : {"/sbx/share", "/sbx/share/sbx", "/sbx/share/sbx/profiles"})
    ::chown((dir + d).c_str(), test_uid(), test_gid());
  std::string binary = read_file(dir + "/sbx/bin/sbx");
  r = run({dir + "/sbx/bin/sbx", "run", "npm", "--", "/bin/sh", "-c",
           "printf '" + evil + "' > sbx/share/sbx/profiles/npm.toml; cp /bin/true sbx/bin/x; mv -f sbx/bin/x sbx/bin/sbx; "
           "rm -f sbx/bin/sbx; true"},
          o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(exists(dir + "/sbx/share/sbx/profiles/npm.toml"));
  // sbx itself cannot be replaced either.
  EXPECT_TRUE(read_file(dir + "/sbx/bin/sbx") == binary);
}

TEST(GuardProfileFiles, ASymlinkedProfileInTheProjectIsRefused) {
  std::string dir = make_temp_dir();
  ::mkdir((dir + "/conf").c_str(), 0755);
  ::chown((dir + "/conf").c_str(), test_uid(), test_gid());
  write_file(dir + "/conf/real.toml", "extends = \"default\"\n");
  ASSERT_EQ(::symlink("conf/real.toml", (dir + "/sandbox.toml").c_str()), 0);
  ::lchown((dir + "/sandbox.toml").c_str(), test_uid(), test_gid());
  // The sandbox could point the link at a profile of its own for the next run.
  Result r = in_sandbox(dir, "ln -sf /dev/null sandbox.toml", {"./sandbox.toml"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find(dir + "/sandbox.toml is a symlink"), std::string::npos) << r.err;
  EXPECT_EQ(std::filesystem::read_symlink(dir + "/sandbox.toml").string(), "conf/real.toml");
}

TEST(GuardProfileFiles, AProfileDirectoryIsNeverTheWritableProject) {
  std::string config = make_temp_dir("config");
  std::filesystem::create_directories(config + "/sbx/profiles");
  for (const char* d : {"/sbx", "/sbx/profiles"}) ::chown((config + d).c_str(), test_uid(), test_gid());
  RunOptions o;
  o.cwd = config + "/sbx/profiles";
  o.env = {"XDG_CONFIG_HOME=" + config};
  Result r = sbx({"run", "--", "/bin/sh", "-c", "echo 'extends = \"network\"' > npm.toml"}, o);
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("is where sbx reads profiles from"), std::string::npos) << r.err;
  EXPECT_FALSE(exists(config + "/sbx/profiles/npm.toml"));
}

}  // namespace
}  // namespace sbx::test
