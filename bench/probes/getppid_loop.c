// getppid() loop: N raw syscalls, prints the time per iteration.
//   getppid_loop [N]      (default 5,000,000)
// Output: "iters=N elapsed_ns=T ns_per_iter=X errors=E" (E: calls that returned -1,
// which is how a seccomp notify "deny" shows: used to check that notify is live).
// The raw syscall is used so that no libc caching can hide the kernel entry; the
// result is read so the compiler cannot drop the loop.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 5000000L;
  long errors = 0;
  for (long i = 0; i < 1000; ++i) errors += syscall(SYS_getppid) < 0;  // warm up
  errors = 0;
  long long t0 = now_ns();
  for (long i = 0; i < n; ++i) errors += syscall(SYS_getppid) < 0;
  long long t1 = now_ns();
  printf("iters=%ld elapsed_ns=%lld ns_per_iter=%.2f errors=%ld\n", n, t1 - t0, (double)(t1 - t0) / (double)n, errors);
  return 0;
}
