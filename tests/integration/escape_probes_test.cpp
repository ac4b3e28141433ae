// Attack probes for the escape_* regression tests, and their controls.
//
// The integration test binary doubles as the attack program: started as
//   sbx_integration_tests --sbx-probe NAME [ARGS...]
// a constructor runs probe NAME before GoogleTest's main, prints "key=value" lines (a
// value is "ok" when the attempt succeeded, else the errno name) and exits. The escape
// tests copy this binary into the project directory (probe::install) and run it inside
// the sandbox, so every attack is a real syscall made by a real process in there.
//
// The tests at the bottom are the controls: the same probes succeed where nothing
// stops them (on the host, or in a sandbox without the seccomp filter). They show that
// each escape test can fail: if sbx stopped defending, the probe would report "ok".
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"
#include "probe.hpp"

namespace sbx::test {

namespace probe {

namespace {

std::string outcome(long rc) {
  if (rc >= 0) return "ok";
  const char* n = ::strerrorname_np(errno);
  return n ? n : std::to_string(errno);
}

void put(const char* key, const std::string& value) { std::printf("%s=%s\n", key, value.c_str()); }

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string status_line(const std::string& status, const std::string& key) {
  auto p = status.find("\n" + key + ":");
  if (p == std::string::npos) return "";
  p += key.size() + 2;
  auto e = status.find('\n', p);
  std::string v = status.substr(p, e - p);
  v.erase(0, v.find_first_not_of(" \t"));
  return v;
}

void print_caps() {
  std::string st = "\n" + slurp("/proc/self/status");
  for (const char* k : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"})
    put(k, status_line(st, k));
}

// fds: every open fd (but the one listing them) and the cwd.
int probe_fds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) {
    put("fds", outcome(-1));
    return 1;
  }
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.' || std::atoi(e->d_name) == ::dirfd(d)) continue;
    char buf[4096] = {};
    std::string link = std::string("/proc/self/fd/") + e->d_name;
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
    std::printf("fd %s -> %s\n", e->d_name, n > 0 ? buf : "?");
  }
  ::closedir(d);
  char cwd[4096] = {};
  put("cwd", ::getcwd(cwd, sizeof cwd) ? cwd : outcome(-1));
  return 0;
}

// tty: TIOCSTI and TIOCLINUX on fd 0 and on /dev/tty, plain and with the high 32 bits
// of the request set (CVE-2019-10063: the kernel truncates the request to 32 bits, a
// filter comparing 64 bits lets it through). Raw syscalls, so no libc masks the bits.
int probe_tty() {
  const unsigned long hi = 0xffffffff00000000UL;
  int devtty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  put("devtty", outcome(devtty));
  put("isatty0", ::isatty(0) ? "yes" : "no");
  put("ctty_is_fd0", ::tcgetsid(0) == ::getsid(0) ? "yes" : "no");
  struct Target {
    const char* name;
    int fd;
  } targets[] = {{"fd0", 0}, {"devtty", devtty}};
  for (const auto& t : targets) {
    if (t.fd < 0) continue;
    char c = '\n';  // injected: a bare newline, harmless to whatever reads the terminal
    char sub[2] = {6, 0};  // TIOCLINUX subcode 6: read the shift state (harmless)
    std::string k = t.name;
    put(("tiocsti_" + k).c_str(), outcome(::syscall(SYS_ioctl, t.fd, static_cast<unsigned long>(TIOCSTI), &c)));
    put(("tiocsti_hi_" + k).c_str(), outcome(::syscall(SYS_ioctl, t.fd, TIOCSTI | hi, &c)));
    put(("tioclinux_" + k).c_str(), outcome(::syscall(SYS_ioctl, t.fd, static_cast<unsigned long>(TIOCLINUX), sub)));
    put(("tioclinux_hi_" + k).c_str(), outcome(::syscall(SYS_ioctl, t.fd, TIOCLINUX | hi, sub)));
  }
  return 0;
}

// init [PID]: what runc CVE-2019-5736 and CVE-2016-9962 did to the runtime's process:
// reach its binary through /proc/PID/exe (for writing), ptrace it, read its fds or
// memory. Refuses to aim at anything but the sandbox's init (comm "sbx") or a "sleep"
// of our own uid (the control).
int probe_init(int argc, char** argv) {
  pid_t pid = argc > 0 ? std::atoi(argv[0]) : 1;
  std::string base = "/proc/" + std::to_string(pid);
  std::string comm = slurp(base + "/comm");
  struct stat st {};
  if (::stat(base.c_str(), &st) != 0 || st.st_uid != ::getuid() || ::geteuid() != ::getuid() ||
      (comm != "sbx\n" && comm != "sleep\n")) {
    std::printf("refused: target %d (%s) is not ours\n", pid, comm.c_str());
    return 2;
  }
  put("target_comm", comm.substr(0, comm.size() - 1));
  int fd = ::open((base + "/exe").c_str(), O_WRONLY | O_CLOEXEC);
  put("exe_wronly", outcome(fd));
  if (fd >= 0) ::close(fd);
  fd = ::open((base + "/exe").c_str(), O_RDONLY | O_CLOEXEC);
  put("exe_rdonly", outcome(fd));
  if (fd >= 0) ::close(fd);
  char buf[4096] = {};
  ssize_t n = ::readlink((base + "/exe").c_str(), buf, sizeof buf - 1);
  put("exe_readlink", n >= 0 ? "ok" : outcome(-1));
  n = ::readlink((base + "/root").c_str(), buf, sizeof buf - 1);
  put("root_readlink", n >= 0 ? "ok" : outcome(-1));
  n = ::readlink((base + "/cwd").c_str(), buf, sizeof buf - 1);
  put("cwd_readlink", n >= 0 ? "ok" : outcome(-1));
  DIR* d = ::opendir((base + "/fd").c_str());
  put("fd_dir", d ? "ok" : outcome(-1));
  if (d) ::closedir(d);
  fd = ::open((base + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  put("mem", outcome(fd));
  if (fd >= 0) ::close(fd);
  fd = ::open((base + "/environ").c_str(), O_RDONLY | O_CLOEXEC);
  put("environ", outcome(fd));
  if (fd >= 0) ::close(fd);
  char local[8];
  struct iovec lv {local, sizeof local}, rv {reinterpret_cast<void*>(0x400000), sizeof local};
  long rc = ::process_vm_readv(pid, &lv, 1, &rv, 1, 0);
  put("vm_readv", rc < 0 && errno == EFAULT ? "ok" : outcome(rc));  // EFAULT: allowed, bad address
  // pidfd_getfd: steal any of its fds (0-31).
  int pfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  put("pidfd_open", outcome(pfd));
  std::string got = "none";
  int last_errno = 0;
  for (int i = 0; pfd >= 0 && i < 32; ++i) {
    int stolen = static_cast<int>(::syscall(SYS_pidfd_getfd, pfd, i, 0));
    if (stolen >= 0) {
      got = "ok";
      ::close(stolen);
    } else if (errno != EBADF) {
      last_errno = errno;
    }
  }
  if (got != "ok" && last_errno) {
    errno = last_errno;
    got = outcome(-1);
  }
  put("pidfd_getfd", got);
  if (pfd >= 0) ::close(pfd);
  rc = ::ptrace(PTRACE_ATTACH, pid, nullptr, nullptr);
  put("ptrace_attach", outcome(rc));
  if (rc == 0) {
    int status;
    ::waitpid(pid, &status, __WALL);
    ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  }
  rc = ::ptrace(PTRACE_SEIZE, pid, nullptr, nullptr);
  put("ptrace_seize", outcome(rc));
  if (rc == 0) ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  // Every process visible here: can any binary be opened for writing through its exe?
  std::string writable;
  if (DIR* pd = ::opendir("/proc")) {
    while (struct dirent* e = ::readdir(pd)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      std::string exe = std::string("/proc/") + e->d_name + "/exe";
      int wfd = ::open(exe.c_str(), O_WRONLY | O_CLOEXEC);
      if (wfd >= 0) {
        writable += std::string(writable.empty() ? "" : ",") + e->d_name;
        ::close(wfd);
      }
    }
    ::closedir(pd);
  }
  put("exe_writable", writable.empty() ? "none" : writable);
  std::string st1 = "\n" + slurp(base + "/status");
  put("target_ppid", status_line(st1, "PPid"));
  return 0;
}

// Runs one attempt in a child process, so that a success (a new namespace, a chroot)
// does not change the ground for the next one: "ok", the errno name, or "killed:SIG".
template <typename F>
std::string isolated(F&& attempt) {
  pid_t child = ::fork();
  if (child == 0) {
    long rc = attempt();
    ::_exit(rc >= 0 ? 0 : (errno & 0xff) ? errno & 0xff : 255);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child) return "probe-fork-failed";
  if (WIFSIGNALED(status)) return std::string("killed:") + ::sigabbrev_np(WTERMSIG(status));
  if (WEXITSTATUS(status) == 0) return "ok";
  const char* n = ::strerrorname_np(WEXITSTATUS(status));
  return n ? n : std::to_string(WEXITSTATUS(status));
}

// ns: nested namespaces and the new mount API (Flatpak CVE-2021-41133 class). Each
// attempt in its own child; then, in this process, an unshare(CLONE_NEWUSER) and the
// capabilities after it.
int probe_ns() {
  put("unshare_user", isolated([] { return ::syscall(SYS_unshare, CLONE_NEWUSER); }));
  put("unshare_mount", isolated([] { return ::syscall(SYS_unshare, CLONE_NEWNS); }));
  put("unshare_net", isolated([] { return ::syscall(SYS_unshare, CLONE_NEWNET); }));
  put("unshare_user_mount", isolated([] {
        if (::syscall(SYS_unshare, CLONE_NEWUSER) < 0) return -1L;
        return ::syscall(SYS_unshare, CLONE_NEWNS);
      }));
  // clone(2) with CLONE_NEWUSER (the grandchild exits at once).
  put("clone_newuser", isolated([] {
        long pid = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
        if (pid == 0) ::_exit(0);
        if (pid > 0) ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
        return pid;
      }));
  put("clone3_newuser", isolated([] {
        struct {  // struct clone_args, CLONE_ARGS_SIZE_VER0 (<linux/sched.h> clashes with <sched.h>)
          uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
        } ca{};
        ca.flags = CLONE_NEWUSER;
        ca.exit_signal = SIGCHLD;
        long pid = ::syscall(SYS_clone3, &ca, sizeof ca);
        if (pid == 0) ::_exit(0);
        if (pid > 0) ::waitpid(static_cast<pid_t>(pid), nullptr, 0);
        return pid;
      }));
  put("mount", isolated([] { return ::syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, nullptr); }));
  put("umount", isolated([] { return ::syscall(SYS_umount2, "/tmp", MNT_DETACH); }));
  put("open_tree", isolated([] { return ::syscall(SYS_open_tree, AT_FDCWD, "/tmp", 1 /* OPEN_TREE_CLONE */); }));
  put("fsopen", isolated([] { return ::syscall(SYS_fsopen, "tmpfs", 0); }));
  put("fspick", isolated([] { return ::syscall(SYS_fspick, AT_FDCWD, "/tmp", 0); }));
  put("fsmount", isolated([] { return ::syscall(SYS_fsmount, -1, 0, 0); }));
  put("move_mount", isolated([] { return ::syscall(SYS_move_mount, -1, "", AT_FDCWD, "/tmp", 0); }));
  put("mount_setattr", isolated([] { return ::syscall(SYS_mount_setattr, AT_FDCWD, "/tmp", 0, nullptr, 0); }));
  put("pivot_root", isolated([] { return ::syscall(SYS_pivot_root, "/tmp", "/tmp"); }));
  put("chroot", isolated([] { return ::syscall(SYS_chroot, "/tmp"); }));
  put("setns", isolated([] {
        int nsfd = ::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
        return ::syscall(SYS_setns, nsfd, 0);
      }));
  // The 32-bit entry point (int 0x80, i386 numbering: unshare = 310): the filter must
  // cover every architecture the kernel accepts.
#if defined(__x86_64__)
  put("i386_unshare_user", isolated([] {
        long ret;
        asm volatile("int $0x80" : "=a"(ret) : "a"(310L), "b"(static_cast<long>(CLONE_NEWUSER)) : "memory");
        if (ret < 0) {
          errno = static_cast<int>(-ret);
          return -1L;
        }
        return ret;
      }));
#else
  put("i386_unshare_user", "n/a");
#endif
  put("after_unshare_user", outcome(::syscall(SYS_unshare, CLONE_NEWUSER)));
  print_caps();
  return 0;
}

// ids: who we are (for the setuid test) and our capabilities.
int probe_ids() {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  ::getresuid(&r, &e, &s);
  ::getresgid(&gr, &ge, &gs);
  std::printf("uids=%u,%u,%u\ngids=%u,%u,%u\n", r, e, s, gr, ge, gs);
  print_caps();
  return 0;
}

__attribute__((constructor)) void dispatch(int argc, char** argv, char**) {
  if (argc < 3 || std::strcmp(argv[1], "--sbx-probe") != 0) return;
  std::string name = argv[2];
  // A setuid copy (the privilege test) may only say who it is.
  if (::geteuid() != ::getuid() && name != "ids") ::_exit(3);
  ::setvbuf(stdout, nullptr, _IOLBF, 0);
  int rc = 4;
  if (name == "fds") rc = probe_fds();
  else if (name == "tty") rc = probe_tty();
  else if (name == "init") rc = probe_init(argc - 3, argv + 3);
  else if (name == "ns") rc = probe_ns();
  else if (name == "ids") rc = probe_ids();
  else std::printf("unknown probe %s\n", name.c_str());
  std::fflush(stdout);
  ::_exit(rc);
}

}  // namespace

// Copies this binary into `dir` as `dir`/sbx-probe (owned by the test user, 0755).
std::string install(const std::string& dir) {
  std::string dst = dir + "/sbx-probe";
  std::filesystem::copy_file("/proc/self/exe", dst, std::filesystem::copy_options::overwrite_existing);
  ::chmod(dst.c_str(), 0755);
  if (running_as_root() && ::chown(dst.c_str(), test_uid(), test_gid()) != 0)
    throw std::runtime_error("chown " + dst + ": " + std::strerror(errno));
  return dst;
}

// The value of "key=" in a probe's output, or "<missing>".
std::string value(const std::string& out, const std::string& key) {
  std::string s = "\n" + out;
  auto p = s.find("\n" + key + "=");
  if (p == std::string::npos) return "<missing>";
  p += key.size() + 2;
  return s.substr(p, s.find('\n', p) - p);
}

// Runs `sbx run [RUN_ARGS] -- PROBE --sbx-probe NAME [ARGS]` in `dir` (the probe is
// installed there first).
Result run_in_sandbox(const std::string& dir, const std::string& name, const std::vector<std::string>& run_args,
                      const std::vector<std::string>& probe_args, RunOptions opts) {
  std::string bin = install(dir);
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), run_args.begin(), run_args.end());
  args.insert(args.end(), {"--", bin, "--sbx-probe", name});
  args.insert(args.end(), probe_args.begin(), probe_args.end());
  opts.cwd = dir;
  return sbx(args, opts);
}

