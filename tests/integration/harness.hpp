// The integration-test harness: runs the real sbx binary (or any command) the way a
// user would, as an unprivileged user. When the suite itself runs as root (CI), every
// command is started as nobody (65534): setgroups/setresgid/setresuid in the spawned
// child, so the root test process can still prepare files and inspect the host.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace sbx::test {

struct Result {
  int status = -1;   // exit status, or 128+signal
  std::string out;   // stdout
  std::string err;   // stderr
  bool timed_out = false;
};

struct RunOptions {
  std::string cwd;                       // default: a fresh project dir
  std::vector<std::string> env;          // extra "K=V" on top of the base environment
  bool clear_env = false;                // start from an empty environment instead
  std::string input;                     // written to stdin (then closed); default /dev/null
  std::chrono::seconds timeout{60};
  bool privileged = false;               // keep root when the suite runs as root
  std::vector<int> inherit_fds;          // fds (besides 0-2) the command inherits
};

// The uid/gid commands run as: 65534 when the suite runs as root, else our own.
uid_t test_uid();
gid_t test_gid();
bool running_as_root();

// Path of the sbx binary the unprivileged user can execute.
const std::string& sbx_binary();

// A fresh directory owned by the test user (removed at exit of the test process).
std::string make_temp_dir(const std::string& tag = "proj");

// Writes a file (and chowns it to the test user).
void write_file(const std::string& path, const std::string& content, int mode = 0644);
std::string read_file(const std::string& path);
// The names in a directory (without . and ..), sorted; empty if it cannot be read.
std::vector<std::string> list_dir(const std::string& dir);

// Runs argv as the test user.
Result run(const std::vector<std::string>& argv, const RunOptions& opts = {});
// Runs `sbx ARGS...` as the test user.
Result sbx(const std::vector<std::string>& args, const RunOptions& opts = {});
// Runs `sbx run [PROFILE-ARGS] -- /bin/sh -c SCRIPT`.
Result sbx_sh(const std::string& script, const std::vector<std::string>& run_args = {}, const RunOptions& opts = {});

}  // namespace sbx::test
