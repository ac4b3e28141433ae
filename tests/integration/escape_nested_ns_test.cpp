// Nested user namespaces and the new mount API (Flatpak CVE-2021-41133): a workload
// under the default profile can neither create namespaces (where it would hold every
// capability again) nor build mounts with mount(2), open_tree, fsopen and friends, by
// any entry point, the 32-bit one included. The control (escape_probes_test.cpp) runs
// the same probe without the filter and sees the attacks succeed.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "probe.hpp"

namespace sbx::test {

namespace {

TEST(EscapeNestedNamespaces, EveryNamespaceAndMountSyscallIsRefused) {
  std::string dir = make_temp_dir();
  Result r = probe::run_in_sandbox(dir, "ns", {}, {}, {});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  for (const char* k : {"unshare_user", "unshare_mount", "unshare_net", "unshare_user_mount", "clone_newuser", "mount",
                        "umount", "open_tree", "fsopen", "fspick", "fsmount", "move_mount", "mount_setattr",
                        "pivot_root", "chroot", "setns"})
    EXPECT_EQ(probe::value(r.out, k), "EPERM") << k << "\n" << r.out;
  // clone3's flags are out of the filter's reach: all of clone3 is ENOSYS.
  EXPECT_EQ(probe::value(r.out, "clone3_newuser"), "ENOSYS") << r.out;
  // The i386 entry point: refused or killed, never "ok".
  std::string i386 = probe::value(r.out, "i386_unshare_user");
  EXPECT_TRUE(i386 == "EPERM" || i386 == "n/a" || i386.rfind("killed:", 0) == 0) << r.out;
}

TEST(EscapeNestedNamespaces, CapabilitiesStayZeroAfterTheAttempt) {
  std::string dir = make_temp_dir();
  Result r = probe::run_in_sandbox(dir, "ns", {}, {}, {});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(probe::value(r.out, "after_unshare_user"), "EPERM") << r.out;
  for (const char* k : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    EXPECT_EQ(probe::value(r.out, k), "0000000000000000") << k << "\n" << r.out;
  EXPECT_EQ(probe::value(r.out, "NoNewPrivs"), "1") << r.out;
  EXPECT_EQ(probe::value(r.out, "Seccomp"), "2") << r.out;
}

TEST(EscapeNestedNamespaces, UnshareCommandFailsAndGainsNothing) {
  // util-linux unshare(1), as a build script would use it.
  Result r = sbx_sh(
      "for a in -U -m -n -Ur -Um -p; do unshare $a --fork sh -c 'grep CapEff /proc/self/status' && echo \"ESCAPED $a\"; "
      "done; true");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("ESCAPED"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("CapEff"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.err;
}

TEST(EscapeNestedNamespaces, MountCommandFails) {
  Result r = sbx_sh("mount -t tmpfs none /tmp && echo ESCAPED; mount --bind / /tmp && echo ESCAPED; true");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("ESCAPED"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sbx::test
