// `sbx run --audit FILE`: what the filter refuses is still refused, with the rule's own
// errno, and every refusal is a line in FILE; kill rules become EPERM so one run shows
// every violation; allowed syscalls are not logged.
#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/syscall.h>

#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace sbx::test {

const std::string& seccomp_probe_dir();
const std::string& no_seccomp_profile();
Result run_probe(const std::string& commands, const std::vector<std::string>& run_args = {}, RunOptions opts = {});
std::map<std::string, std::string> probe_lines(const std::string& out);

namespace {

std::vector<nlohmann::json> log_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string profile(const std::string& text) {
  std::string p = make_temp_dir("profiles") + "/p.toml";
  write_file(p, text);
  return p;
}

const std::string kRare = std::to_string(SYS_sched_get_priority_max);

}  // namespace

TEST(NotifyAudit, TheDefaultBaselineStillRefusesAndLogsEachRefusal) {
  std::string log = make_temp_dir("logs") + "/audit.jsonl";
  Result r = run_probe(
      "./probe sys unshare " + std::to_string(SYS_unshare) + " 0x10000000 -- sys clone3 435 buf 88 -- "
      "tiocsti tiocsti 0x100005412 -- sys gpp 110 -- sys pers 135 0x80400000 -- int80 i386-mount 21 0 0",
      {"--audit", log});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["unshare"], "errno=EPERM");
  EXPECT_EQ(got["clone3"], "errno=ENOSYS");
  EXPECT_EQ(got["tiocsti"], "errno=EPERM");
  EXPECT_EQ(got["gpp"].rfind("ret=", 0), 0u);
  EXPECT_EQ(got["pers"], "errno=EPERM");
  EXPECT_EQ(got["i386-mount"], "errno=EPERM");

  std::map<std::string, nlohmann::json> by_call;
  for (const auto& l : log_lines(log)) by_call[l["syscall"].get<std::string>() + "/" + l["arch"].get<std::string>()] = l;
  ASSERT_TRUE(by_call.count("unshare/x86_64")) << read_file(log);
  EXPECT_EQ(by_call["unshare/x86_64"]["decision"], "deny");
  EXPECT_EQ(by_call["unshare/x86_64"]["errno"], "EPERM");
  EXPECT_EQ(by_call["unshare/x86_64"]["action"], "errno");
  EXPECT_EQ(by_call["unshare/x86_64"]["args"][0], 0x10000000);
  EXPECT_EQ(by_call["clone3/x86_64"]["errno"], "ENOSYS");
  EXPECT_EQ(by_call["ioctl/x86_64"]["args"][1], 0x100005412ULL);
  EXPECT_EQ(by_call["personality/x86_64"]["args"][0], 0x80400000);
  EXPECT_EQ(by_call["mount/x86"]["nr"], 21);
  EXPECT_FALSE(by_call.count("getppid/x86_64")) << "allowed syscalls are not logged";
}

TEST(NotifyAudit, KillRulesAreAnsweredWithEpermAndLoggedAsKill) {
  std::string p = profile("extends = \"default\"\n[[seccomp.rule]]\nnames = [\"sched_get_priority_max\"]\n"
                          "action = \"kill_process\"\n");
  // Without --audit the process dies...
  Result plain = run_probe("./probe sys k " + kRare + " 1; echo status=$?", {p});
  EXPECT_NE(plain.out.find("status=159"), std::string::npos) << plain.out;
  // ...with it, the syscall fails and the run goes on.
  std::string log = make_temp_dir("logs") + "/audit.jsonl";
  Result r = run_probe("./probe sys k " + kRare + " 1 -- sys k2 " + kRare + " 2; echo status=$?", {p, "--audit", log});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["k"], "errno=EPERM");
  EXPECT_EQ(got["k2"], "errno=EPERM");
  EXPECT_NE(r.out.find("status=0"), std::string::npos);
  auto lines = log_lines(log);
  ASSERT_EQ(lines.size(), 2u) << read_file(log);
  EXPECT_EQ(lines[0]["action"], "kill_process");
  EXPECT_EQ(lines[0]["errno"], "EPERM");
}

TEST(NotifyAudit, ADenyByDefaultProfileIsAuditedToo) {
  // An allow-list profile: everything libseccomp knows but sched_get_priority_max is
  // allowed; that one falls to the default (ENOSYS), and --audit logs it as such.
  // (Minus what the default profile's rules name: one syscall, one unconditional action.)
  std::string base = read_file(std::string(SBX_SOURCE_DIR) + "/profiles/default.toml");
  base = base.substr(base.find("\n[seccomp]\n"));
  std::string allow;
  for (int nr = 0; nr < 1024; ++nr) {
    char* n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
    if (!n) continue;
    std::string name(n);
    free(n);
    if (name == "sched_get_priority_max" || base.find("\"" + name + "\"") != std::string::npos) continue;
    allow += std::string(allow.empty() ? "" : ", ") + "\"" + name + "\"";
  }
  std::string p = profile("extends = \"default\"\n[seccomp]\ndefault_action = \"errno\"\ndefault_errno = \"ENOSYS\"\n"
                          "allow = [" + allow + "]\n");
  std::string log = make_temp_dir("logs") + "/audit.jsonl";
  Result r = run_probe("./probe sys d " + kRare + " 1 -- sys u " + std::to_string(SYS_unshare) + " 0x10000000",
                       {p, "--audit", log});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["d"], "errno=ENOSYS");
  EXPECT_EQ(got["u"], "errno=EPERM") << "the inherited deny list still applies";
  auto lines = log_lines(log);
  ASSERT_EQ(lines.size(), 2u) << read_file(log);
  EXPECT_EQ(lines[0]["syscall"], "sched_get_priority_max");
  EXPECT_EQ(lines[0]["errno"], "ENOSYS");
  EXPECT_EQ(lines[0]["action"], "errno");
  EXPECT_EQ(lines[1]["syscall"], "unshare");
}

TEST(NotifyAudit, NothingToAuditWithoutAFilter) {
  Result r = sbx({"run", no_seccomp_profile(), "--audit", make_temp_dir("logs") + "/a.jsonl", "--", "/bin/true"});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("sbx: --audit: the profile has no [seccomp] section"), std::string::npos) << r.err;
}

}  // namespace sbx::test
