// The launcher's binary and process (runc CVE-2019-5736, CVE-2016-9962). sbx's parent
// stays outside the sandbox's pid namespace; the sandbox's pid 1 is a clone of the sbx
// binary, so /proc/1/exe leads to sbx itself. Nothing inside may open it (for writing
// or at all), ptrace init, read its fds or memory, or steal its fds with pidfd_getfd.
// The control (escape_probes_test.cpp) aims the same probe at an ordinary process.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "probe.hpp"

namespace sbx::test {

namespace {

TEST(EscapeLauncher, InitIsClosedToTheWorkload) {
  std::string dir = make_temp_dir();
  Result r = probe::run_in_sandbox(dir, "init", {}, {"1"}, {});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  ASSERT_EQ(probe::value(r.out, "target_comm"), "sbx") << r.out;
  for (const char* k : {"exe_wronly", "exe_rdonly", "exe_readlink", "root_readlink", "cwd_readlink", "fd_dir", "mem",
                        "environ", "vm_readv", "ptrace_attach", "ptrace_seize", "pidfd_getfd"}) {
    std::string v = probe::value(r.out, k);
    EXPECT_TRUE(v == "EACCES" || v == "EPERM") << k << "=" << v << "\n" << r.out;
  }
  // No process inside has an exe that opens for writing, and init's parent (sbx) is
  // outside the pid namespace.
  EXPECT_EQ(probe::value(r.out, "exe_writable"), "none") << r.out;
  EXPECT_EQ(probe::value(r.out, "target_ppid"), "0") << r.out;
}

TEST(EscapeLauncher, NoProcEntryInsideLeadsToTheLauncher) {
  // Every process visible inside is init or the workload's own; none is the parent.
  Result r = sbx_sh("for p in /proc/[0-9]*; do echo \"$(cat $p/comm 2>/dev/null) $(sed -n 's/^PPid:\\t//p' "
                    "$p/status 2>/dev/null)\"; done");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("sbx 0\n"), std::string::npos) << r.out;
  size_t sbx_count = 0, pos = 0;
  while ((pos = r.out.find("sbx ", pos)) != std::string::npos) {
    if (pos == 0 || r.out[pos - 1] == '\n') ++sbx_count;
    ++pos;
  }
  EXPECT_EQ(sbx_count, 1u) << r.out;
}

TEST(EscapeLauncher, OverwritingTheLauncherThroughProcFails) {
  // The classic CVE-2019-5736 shell form, against init and any other pid.
  Result r = sbx_sh("for p in /proc/[0-9]*; do (echo pwned > $p/exe) 2>/dev/null && echo \"WROTE $p\"; done; true");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("WROTE"), std::string::npos) << r.out;
  // and the binary on the host is untouched
  EXPECT_EQ(read_file(sbx_binary()).substr(0, 4), "\x7f" "ELF");
}

}  // namespace
}  // namespace sbx::test
