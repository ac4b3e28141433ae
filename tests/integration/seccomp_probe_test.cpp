// The seccomp probe: a small C program, built once per test process with the host's
// `cc` into a directory of the test user, that makes real syscalls and prints one line
// per result ("LABEL ret=N", "LABEL errno=NAME", "LABEL ok"). The seccomp_* and notify_*
// tests run it inside sandboxes. This file also holds its controls: the same probes in
// a sandbox without the seccomp filter succeed (or fail differently), which shows that
// each seccomp test can fail.
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <map>
#include <sstream>
#include <stdexcept>

#include "harness.hpp"

namespace sbx::test {

// Shared with the other seccomp_* and notify_* tests, which declare them again (the
// test tree has no header of ours): see the definitions below.
const std::string& seccomp_probe_dir();
const std::string& no_seccomp_profile();
Result run_probe(const std::string& commands, const std::vector<std::string>& run_args = {}, RunOptions opts = {});
std::map<std::string, std::string> probe_lines(const std::string& out);

namespace {

const char* kProbeSource = R"PROBE(
// sbx seccomp probe: each command makes real syscalls and prints one line per result,
// "LABEL ok", "LABEL ret=N" or "LABEL errno=NAME".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char buf[65536];

static void result(const char* label, long rc) {
  if (rc >= 0) printf("%s ret=%ld\n", label, rc);
  else printf("%s errno=%s\n", label, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  fflush(stdout);
}

static unsigned long arg(const char* s) {
  if (!strcmp(s, "buf")) return (unsigned long)buf;
  if (!strncmp(s, "str:", 4)) return (unsigned long)(s + 4);
  if (!strcmp(s, "self")) return (unsigned long)getpid();
  return strtoull(s, NULL, 0);
}

// sys LABEL NR [ARGS...]: a raw syscall.
static int cmd_sys(int argc, char** argv) {
  unsigned long a[6] = {0};
  for (int i = 0; i < 6 && 3 + i < argc; ++i) a[i] = arg(argv[3 + i]);
  errno = 0;
  long rc = syscall(strtol(argv[2], NULL, 0), a[0], a[1], a[2], a[3], a[4], a[5]);
  result(argv[1], rc);
  return 0;
}

// int80 LABEL NR [ARGS...]: an i386 syscall from this 64-bit process.
static int cmd_int80(int argc, char** argv) {
  long nr = strtol(argv[2], NULL, 0), b = argc > 3 ? (long)arg(argv[3]) : 0, c = argc > 4 ? (long)arg(argv[4]) : 0,
       d = argc > 5 ? (long)arg(argv[5]) : 0;
  long rc;
  __asm__ volatile("int $0x80" : "=a"(rc) : "a"(nr), "b"(b), "c"(c), "d"(d) : "memory");
  if (rc < 0 && rc > -4096) {
    errno = (int)-rc;
    rc = -1;
  }
  result(argv[1], rc);
  return 0;
}

// clone LABEL FLAGS: fork-like clone with extra flags; the child exits at once.
static int cmd_clone(int argc, char** argv) {
  (void)argc;
  long rc = syscall(SYS_clone, strtoul(argv[2], NULL, 0) | SIGCHLD, 0, 0, 0, 0);
  if (rc == 0) _exit(0);
  if (rc > 0) waitpid((pid_t)rc, NULL, 0);
  result(argv[1], rc > 0 ? 0 : rc);
  return 0;
}

// tiocsti LABEL REQUEST: inject a byte into our own controlling pseudo-terminal with
// ioctl(REQUEST) and report whether it arrived ("ok": injected).
static int cmd_tiocsti(int argc, char** argv) {
  (void)argc;
  unsigned long req = strtoull(argv[2], NULL, 0);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) || unlockpt(m)) {
    result("pty", -1);
    return 1;
  }
  char name[128];
  if (ptsname_r(m, name, sizeof name)) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    if (setsid() < 0) _exit(90);
    int s = open(name, O_RDWR);  // our controlling terminal now
    if (s < 0) _exit(91);
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    char c = 'X';
    errno = 0;
    long rc = syscall(SYS_ioctl, s, req, &c);
    int n = 0;
    ioctl(s, FIONREAD, &n);
    if (rc == 0 && n > 0) printf("%s ok injected=%d\n", argv[1], n);
    else result(argv[1], rc);
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  return 0;
}

static void* spin(void* p) {
  volatile long* x = p;
  for (int i = 0; i < 100000; ++i) *x += i;
  return NULL;
}

// threads LABEL N: start N threads and join them.
static int cmd_threads(int argc, char** argv) {
  (void)argc;
  int n = atoi(argv[2]);
  pthread_t t[64];
  long v[64] = {0};
  for (int i = 0; i < n && i < 64; ++i)
    if (pthread_create(&t[i], NULL, spin, &v[i])) {
      result(argv[1], -1);
      return 1;
    }
  for (int i = 0; i < n && i < 64; ++i) pthread_join(t[i], NULL);
  printf("%s ok\n", argv[1]);
  return 0;
}

static void* one_syscall(void* p) {
  syscall(*(long*)p);
  return NULL;
}

// thread-sys LABEL NR: make syscall NR in a second thread; report that the process
// survived it (kill_thread kills only that thread).
static int cmd_thread_sys(int argc, char** argv) {
  (void)argc;
  long nr = strtol(argv[2], NULL, 0);
  pthread_t t;
  if (pthread_create(&t, NULL, one_syscall, &nr)) return 1;
  pthread_join(t, NULL);
  printf("%s survived\n", argv[1]);
  return 0;
}

struct tsys_arg {
  long nr, calls, failed;
  int err;
};

static void* tsys_thread(void* p) {
  struct tsys_arg* a = p;
  for (long i = 0; i < a->calls; ++i)
    if (syscall(a->nr, i) < 0) {
      ++a->failed;
      a->err = errno;
    }
  return NULL;
}

// tsys LABEL THREADS NR CALLS: THREADS threads make syscall NR (argument: a counter)
// CALLS times each, concurrently; prints the totals and the errno of the failures.
static int cmd_tsys(int argc, char** argv) {
  (void)argc;
  int n = atoi(argv[2]);
  struct tsys_arg a[64];
  pthread_t t[64];
  if (n > 64) n = 64;
  for (int i = 0; i < n; ++i) {
    a[i] = (struct tsys_arg){strtol(argv[3], NULL, 0), atol(argv[4]), 0, 0};
    if (pthread_create(&t[i], NULL, tsys_thread, &a[i])) return 1;
  }
  long calls = 0, failed = 0;
  int err = 0;
  for (int i = 0; i < n; ++i) {
    pthread_join(t[i], NULL);
    calls += a[i].calls;
    failed += a[i].failed;
    if (a[i].err) err = a[i].err;
  }
  printf("%s calls=%ld failed=%ld errno=%s\n", argv[1], calls, failed, err ? strerrorname_np(err) : "0");
  return 0;
}

// ptrace LABEL: attach to a child of ours (gdb's case), then to pid 1 (sbx's init).
static int cmd_ptrace(int argc, char** argv) {
  (void)argc;
  pid_t c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  long rc = ptrace(PTRACE_ATTACH, c, 0, 0);
  if (rc == 0) {
    int st;
    waitpid(c, &st, 0);
    ptrace(PTRACE_DETACH, c, 0, 0);
  }
  char l[64];
  snprintf(l, sizeof l, "%s-child", argv[1]);
  result(l, rc);
  kill(c, SIGKILL);
  waitpid(c, NULL, 0);
  snprintf(l, sizeof l, "%s-init", argv[1]);
  result(l, ptrace(PTRACE_ATTACH, 1, 0, 0));
  return 0;
}

// loop N NR: N raw syscalls NR (no arguments), timed; prints ns per call.
static int cmd_loop(int argc, char** argv) {
  (void)argc;
  long n = atol(argv[1]), nr = strtol(argv[2], NULL, 0);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  long fails = 0;
  for (long i = 0; i < n; ++i)
    if (syscall(nr) < 0) ++fails;
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
  printf("loop n=%ld ns_per_call=%.1f calls_per_sec=%.0f failed=%ld errno=%s\n", n, ns / n, n / (ns / 1e9), fails,
         fails ? strerrorname_np(errno) : "0");
  return 0;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);  // forks below must not repeat buffered lines
  // Several commands in one run: "cmd args... -- cmd args...".
  int start = 1;
  for (int i = 1; i <= argc; ++i) {
    if (i < argc && strcmp(argv[i], "--")) continue;
    int n = i - start;
    char** v = argv + start;
    start = i + 1;
    if (n < 1) continue;
    const char* c = v[0];
    if (!strcmp(c, "sys") && n >= 3) cmd_sys(n, v);
    else if (!strcmp(c, "int80") && n >= 3) cmd_int80(n, v);
    else if (!strcmp(c, "clone") && n >= 3) cmd_clone(n, v);
    else if (!strcmp(c, "tiocsti") && n >= 3) cmd_tiocsti(n, v);
    else if (!strcmp(c, "threads") && n >= 3) cmd_threads(n, v);
    else if (!strcmp(c, "ptrace") && n >= 2) cmd_ptrace(n, v);
    else if (!strcmp(c, "thread-sys") && n >= 3) cmd_thread_sys(n, v);
    else if (!strcmp(c, "tsys") && n >= 5) cmd_tsys(n, v);
    else if (!strcmp(c, "loop") && n >= 3) cmd_loop(n, v);
    else {
      fprintf(stderr, "probe: bad command %s\n", c);
      return 2;
    }
  }
  return 0;
}
)PROBE";

}  // namespace