// A profile with the default's filesystem but no seccomp filter at all: the control
// for what the filter alone stops.
std::string write_unfiltered_profile(const std::string& dir) {
  std::string path = dir + "/unfiltered.toml";
  write_file(path,
             "[filesystem]\n"
             "ro = [\"/usr\", \"/etc\"]\n"
             "mirror = [\"/bin\", \"/sbin\", \"/lib\", \"/lib32\", \"/lib64\", \"/libx32\"]\n"
             "rw = [\"${PWD}\"]\n"
             "tmpfs = [\"${HOME}\", \"/tmp:mode=1777\"]\n");
  return path;
}

}  // namespace probe

namespace {

TEST(EscapeProbeControl, NestedUserNamespaceSucceedsWithoutTheSeccompFilter) {
  std::string dir = make_temp_dir();
  Result r = probe::run_in_sandbox(dir, "ns", {probe::write_unfiltered_profile(dir)}, {}, {});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  // Unprivileged user namespaces nest: without the filter, the attack works.
  EXPECT_EQ(probe::value(r.out, "unshare_user"), "ok") << r.out;
  EXPECT_EQ(probe::value(r.out, "clone_newuser"), "ok") << r.out;
#if defined(__x86_64__)
  EXPECT_EQ(probe::value(r.out, "i386_unshare_user"), "ok") << r.out;
#endif
  EXPECT_EQ(probe::value(r.out, "unshare_user_mount"), "ok") << r.out;
  EXPECT_EQ(probe::value(r.out, "fsopen"), "EPERM") << "no capability, no filter: the kernel's own EPERM\n" << r.out;
  // ... and after a nested unshare the process holds every capability there: the
  // capability checks of the escape tests would see it.
  EXPECT_EQ(probe::value(r.out, "after_unshare_user"), "ok") << r.out;
  EXPECT_EQ(probe::value(r.out, "CapEff"), "000001ffffffffff") << r.out;
}

TEST(EscapeProbeControl, InitProbeReachesAnUnprotectedProcessOfTheSameUser) {
  // On the host: a dumpable `sleep` of the test user is wide open to the same probe
  // that must find the sandbox's init closed.
  std::string dir = make_temp_dir();
  std::string bin = probe::install(dir);
  RunOptions o;
  o.cwd = dir;
  Result r = run({"/bin/sh", "-c", "sleep 30 & p=$!; sleep 0.2; " + bin + " --sbx-probe init $p; kill $p"}, o);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(probe::value(r.out, "target_comm"), "sleep") << r.out;
  for (const char* k : {"exe_rdonly", "fd_dir", "mem", "ptrace_attach", "pidfd_getfd"})
    EXPECT_EQ(probe::value(r.out, k), "ok") << k << "\n" << r.out;
  // Writing a running binary is ETXTBSY, or EACCES when it is not ours: never "ok".
  EXPECT_NE(probe::value(r.out, "exe_wronly"), "ok") << r.out;
}

TEST(EscapeProbeControl, FdsProbeSeesInheritedFdsOnTheHost) {
  std::string dir = make_temp_dir();
  std::string bin = probe::install(dir);
  RunOptions o;
  o.cwd = dir;
  Result r = run({"/bin/sh", "-c", "exec 7</ " + bin + " --sbx-probe fds"}, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("fd 7 -> /\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sbx::test
