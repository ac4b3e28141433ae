// The messages a user meets at the command line, cold: each says what is wrong and
// what to do, on stderr after "sbx: ", with exit 125.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sbx::test {

namespace {
void expect_error(const std::vector<std::string>& args, const std::string& message) {
  Result r = sbx(args);
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_EQ(r.err.rfind("sbx: " + message, 0), 0u) << "got: " << r.err;
}
}  // namespace

TEST(CliMessages, NoCommandListsTheCommands) {
  expect_error({}, "a command is required; commands: run, check, export, profiles, features, completion, help");
}

TEST(CliMessages, MisspeltCommandAndOptionGetASuggestion) {
  expect_error({"rnu"}, "unknown command 'rnu' (did you mean 'run'?)");
  expect_error({"run", "--netwrok", "host", "--", "true"}, "unknown option '--netwrok' for `sbx run` (did you mean '--network'?)");
}

TEST(CliMessages, StrayArgumentsAndMissingValues) {
  expect_error({"profiles", "extra"}, "`sbx profiles` takes no argument 'extra'");
  expect_error({"completion"}, "`sbx completion` needs a shell: bash, zsh or fish");
  expect_error({"help", "nosuch"}, "no command 'nosuch'; commands: run, check");
}

TEST(CliMessages, RunWithoutSeparatorExplainsTheForm) {
  expect_error({"run", "make"}, "no command given: write it after `--`, as in `sbx run [PROFILE] -- make -j4` (did you "
                                "mean `sbx run -- make`?)");
  // With a "--" but nothing after it, no misleading suggestion.
  Result r = sbx({"run", "default", "--"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
}

TEST(CliMessages, UsageLinesNameTheRealForm) {
  Result r = sbx({"help", "run"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("Usage: sbx run [OPTIONS] [PROFILE] -- CMD [ARGS...]"), std::string::npos) << r.out;
}

TEST(CliMessages, NoColourWhenStderrIsNotATerminal) {
  Result r = sbx({"rnu"});
  EXPECT_EQ(r.err.find('\033'), std::string::npos) << r.err;
}

// The current directory is the project: where that would be unsafe, sbx says so.
TEST(ProjectDirectory, RootIsRefused) {
  RunOptions o;
  o.cwd = "/";
  Result r = sbx({"run", "--", "true"}, o);
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("the current directory is /, and binding it would hand the sandbox the whole host"),
            std::string::npos)
      << r.err;
}

TEST(ProjectDirectory, HomeStaysAPrivateTmpfsWithAWarning) {
  std::string home = make_temp_dir("home");
  write_file(home + "/.secret", "token\n", 0600);
  RunOptions o;
  o.cwd = home;
  o.env = {"HOME=" + home};
  Result r = sbx({"run", "--", "sh", "-c", "pwd; ls -A | wc -l"}, o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, home + "\n0\n");
  EXPECT_NE(r.err.find("sbx: warning: the current directory " + home + " is a private tmpfs in this profile"),
            std::string::npos)
      << r.err;
}

}  // namespace sbx::test
