// Package managers must not run programs the repository names (issue 12): the shipped
// profiles set, in the environment, the configuration that names programs, and the
// environment beats a project's .npmrc, .cargo/config.toml or a venv's pip.conf. Each
// test plants the configuration as a hostile repository would and checks from the host
// that the planted program never ran.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "harness.hpp"

namespace sbx::test {
namespace {

bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

bool is_executable(const char* p) { return ::access(p, X_OK) == 0; }

// An executable in `dir` that leaves `dir`/PWNED-<name> behind when it runs.
void plant(const std::string& dir, const std::string& name) {
  write_file(dir + "/" + name, "#!/bin/sh\ntouch " + dir + "/PWNED-" + name + "\nexec \"$@\"\n", 0755);
}

TEST(GuardPackages, NpmDoesNotRunTheProgramsAProjectNpmrcNames) {
  if (!is_executable("/usr/bin/npm")) GTEST_SKIP() << "npm is not installed";
  std::string dir = make_temp_dir();
  plant(dir, "git");
  plant(dir, "shell");
  write_file(dir + "/.npmrc", "git=" + dir + "/git\nscript-shell=" + dir + "/shell\n");
  write_file(dir + "/package.json",
             "{\"name\":\"a\",\"version\":\"1.0.0\",\"dependencies\":{\"dep\":\"git+ssh://git@example.invalid/x/y.git\"},"
             "\"scripts\":{\"build\":\"true\"}}\n");
  RunOptions o;
  o.cwd = dir;
  // The README's fetch step (with the network: a git dependency is cloned then), and a
  // script run.
  Result r = sbx({"run", "npm", "--network", "host", "--", "/bin/sh", "-c",
                  "npm config get git; npm install --ignore-scripts >/dev/null 2>&1; npm run build >/dev/null 2>&1; true"},
                 o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "git\n");
  EXPECT_FALSE(exists(dir + "/PWNED-git"));
  EXPECT_FALSE(exists(dir + "/PWNED-shell"));
}

TEST(GuardPackages, CargoDoesNotRunTheCompilerAProjectConfigNames) {
  if (!is_executable("/usr/bin/cargo") || !is_executable("/usr/bin/rustc"))
    GTEST_SKIP() << "Debian's cargo and rustc are not installed";
  std::string dir = make_temp_dir();
  for (const char* p : {"rustc", "wrapper", "rustdoc"}) plant(dir, p);
  ::mkdir((dir + "/.cargo").c_str(), 0755);
  ::mkdir((dir + "/src").c_str(), 0755);
  ::chown((dir + "/.cargo").c_str(), test_uid(), test_gid());
  ::chown((dir + "/src").c_str(), test_uid(), test_gid());
  write_file(dir + "/.cargo/config.toml", "[build]\nrustc = \"" + dir + "/rustc\"\nrustc-wrapper = \"" + dir +
                                              "/wrapper\"\nrustdoc = \"" + dir + "/rustdoc\"\n");
  write_file(dir + "/Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
  write_file(dir + "/src/main.rs", "fn main() {}\n");
  RunOptions o;
  o.cwd = dir;
  o.env = {"PATH=/usr/bin:/bin"};
  Result r = sbx({"run", "cargo", "--", "/bin/sh", "-c",
                  "cargo metadata --offline --format-version 1 >/dev/null && cargo fetch --offline && "
                  "cargo build --offline -q && echo built"},
                 o);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("built"), std::string::npos) << r.err;
  for (const char* p : {"rustc", "wrapper", "rustdoc"}) EXPECT_FALSE(exists(dir + "/PWNED-" + p)) << p;
}

TEST(GuardPackages, CargoFetchesWithoutTheGitCliWhateverTheProjectSays) {
  // net.git-fetch-with-cli = true in a project's .cargo/config.toml makes cargo run git,
  // which reads the configuration of the git database (in a CARGO_HOME the project may
  // hold): the environment, which beats the file, says false.
  std::string dir = make_temp_dir();
  ::mkdir((dir + "/.cargo").c_str(), 0755);
  ::chown((dir + "/.cargo").c_str(), test_uid(), test_gid());
  write_file(dir + "/.cargo/config.toml", "[net]\ngit-fetch-with-cli = true\n");
  RunOptions o;
  o.cwd = dir;
  Result r = sbx({"run", "cargo", "--", "/bin/sh", "-c", "echo \"cli=[$CARGO_NET_GIT_FETCH_WITH_CLI]\""}, o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("cli=[false]"), std::string::npos) << r.out;
}

TEST(GuardPackages, PipIgnoresAVenvsPipConf) {
  if (!is_executable("/usr/bin/python3")) GTEST_SKIP() << "python3 is not installed";
  std::string dir = make_temp_dir();
  RunOptions o;
  o.cwd = dir;
  // A venv in the project (the system's pip through --system-site-packages: no download).
  Result v = run({"/usr/bin/python3", "-m", "venv", "--without-pip", "--system-site-packages", ".venv"}, o);
  ASSERT_EQ(v.status, 0) << v.err;
  // What an earlier step's build could leave in the project's venv for the next fetch.
  write_file(dir + "/.venv/pip.conf", "[global]\nindex-url = https://evil.example.invalid/simple\n"
                                      "keyring-provider = subprocess\n");
  Result control = run({dir + "/.venv/bin/python", "-m", "pip", "config", "list"}, o);
  if (control.out.find("evil.example.invalid") == std::string::npos) GTEST_SKIP() << "this pip reads no site pip.conf";
  Result r = sbx({"run", "pip", "--", dir + "/.venv/bin/python", "-m", "pip", "config", "list"}, o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("evil.example.invalid"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sbx::test
