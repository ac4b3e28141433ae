// Symlinks on the way to a mount (runc CVE-2021-30465, bwrap's mkdir through a
// symlink). The project is writable by the untrusted build, so a symlink planted there
// in one run is waiting for the next: `evil -> <host dir outside>`. A profile mount
// below ${PWD}/evil must not create or mount anything on the host; sbx either refuses
// clearly or the mount lands inside the sandbox only. Destinations through symlinks
// to "/" and ".." stay inside the sandbox's root too.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "harness.hpp"

namespace sbx::test {
namespace {

std::string mountinfo() { return read_file("/proc/self/mountinfo"); }

struct Planted {
  std::string project = make_temp_dir();
  std::string outside = make_temp_dir("outside");
  Planted() {
    write_file(outside + "/keep", "host file\n");
    if (::symlink(outside.c_str(), (project + "/evil").c_str()) != 0) throw std::runtime_error("symlink");
    if (running_as_root()) ::lchown((project + "/evil").c_str(), test_uid(), test_gid());
    // The same place as sbx sees it while it builds the root: the host's root is then
    // at /oldroot (sandbox/rootfs.cpp). Resolved inside the new root, it is nothing.
    if (::symlink(("/oldroot" + outside).c_str(), (project + "/evil2").c_str()) != 0) throw std::runtime_error("symlink");
    ::mkdir((project + "/src").c_str(), 0755);
    if (running_as_root()) ::chown((project + "/src").c_str(), test_uid(), test_gid());
  }
  Result run(const std::string& filesystem, const std::string& script = "ls -a ${PWD}/evil/; true") {
    std::string text = "extends = \"default\"\n[filesystem]\n" + filesystem + "\n";
    for (size_t p; (p = text.find("@OUT@")) != std::string::npos;) text.replace(p, 5, outside);
    write_file(project + "/p.toml", text);
    RunOptions o;
    o.cwd = project;
    return sbx_sh(script, {project + "/p.toml"}, o);
  }
};

// Refused by sbx with a clear message, or ran.
void expect_refused_or_ran(const Result& r) {
  EXPECT_FALSE(r.timed_out);
  if (r.status == 0) return;
  EXPECT_EQ(r.status, 125) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
}

TEST(EscapeSymlinkMount, MountBelowASymlinkToAnOutsideDirectoryTouchesNothingOnTheHost) {
  const char* cases[] = {
      "tmpfs = [\"${PWD}/evil/sub\"]",
      "tmpfs = [\"${PWD}/evil/a/b/c\"]",
      "rw = [\"${PWD}/src:${PWD}/evil/sub\"]",
      "ro = [\"/etc:${PWD}/evil/etc\"]",
      "[[filesystem.mount]]\ndestination = \"${PWD}/evil/m\"\ntype = \"tmpfs\"",
      "symlinks = [\"/etc:${PWD}/evil/link\"]",
      "tmpfs = [\"${PWD}/evil2/sub\"]",
      "rw = [\"${PWD}/src:${PWD}/evil2/sub\"]",
      "symlinks = [\"/etc:${PWD}/evil2/link\"]",
  };
  for (const char* c : cases) {
    SCOPED_TRACE(c);
    Planted p;
    std::string before = mountinfo();
    Result r = p.run(c);
    expect_refused_or_ran(r);
    EXPECT_EQ(list_dir(p.outside), std::vector<std::string>{"keep"});
    EXPECT_EQ(mountinfo(), before);
    // and the symlink is still a symlink, to the same place
    char buf[4096] = {};
    EXPECT_GT(::readlink((p.project + "/evil").c_str(), buf, sizeof buf - 1), 0);
    EXPECT_EQ(std::string(buf), p.outside);
  }
}

TEST(EscapeSymlinkMount, MountBelowASymlinkIntoAReadOnlyBindIsRefused) {
  // The outside directory is also visible read-only: the mount point cannot be
  // created there, and sbx must say so rather than create it on the host.
  Planted p;
  Result r = p.run("ro = [\"@OUT@\"]\ntmpfs = [\"${PWD}/evil/sub\"]");
  EXPECT_EQ(r.status, 125) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
  EXPECT_EQ(list_dir(p.outside), std::vector<std::string>{"keep"});
}

TEST(EscapeSymlinkMount, DestinationsThroughSymlinksToRootAndDotDotStayInside) {
  Planted p;
  ASSERT_EQ(::symlink("/", (p.project + "/root").c_str()), 0);
  ASSERT_EQ(::symlink("..", (p.project + "/up").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../../../../../..", (p.project + "/far").c_str()), 0);
  struct stat etc_before {};
  ASSERT_EQ(::stat("/etc", &etc_before), 0);
  std::string before = mountinfo();
  std::vector<std::string> root_before = list_dir("/");
  for (const char* c : {"tmpfs = [\"${PWD}/root/etc\"]", "tmpfs = [\"${PWD}/root/sbx-test-new\"]",
                        "tmpfs = [\"${PWD}/up/up/up/up/up/up/sbx-test-new\"]", "tmpfs = [\"${PWD}/far/sbx-test-new\"]",
                        "ro = [\"/usr:${PWD}/far/etc\"]"}) {
    SCOPED_TRACE(c);
    Result r = p.run(c, "cat /etc/hostname >/dev/null 2>&1; true");
    expect_refused_or_ran(r);
  }
  EXPECT_EQ(mountinfo(), before);
  EXPECT_EQ(list_dir("/"), root_before);
  struct stat etc_after {};
  ASSERT_EQ(::stat("/etc", &etc_after), 0);
  EXPECT_EQ(etc_after.st_ino, etc_before.st_ino);
  EXPECT_EQ(list_dir(p.outside), std::vector<std::string>{"keep"});
}

TEST(EscapeSymlinkMount, BindSourceInTheProjectCannotPointOutsideIt) {
  // Run 1 of a malicious build replaces the project's vendor/ with a symlink to a
  // host secret; run 2's profile binds ${PWD}/vendor: the secret must not appear.
  Planted p;
  write_file(p.outside + "/id_rsa", "PRIVATE KEY\n");
  ASSERT_EQ(::symlink(p.outside.c_str(), (p.project + "/vendor").c_str()), 0);
  Result r = p.run("ro = [\"${PWD}/vendor:/vendor\"]", "cat /vendor/id_rsa; true");
  expect_refused_or_ran(r);
  EXPECT_EQ(r.out.find("PRIVATE KEY"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sbx::test