const std::string& seccomp_probe_dir() {
  static const std::string dir = [] {
    std::string d = make_temp_dir("seccomp-probe");
    write_file(d + "/probe.c", kProbeSource);
    RunOptions o;
    o.cwd = d;
    Result r = run({"cc", "-O2", "-pthread", "-o", "probe", "probe.c"}, o);
    if (r.status != 0) throw std::runtime_error("cannot build the seccomp probe: " + r.err);
    return d;
  }();
  return dir;
}

const std::string& no_seccomp_profile() {
  static const std::string path = [] {
    std::string text = read_file(std::string(SBX_SOURCE_DIR) + "/profiles/default.toml");
    text = text.substr(0, text.find("\n[seccomp]\n") + 1);
    std::string p = make_temp_dir("profiles") + "/no-seccomp.toml";
    write_file(p, text);
    return p;
  }();
  return path;
}

Result run_probe(const std::string& commands, const std::vector<std::string>& run_args, RunOptions opts) {
  if (opts.cwd.empty()) opts.cwd = seccomp_probe_dir();
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), run_args.begin(), run_args.end());
  args.insert(args.end(), {"--", "/bin/sh", "-c", commands});
  return sbx(args, opts);
}

std::map<std::string, std::string> probe_lines(const std::string& out) {
  std::map<std::string, std::string> m;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    auto sp = line.find(' ');
    if (sp != std::string::npos) m[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return m;
}

namespace {

// Each probe in its own process, so that one succeeding (say, unshare) cannot change
// what the next one sees.
std::string each(const std::vector<std::string>& probes, const std::string& dir = "") {
  std::string s;
  for (const auto& p : probes) s += (dir.empty() ? "./probe " : dir + "/probe ") + p + "; ";
  return s;
}

// The syscalls the baseline refuses, as attempts whose result without the filter is
// something else (success, EFAULT, EBADF, ...): label, probe command, result under the
// default profile.
struct Attempt {
  const char* label;
  std::string command;
  const char* filtered;
};

std::vector<Attempt> attempts() {
  auto sys = [](const char* label, long nr, const std::string& args) {
    return std::string("sys ") + label + " " + std::to_string(nr) + " " + args;
  };
  return {
      {"unshare", sys("unshare", SYS_unshare, "0x10000000"), "errno=EPERM"},
      {"setns", sys("setns", SYS_setns, "-1 0"), "errno=EPERM"},
      {"clone-newuser", "clone clone-newuser 0x10000000", "errno=EPERM"},
      {"clone-newns", "clone clone-newns 0x00020000", "errno=EPERM"},
      {"clone3", sys("clone3", SYS_clone3, "buf 88"), "errno=ENOSYS"},
      {"mount", sys("mount", SYS_mount, "0 0 0 0 0"), "errno=EPERM"},
      {"open_tree", sys("open_tree", SYS_open_tree, "-100 str:. 0"), "errno=EPERM"},
      {"io_uring_setup", sys("io_uring_setup", SYS_io_uring_setup, "1 buf"), "errno=ENOSYS"},
      {"name_to_handle_at", sys("name_to_handle_at", SYS_name_to_handle_at, "-100 str:. buf buf 0"), "errno=EPERM"},
      {"keyctl", sys("keyctl", SYS_keyctl, "0 -2 0"), "errno=EPERM"},
      {"add_key", sys("add_key", SYS_add_key, "0 0 0 0 0"), "errno=EPERM"},
      {"userfaultfd", sys("userfaultfd", SYS_userfaultfd, "1"), "errno=EPERM"},
      {"perf_event_open", sys("perf_event_open", SYS_perf_event_open, "0 0 -1 -1 0"), "errno=EPERM"},
      {"bpf", sys("bpf", SYS_bpf, "-1 0 0"), "errno=EPERM"},
      {"kcmp", sys("kcmp", SYS_kcmp, "self self 0 0 0"), "errno=EPERM"},
      {"pidfd_getfd", sys("pidfd_getfd", SYS_pidfd_getfd, "-1 0 0"), "errno=EPERM"},
      {"clock_settime", sys("clock_settime", SYS_clock_settime, "0 0"), "errno=EPERM"},
      {"personality-rie", sys("personality-rie", SYS_personality, "0x0400000"), "errno=EPERM"},
      {"personality-bit31", sys("personality-bit31", SYS_personality, "0x80400000"), "errno=EPERM"},
      {"vsock", sys("vsock", SYS_socket, "40 1 0"), "errno=EPERM"},
      {"tiocsti", "tiocsti tiocsti 0x5412", "errno=EPERM"},
      {"tiocsti-high", "tiocsti tiocsti-high 0x100005412", "errno=EPERM"},
      {"i386-unshare", "int80 i386-unshare 310 0x10000000", "errno=EPERM"},
      {"x32-unshare", sys("x32-unshare", 0x40000000 | SYS_unshare, "0x10000000"), "errno=EPERM"},
  };
}

std::string all_attempts() {
  std::vector<std::string> cmds;
  for (const auto& a : attempts()) cmds.push_back(a.command);
  return each(cmds);
}

}  // namespace

TEST(SeccompBaseline, EveryEscapeAttemptIsRefusedFromInsideTheSandbox) {
  Result r = run_probe(all_attempts());
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  for (const auto& a : attempts()) EXPECT_EQ(got[a.label], a.filtered) << a.label << "\n" << r.out;
}

TEST(SeccompBaseline, WithoutTheFilterTheSameAttemptsGetFurther) {
  // The control: the default profile minus its [seccomp] tables. Every attempt that the
  // kernel would let through or fail differently shows the filter is what refused it.
  Result r = run_probe(all_attempts(), {no_seccomp_profile()});
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  int differ = 0;
  for (const auto& a : attempts()) differ += got[a.label] != a.filtered;
  // What the kernel itself refuses to an unprivileged user (clone with a namespace flag
  // inside the sandbox's user namespace, mount, bpf, clock_settime, ...) fails the same
  // way; the rest must not.
  // Linux 6.2+ can refuse TIOCSTI to everyone without CAP_SYS_ADMIN
  // (dev.tty.legacy_tiocsti = 0); then only the filter's EPERM tells them apart.
  std::string legacy = read_file("/proc/sys/dev/tty/legacy_tiocsti");
  bool tiocsti_works = legacy.empty() || legacy[0] == '1';
  std::vector<std::string> must_differ = {"unshare", "setns", "open_tree", "io_uring_setup", "name_to_handle_at",
                                          "keyctl", "add_key", "userfaultfd", "perf_event_open", "kcmp", "pidfd_getfd",
                                          "personality-rie", "personality-bit31", "i386-unshare", "x32-unshare",
                                          "mount", "clone3"};
  if (tiocsti_works) must_differ.insert(must_differ.end(), {"tiocsti", "tiocsti-high"});
  for (const auto& label : must_differ) {
    std::string filtered;
    for (const auto& a : attempts())
      if (a.label == label) filtered = a.filtered;
    EXPECT_NE(got[label], filtered) << label << " fails the same way without the filter:\n" << r.out;
  }
  if (tiocsti_works) {
    EXPECT_EQ(got["tiocsti"], "ok injected=1") << r.out;
    EXPECT_EQ(got["tiocsti-high"], "ok injected=1") << "the kernel ignores the high bits:\n" << r.out;
  }
  EXPECT_GE(differ, static_cast<int>(must_differ.size()));
}

TEST(SeccompBaseline, PersonalityQueryAndHarmlessValuesStillWork) {
  Result r = run_probe(each({"sys query 135 0xffffffff", "sys linux32 135 8", "sys uname26 135 0x20000",
                             "sys norandom 135 0x0040000", "sys pagezero 135 0x0100000", "sys bit31 135 0x80000000"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["query"].rfind("ret=", 0), 0u) << r.out;
  EXPECT_EQ(got["linux32"].rfind("ret=", 0), 0u) << r.out;
  EXPECT_EQ(got["uname26"].rfind("ret=", 0), 0u) << r.out;
  EXPECT_EQ(got["norandom"], "errno=EPERM") << r.out;
  EXPECT_EQ(got["pagezero"], "errno=EPERM") << r.out;
  EXPECT_EQ(got["bit31"], "errno=EPERM") << r.out;
  // linux32 really switches: uname -m says i686.
  Result u = sbx({"run", "--", "setarch", "linux32", "uname", "-m"});
  EXPECT_EQ(u.status, 0) << u.err;
  EXPECT_EQ(u.out, "i686\n");
}

TEST(SeccompBaseline, ThreadsWorkAlthoughClone3IsRefused) {
  Result r = run_probe(each({"sys clone3 435 buf 88", "threads threads 16"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["clone3"], "errno=ENOSYS") << r.out;
  EXPECT_EQ(got["threads"], "ok") << r.out;
}

TEST(SeccompBaseline, PtraceReachesTheSandboxsOwnProcessesButNotItsInit) {
  Result r = run_probe("./probe ptrace ptrace");
  ASSERT_EQ(r.status, 0) << r.err;
  auto got = probe_lines(r.out);
  EXPECT_EQ(got["ptrace-child"], "ret=0") << r.out;
  EXPECT_EQ(got["ptrace-init"], "errno=EPERM") << r.out;
}

TEST(SeccompBaseline, StraceWorksInside) {
  Result which = run({"sh", "-c", "command -v strace"});
  if (which.status != 0) GTEST_SKIP() << "strace is not installed";
  Result r = sbx({"run", "--", "strace", "-f", "-e", "trace=execve", "/bin/sh", "-c", "/bin/true"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("execve(\"/bin/true\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("+++ exited with 0 +++"), std::string::npos) << r.err;
}

}  // namespace sbx::test
