// Masked and read-only paths (runc CVE-2025-31133 class: masking with something other
// than the real /dev/null). Files the OCI defaults mask are the /dev/null character
// device 1:3 inside; masked directories are empty and read-only; /proc/sys and
// /proc/sysrq-trigger are read-only. Only paths present on this host's /proc are
// checked (the sandbox's procfs belongs to the same kernel).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "harness.hpp"

namespace sbx::test {
namespace {

bool exists(const std::string& p, bool* is_dir) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return false;
  *is_dir = S_ISDIR(st.st_mode);
  return true;
}

TEST(EscapeMaskedPaths, MaskedFilesAreTheRealDevNull) {
  std::string files, checked;
  for (const char* p : {"/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                        "/proc/sched_debug"}) {
    bool dir = false;
    if (exists(p, &dir) && !dir) files += std::string(" ") + p;
  }
  if (files.empty()) GTEST_SKIP() << "none of the masked /proc files exists on this kernel";
  Result r = sbx_sh("for f in" + files + "; do echo \"$f $(stat -c '%F %t:%T' $f) $(wc -c < $f)\"; done");
  ASSERT_EQ(r.status, 0) << r.err;
  size_t n = 0, pos = 0;
  while ((pos = r.out.find(" character special file 1:3 0\n", pos)) != std::string::npos) {
    ++n;
    ++pos;
  }
  EXPECT_EQ(n, static_cast<size_t>(std::count(files.begin(), files.end(), ' '))) << r.out;
}

TEST(EscapeMaskedPaths, MaskedDirectoriesAreEmptyAndReadOnly) {
  std::string dirs;
  for (const char* p : {"/proc/acpi", "/proc/asound", "/proc/scsi"}) {
    bool dir = false;
    if (exists(p, &dir) && dir) dirs += std::string(" ") + p;
  }
  if (dirs.empty()) GTEST_SKIP() << "none of the masked /proc directories exists on this kernel";
  Result r = sbx_sh("for d in" + dirs +
                    "; do echo \"$d [$(ls -A $d)]\"; touch $d/x 2>&1 && echo WROTE; mkdir $d/y 2>&1 && echo WROTE; done; true");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("WROTE"), std::string::npos) << r.out;
  for (size_t p = 0; (p = dirs.find(' ', p)) != std::string::npos; ++p) {
    std::string d = dirs.substr(p + 1, dirs.find(' ', p + 1) - p - 1);
    EXPECT_NE(r.out.find(d + " []\n"), std::string::npos) << d << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("Read-only file system"), std::string::npos) << r.out;
}

TEST(EscapeMaskedPaths, ProcSysAndFriendsAreReadOnly) {
  Result r = sbx_sh(
      "for f in /proc/sys/kernel/core_pattern /proc/sys/kernel/hostname /proc/sys/vm/drop_caches "
      "/proc/sysrq-trigger; do [ -e $f ] || continue; (printf x > $f) 2>/dev/null && echo \"WROTE $f\"; "
      "(printf x > $f) 2>&1 | grep -q 'Read-only' && echo \"ro $f\"; done; "
      "awk '$5 ~ /^\\/proc\\/(sys|sysrq-trigger|bus|fs|irq)$/ { print \"mount\", $5, $6 }' /proc/self/mountinfo; true");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("WROTE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ro /proc/sys/kernel/core_pattern\n"), std::string::npos) << r.out;
  // Each OCI read-only path present on this host is its own read-only mount.
  for (const char* p : {"/proc/sys", "/proc/sysrq-trigger", "/proc/bus", "/proc/fs", "/proc/irq"}) {
    struct stat st {};
    if (::stat(p, &st) != 0) continue;
    EXPECT_NE(r.out.find(std::string("mount ") + p + " ro,"), std::string::npos) << p << "\n" << r.out;
  }
}

TEST(EscapeMaskedPaths, ProfileMaskOfASymlinkHidesTheTarget) {
  // A user masks a secret in the project; the file there is a symlink (.env ->
  // config/prod.env, as dotfile setups do). The mask must hide what it names, not be
  // skipped because the last component is a symlink.
  std::string dir = make_temp_dir();
  ASSERT_EQ(::mkdir((dir + "/config").c_str(), 0755), 0);
  write_file(dir + "/config/prod.env", "TOKEN=s3cret\n");
  ASSERT_EQ(::symlink("config/prod.env", (dir + "/.env").c_str()), 0);
  write_file(dir + "/mask.toml", "extends = \"default\"\n[filesystem]\nmasked = [\"${PWD}/.env\"]\n");
  RunOptions o;
  o.cwd = dir;
  Result r = sbx_sh("cat .env; true", {dir + "/mask.toml"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << r.out;
  // The host's files are untouched.
  EXPECT_EQ(read_file(dir + "/config/prod.env"), "TOKEN=s3cret\n");
}

}  // namespace
}  // namespace sbx::test
