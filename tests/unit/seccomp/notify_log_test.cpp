// The JSON-lines log of the built-in listener: one object per line, fields in a fixed
// order, written only on flush(); --audit truncates, [seccomp.notify] appends.
#include <gtest/gtest.h>
#include <linux/audit.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../profile/profile_fixture.hpp"
#include "seccomp/notify_log.hpp"

namespace sbx::test {
namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(NotifyLog, OneObjectPerLineWithEveryField) {
  testing::TempDir d;
  std::string path = d.path() + "/log.jsonl";
  uint64_t args[6] = {1, 0x5412, 3, 4, 5, 0xffffffffffffffffULL};
  {
    NotifyLog log(path, true, "--audit");
    NotifyEvent e;
    e.pid = 42;
    e.arch = AUDIT_ARCH_X86_64;
    e.nr = 16;
    e.args = args;
    e.syscall = "ioctl";
    e.err = EPERM;
    e.action = "kill_process";
    log.add(e);
    EXPECT_EQ(slurp(path), "") << "nothing before flush";
    e.arch = AUDIT_ARCH_I386;
    e.nr = 54;
    e.allowed = true;
    e.action = nullptr;
    log.add(e);
    e.arch = AUDIT_ARCH_X86_64;
    e.nr = 0x40000000 | 514;
    log.add(e);
    log.flush();
  }
  std::string text = slurp(path);
  std::istringstream in(text);
  std::vector<nlohmann::ordered_json> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::ordered_json::parse(l));
  ASSERT_EQ(lines.size(), 3u) << text;
  std::vector<std::string> keys;
  for (auto& [k, v] : lines[0].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"time", "pid", "arch", "syscall", "nr", "args", "decision", "errno",
                                            "action"}));
  EXPECT_EQ(lines[0]["errno"], "EPERM");
  EXPECT_EQ(lines[0]["action"], "kill_process");
  EXPECT_EQ(lines[0]["args"][5], 0xffffffffffffffffULL);
  EXPECT_EQ(lines[1]["arch"], "x86");
  EXPECT_EQ(lines[1]["decision"], "allow");
  EXPECT_FALSE(lines[1].contains("errno"));
  EXPECT_FALSE(lines[1].contains("action"));
  EXPECT_EQ(lines[2]["arch"], "x32");
  EXPECT_EQ(lines[2]["nr"], 514);
}

TEST(NotifyLog, AuditTruncatesNotifyAppendsAndAnUnopenableFileIsAnError) {
  testing::TempDir d;
  std::string path = d.write("log.jsonl", "old\n");
  { NotifyLog log(path, false, "[seccomp.notify] log"); }
  EXPECT_EQ(slurp(path), "old\n");
  { NotifyLog log(path, true, "--audit"); }
  EXPECT_EQ(slurp(path), "");
  std::string e = testing::error_of([&] { NotifyLog log(d.path() + "/no/such/dir/x", true, "--audit"); });
  EXPECT_EQ(e, "--audit: cannot open " + d.path() + "/no/such/dir/x for writing: No such file or directory");
}

}  // namespace
}  // namespace sbx::test
