// Syscalls newer than libseccomp fail closed in the default baseline: a number it has
// no name for (file_setattr, 469 on x86_64 since Linux 6.17; whatever comes next) answers
// ENOSYS inside, while the same call outside reaches the kernel; a profile that allows
// the number by name gets the kernel's own answer; and a real build, whose C library
// probes new calls and falls back, still works.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace sbx::test {

namespace {
// syscall(nr, -1, 0, 0, 0, 0) for each number: "nr errno".
const char* kProbe =
    "import ctypes, sys\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "for nr in map(int, sys.argv[1:]):\n"
    "    r = libc.syscall(nr, -1, 0, 0, 0, 0)\n"
    "    print(nr, 0 if r >= 0 else ctypes.get_errno())\n";
}  // namespace

TEST(SeccompUnknown, NumbersBeyondLibseccompAnswerEnosysInsideOnly) {
  std::string dir = make_temp_dir();
  write_file(dir + "/probe.py", kProbe);
  RunOptions o;
  o.cwd = dir;
  // 457 statmount, 462 mseal, 469 file_setattr: beyond Debian 12's libseccomp (456).
  Result host = run({"python3", "probe.py", "457", "462", "469"}, o);
  Result in = sbx({"run", "--", "python3", "probe.py", "39", "457", "462", "469", "3000"}, o);
  ASSERT_EQ(in.status, 0) << in.err;
  EXPECT_EQ(in.out, "39 0\n457 38\n462 38\n469 38\n3000 38\n");  // getpid works; ENOSYS = 38
  if (host.out.find("469 38") != std::string::npos) GTEST_SKIP() << "the kernel has no file_setattr: " << host.out;
  // The control: a profile allowing 469 by number gets the kernel's answer (EBADF, EINVAL...).
  write_file(dir + "/allow.toml", "extends = \"default\"\n[seccomp]\nallow_numbers = [469]\n");
  Result allowed = sbx({"run", dir + "/allow.toml", "--", "python3", "probe.py", "469", "462"}, o);
  ASSERT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_NE(allowed.out.find("469 "), std::string::npos);
  EXPECT_EQ(allowed.out.find("469 38"), std::string::npos) << allowed.out;
  EXPECT_NE(allowed.out.find("462 38"), std::string::npos) << allowed.out;
}

TEST(SeccompUnknown, CheckShowsTheBoundary) {
  Result r = sbx({"check"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("# seccomp: libseccomp "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("any other number answers ENOSYS, on every ABI"), std::string::npos) << r.out;
}

}  // namespace sbx::test
