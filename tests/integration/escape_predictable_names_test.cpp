// Predictable names (bwrap CVE-2019-12439: a fixed path under /tmp that another user
// could pre-create). sbx creates nothing at any host path: /tmp, /var/tmp, /dev/shm,
// /run/user/UID and $HOME are the same before and after runs that succeed, fail in
// setup, fail to exec and get killed. And what another user might pre-create there
// (symlinks at the names sbx uses inside its own namespace: newroot, oldroot) changes
// nothing.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "fault.hpp"
#include "harness.hpp"

namespace sbx::test {
namespace {

// What a run could leave on the host: the test user's entries in /tmp, /var/tmp,
// /dev/shm, the runtime directory and $HOME (fault.hpp, shared with the Fault* tests).
std::set<std::string> host_files(const std::string& home) { return fault::host_state(home).files; }

TEST(EscapePredictableNames, NothingIsCreatedOnTheHost) {
  std::string home = make_temp_dir("home");
  std::string dir = make_temp_dir();
  write_file(dir + "/bad.toml", "extends = \"default\"\n[filesystem]\nro = [\"/no/such/dir/for/sbx\"]\n");
  RunOptions o;
  o.cwd = dir;
  o.env = {"HOME=" + home, "XDG_RUNTIME_DIR=/run/user/" + std::to_string(test_uid())};
  std::set<std::string> before = host_files(home);
  EXPECT_EQ(sbx_sh("echo hi > /tmp/x; echo hi > $HOME/y; echo hi > /dev/shm/z", {}, o).status, 0);
  EXPECT_EQ(sbx({"run", "--", "/no/such/command"}, o).status, 127);
  EXPECT_EQ(sbx_sh("true", {dir + "/bad.toml"}, o).status, 125);
  EXPECT_EQ(sbx_sh("kill -KILL $$", {}, o).status, 137);
  EXPECT_EQ(sbx_sh("sleep 10", {"--timeout", "200ms"}, o).status, 124);
  EXPECT_EQ(sbx({"check"}, o).status, 0);
  EXPECT_EQ(sbx({"export", "--", "true"}, o).status, 0);
  std::set<std::string> after = host_files(home);
  EXPECT_EQ(after, before);
}

// Holds an exclusive lock so that two runs of this test (two build trees on one
// machine) do not fight over the fixed names. The lock is on /tmp itself: nothing to
// create, nothing to leave behind.
struct NameLock {
  int fd = ::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  NameLock() {
    if (fd >= 0) ::flock(fd, LOCK_EX);
  }
  ~NameLock() {
    if (fd >= 0) ::close(fd);
  }
};

TEST(EscapePredictableNames, PreCreatedSymlinksAtFixedNamesChangeNothing) {
  NameLock lock;
  std::string victim = make_temp_dir("victim");
  std::string home = make_temp_dir("home");
  // What a hostile local user would plant: symlinks at names a launcher might use while
  // it builds the root (sbx once used newroot/ and oldroot/ under /tmp, in its own mount
  // namespace; it now uses none), and at the usual per-user places.
  std::vector<std::string> planted;
  std::string uid = std::to_string(test_uid());
  for (const std::string base : {"/tmp", "/var/tmp", "/dev/shm"})
    for (const std::string& name : std::vector<std::string>{"newroot", "oldroot", "sbx", ".sbx-" + uid, "sbx-" + uid})
      planted.push_back(base + "/" + name);
  for (const std::string name : {".sbx", ".cache/sbx", ".local/share/sbx"}) planted.push_back(home + "/" + name);
  std::vector<std::string> made;
  ::mkdir((home + "/.cache").c_str(), 0755);
  ::mkdir((home + "/.local").c_str(), 0755);
  ::mkdir((home + "/.local/share").c_str(), 0755);
  for (const auto& p : planted) {
    if (::symlink(victim.c_str(), p.c_str()) == 0) {
      made.push_back(p);
      if (running_as_root()) ::lchown(p.c_str(), test_uid(), test_gid());
    }
  }
  RunOptions o;
  o.env = {"HOME=" + home};
  Result r = sbx_sh("ls -a /tmp /var/tmp; echo x > /tmp/f; echo done", {}, o);
  for (const auto& p : made) ::unlink(p.c_str());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out;
  // Inside, /tmp and /var/tmp are fresh: none of the planted names shows.
  EXPECT_EQ(r.out.find("newroot"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("oldroot"), std::string::npos) << r.out;
  DIR* d = ::opendir(victim.c_str());
  ASSERT_NE(d, nullptr);
  int entries = 0;
  while (auto* e = ::readdir(d)) entries += e->d_name[0] != '.';
  ::closedir(d);
  EXPECT_EQ(entries, 0) << "sbx wrote through a planted symlink into " << victim;
  EXPECT_GT(made.size(), 0u);
}

}  // namespace
}  // namespace sbx::test
