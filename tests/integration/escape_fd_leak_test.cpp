// Leaked file descriptors and working directories through /proc (runc CVE-2024-21626:
// a host directory fd leaked into the container, and process.cwd = /proc/self/fd/N,
// gave the workload a cwd on the host filesystem). sbx is started with a host
// directory fd and a host file fd open; inside, only 0-2 (and the profile's keep_fds)
// exist, and no --cwd through /proc reaches the host directory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "harness.hpp"
#include "probe.hpp"

namespace sbx::test {

namespace {

const char* kMarker = "HOST-SECRET-MARKER";
const char* kSecret = "s3cret-content";

// A host directory the sandbox does not mount, with a marker file in it.
struct HostSecret {
  std::string dir = make_temp_dir("secret");
  HostSecret() { write_file(dir + "/" + kMarker, kSecret); }
};

// Opens `path` and moves the fd to `number` (O_CLOEXEC in this process; the harness
// clears it in the child for the fds listed in inherit_fds).
int open_at_number(const std::string& path, int flags, int number) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return -1;
  if (fd == number) return fd;
  int got = ::dup3(fd, number, O_CLOEXEC);
  ::close(fd);
  return got;
}

struct LeakedFds {
  std::vector<int> fds;
  LeakedFds(const HostSecret& s) {
    // Directory fds at 3 and 10-12 (O_PATH and plain), a file fd at 13, "/" at 14.
    fds.push_back(open_at_number(s.dir, O_RDONLY | O_DIRECTORY, 3));
    fds.push_back(open_at_number(s.dir, O_PATH | O_DIRECTORY, 10));
    fds.push_back(open_at_number(s.dir, O_RDONLY | O_DIRECTORY, 11));
    fds.push_back(open_at_number(s.dir + "/..", O_RDONLY | O_DIRECTORY, 12));
    fds.push_back(open_at_number(s.dir + "/" + kMarker, O_RDONLY, 13));
    fds.push_back(open_at_number("/", O_RDONLY | O_DIRECTORY, 14));
  }
  ~LeakedFds() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
};

TEST(EscapeFdLeak, OnlyStdioIsOpenInside) {
  HostSecret s;
  LeakedFds leaked(s);
  for (int fd : leaked.fds) ASSERT_GE(fd, 0);
  RunOptions o;
  o.inherit_fds = leaked.fds;
  std::string dir = make_temp_dir();
  Result r = probe::run_in_sandbox(dir, "fds", {}, {}, o);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("fd 0 -> "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fd 2 -> "), std::string::npos) << r.out;
  size_t fds = 0, pos = 0;
  while ((pos = r.out.find("fd ", pos)) != std::string::npos) {
    ++fds;
    ++pos;
  }
  EXPECT_EQ(fds, 3u) << r.out;
  EXPECT_EQ(r.out.find(s.dir), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kMarker), std::string::npos) << r.out;
}

TEST(EscapeFdLeak, KeepFdsKeepsExactlyTheListedOnes) {
  // A make jobserver: a pipe kept at fd 11, while a host directory fd sits at 10.
  HostSecret s;
  LeakedFds leaked(s);
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  ASSERT_EQ(::write(p[1], "jobs", 4), 4);
  ::close(p[1]);
  int kept = ::dup3(p[0], 20, O_CLOEXEC);
  ::close(p[0]);
  ASSERT_EQ(kept, 20);
  std::string dir = make_temp_dir();
  write_file(dir + "/keep.toml", "extends = \"default\"\n[process]\nkeep_fds = [20]\n");
  RunOptions o;
  o.cwd = dir;
  o.inherit_fds = leaked.fds;
  o.inherit_fds.push_back(kept);
  Result r = sbx_sh("ls /proc/self/fd | sort -n | tr '\\n' ' '; bash -c 'read -r -u 20 x; echo \"$x\"'", {dir + "/keep.toml"}, o);
  ::close(kept);
  ASSERT_EQ(r.status, 0) << r.err;
  // ls's own directory fd (3) is the only extra one.
  EXPECT_EQ(r.out, "0 1 2 3 20 jobs\n") << r.out;
  // and it is ls's: a directory listing, not a leak.
  Result again = sbx_sh("readlink /proc/self/fd/3 || echo none", {dir + "/keep.toml"}, o);
  EXPECT_EQ(again.out, "none\n") << again.out;
}

TEST(EscapeFdLeak, CwdThroughProcCannotReachTheHost) {
  HostSecret s;
  LeakedFds leaked(s);
  std::vector<std::string> cwds;
  for (int fd : {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}) {
    cwds.push_back("/proc/self/fd/" + std::to_string(fd));
    cwds.push_back("/proc/thread-self/fd/" + std::to_string(fd));
    cwds.push_back("/proc/1/fd/" + std::to_string(fd));
  }
  for (const char* c : {"/proc/self/cwd", "/proc/self/root", "/proc/1/cwd", "/proc/1/root", "/proc/2/cwd",
                        "/proc/self/fd", "/dev/fd/3", "/dev/fd/10"})
    cwds.push_back(c);
  std::string script = std::string("pwd -P; ls -a . ..; cat ") + kMarker + " ../" + kMarker + " 2>/dev/null; true";
  for (const auto& cwd : cwds) {
    RunOptions o;
    o.inherit_fds = leaked.fds;
    Result r = sbx_sh(script, {"--cwd", cwd}, o);
    SCOPED_TRACE("--cwd " + cwd);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.out.find(kMarker), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(s.dir), std::string::npos) << r.out;
    if (r.status != 0) {
      // Refused: clearly, by sbx.
      EXPECT_EQ(r.status, 125) << r.err;
      EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
    }
  }
}

TEST(EscapeFdLeak, KeptDirectoryFdGivesNoWayOut) {
  // A profile keeps fd 10 (meant for a jobserver pipe), but the caller leaked a host
  // directory there (as a CI runner might): the workload must not walk the host's
  // filesystem through it.
  HostSecret s;
  LeakedFds leaked(s);
  std::string dir = make_temp_dir();
  write_file(dir + "/keep.toml", "extends = \"default\"\n[process]\nkeep_fds = [10, 11, 14]\n");
  RunOptions o;
  o.cwd = dir;
  o.inherit_fds = leaked.fds;
  std::string script = std::string("for n in 10 11 14; do cat /proc/self/fd/$n/") + kMarker +
                       "; ls /proc/self/fd/$n/; (cd /proc/self/fd/$n && ls && cat " + kMarker +
                       "); done 2>/dev/null; true";
  Result r = sbx_sh(script, {dir + "/keep.toml"}, o);
  EXPECT_EQ(r.out.find(kMarker), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
  if (r.status != 0) {
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_EQ(r.err.rfind("sbx: ", 0), 0u) << r.err;
  }
}

}  // namespace
}  // namespace sbx::test
