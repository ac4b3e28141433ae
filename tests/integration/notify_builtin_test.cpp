// The built-in seccomp-notify listener ([seccomp.notify]): allow and deny decisions as
// the workload sees them, and the JSON-lines log, checked line by line.
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sbx::test {

const std::string& seccomp_probe_dir();
Result run_probe(const std::string& commands, const std::vector<std::string>& run_args = {}, RunOptions opts = {});
std::map<std::string, std::string> probe_lines(const std::string& out);

namespace {

std::string notify_profile(const std::string& body) {
  std::string p = make_temp_dir("profiles") + "/notify.toml";
  write_file(p, "extends = \"default\"\n[seccomp.notify]\n" + body);
  return p;
}

std::vector<nlohmann::json> log_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

const std::string kRare = std::to_string(SYS_sched_get_priority_max);

}  // namespace

TEST(NotifyBuiltin, AllowLetsTheSyscallRunAndLogsIt) {
  std::string log = make_temp_dir("logs") + "/notify.jsonl";
  std::string p = notify_profile("syscalls = [\"mkdirat\", \"mkdir\", \"sched_get_priority_max\"]\naction = \"allow\"\n"
                                 "log = \"" + log + "\"\n");
  std::string made = "made-" + std::to_string(::getpid());
  Result r = run_probe("mkdir " + made + " && test -d " + made + " && echo made; ./probe sys prio " + kRare + " 1", {p});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("made\n"), std::string::npos) << r.out;
  EXPECT_EQ(probe_lines(r.out)["prio"], "ret=99") << r.out;  // SCHED_FIFO's maximum
  auto lines = log_lines(log);
  ASSERT_EQ(lines.size(), 2u) << read_file(log);
  const auto& m = lines[0];
  EXPECT_TRUE(m["syscall"] == "mkdir" || m["syscall"] == "mkdirat") << m;
  EXPECT_EQ(m["decision"], "allow") << m;
  EXPECT_EQ(m["arch"], "x86_64") << m;
  EXPECT_FALSE(m.contains("errno")) << m;
  EXPECT_GT(m["pid"].get<int>(), 1) << m;
  ASSERT_TRUE(m["args"].is_array() && m["args"].size() == 6) << m;
  // mkdir(path, 0777) or mkdirat(AT_FDCWD, path, 0777): the mode is an argument.
  EXPECT_EQ(m["args"][m["syscall"] == "mkdir" ? 1 : 2], 0777) << m;
  EXPECT_EQ(m["time"].get<std::string>().size(), std::string("2025-01-01T00:00:00.000000Z").size()) << m;
  EXPECT_EQ(lines[1]["syscall"], "sched_get_priority_max");
  EXPECT_EQ(lines[1]["nr"], SYS_sched_get_priority_max);
  EXPECT_EQ(lines[1]["args"][0], 1);
}

TEST(NotifyBuiltin, DenyAnswersTheErrnoAndLogsIt) {
  std::string log = make_temp_dir("logs") + "/notify.jsonl";
  std::string p = notify_profile("syscalls = [\"sched_get_priority_max\"]\naction = \"deny\"\nerrno = \"EACCES\"\n"
                                 "log = \"" + log + "\"\n");
  Result r = run_probe("./probe sys a " + kRare + " 1 -- sys b " + kRare + " 2", {p});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["a"], "errno=EACCES");
  EXPECT_EQ(got["b"], "errno=EACCES");
  auto lines = log_lines(log);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["decision"], "deny");
  EXPECT_EQ(lines[0]["errno"], "EACCES");
  EXPECT_EQ(lines[0]["args"][0], 1);
  EXPECT_EQ(lines[1]["args"][0], 2);
  EXPECT_EQ(lines[0]["pid"], lines[1]["pid"]);
}

TEST(NotifyBuiltin, ManyThreadsAndProcessesAtOnceAllGetAnswers) {
  std::string p = notify_profile("syscalls = [\"sched_get_priority_max\"]\naction = \"deny\"\nerrno = \"EXDEV\"\n");
  // 4 processes x 16 threads x 200 notified syscalls, all concurrent.
  std::string cmd;
  for (int i = 0; i < 4; ++i) cmd += "./probe tsys t" + std::to_string(i) + " 16 " + kRare + " 200 & ";
  cmd += "wait";
  RunOptions o;
  o.timeout = std::chrono::seconds(60);
  Result r = run_probe(cmd, {p}, o);
  EXPECT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(got["t" + std::to_string(i)], "calls=3200 failed=3200 errno=EXDEV") << r.out;
}

TEST(NotifyBuiltin, AnswersAtLeastTenThousandNotificationsPerSecond) {
  // A regression guard far below what it does (hundreds of thousands per second; see
  // the report): 20000 notified syscalls, timed inside the sandbox.
  std::string p = notify_profile("syscalls = [\"sched_get_priority_max\"]\naction = \"allow\"\n");
  Result r = run_probe("./probe loop 20000 " + kRare, {p});
  ASSERT_EQ(r.status, 0) << r.err;
  auto pos = r.out.find("calls_per_sec=");
  ASSERT_NE(pos, std::string::npos) << r.out;
  double rate = std::stod(r.out.substr(pos + 14));
  EXPECT_GT(rate, 10000) << r.out;
  // Allowed: the kernel ran them (EINVAL for the garbage policy argument), rather than
  // a listener-less ENOSYS.
  EXPECT_EQ(r.out.find("ENOSYS"), std::string::npos) << r.out;
  std::printf("built-in listener: %.0f notifications/s\n", rate);
}

TEST(NotifyBuiltin, AnUnwritableLogFailsBeforeTheSandboxStarts) {
  std::string p = notify_profile("syscalls = [\"sched_get_priority_max\"]\nlog = \"/proc/no-such-dir/x.jsonl\"\n");
  Result r = sbx({"run", p, "--", "/bin/sh", "-c", "echo should-not-run"});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("sbx: [seccomp.notify] log: cannot open /proc/no-such-dir/x.jsonl for writing"),
            std::string::npos)
      << r.err;
}

}  // namespace sbx::test
