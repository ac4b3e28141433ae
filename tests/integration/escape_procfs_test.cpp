// procfs trust (runc CVE-2019-16884, CVE-2023-27561: a runtime that writes through a
// /proc the container controls). The sandbox's /proc is a real procfs of its own pid
// namespace, and a profile cannot put anything else at or below /proc.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.hpp"

namespace sbx::test {
namespace {

TEST(EscapeProcfs, ProcInsideIsARealProcfsOfTheSandbox) {
  Result r = sbx_sh(
      "stat -f -c '%T' /proc; stat -f -c '%T' /proc/self/; "
      "awk '$5 == \"/proc\" { for (i = 7; i < NF; i++) if ($i == \"-\") print $(i + 1) }' /proc/self/mountinfo; "
      "sed -n 's/^NSpid:\\t//p' /proc/$$/status");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "proc\nproc\nproc\n2\n") << r.out;
}

// A profile `extends = "default"` plus FILESYSTEM (lines of [filesystem]); the
// result of `sbx run PROFILE -- cat /proc/self/status`.
Result run_with(const std::string& filesystem, const std::string& fake) {
  std::string dir = make_temp_dir();
  std::string text = "extends = \"default\"\n[filesystem]\n" + filesystem + "\n";
  for (size_t p; (p = text.find("@FAKE@")) != std::string::npos;) text.replace(p, 6, fake);
  write_file(dir + "/p.toml", text);
  RunOptions o;
  o.cwd = dir;
  return sbx_sh("stat -f -c %T /proc /proc/1 /proc/self/; cat /proc/self/status | head -1", {dir + "/p.toml"}, o);
}

std::string fake_proc() {
  std::string fake = make_temp_dir("fakeproc");
  write_file(fake + "/status", "Name:\tfake\n");
  return fake;
}

TEST(EscapeProcfs, ASecondMountAtProcIsRefused) {
  std::string fake = fake_proc();
  Result r = run_with("[[filesystem.mount]]\ndestination = \"/proc\"\ntype = \"bind\"\nsource = \"@FAKE@\"", fake);
  EXPECT_EQ(r.status, 125) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("/proc"), std::string::npos) << r.err;
}

TEST(EscapeProcfs, NothingButAFreshProcfsAtOrBelowProc) {
  std::string fake = fake_proc();
  const char* cases[] = {
      "proc = false\n[[filesystem.mount]]\ndestination = \"/proc\"\ntype = \"bind\"\nsource = \"@FAKE@\"",
      "proc = false\nro = [\"@FAKE@:/proc\"]",
      "proc = false\ntmpfs = [\"/proc\"]",
      "[[filesystem.mount]]\ndestination = \"/proc/sys\"\ntype = \"tmpfs\"",
      "ro = [\"@FAKE@:/proc/1\"]",
      "tmpfs = [\"/proc/self\"]",
  };
  for (const char* c : cases) {
    SCOPED_TRACE(c);
    Result r = run_with(c, fake);
    EXPECT_EQ(r.status, 125) << r.out << r.err;
    EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
    EXPECT_EQ(r.out.find("fake"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace sbx::test
