/* Runs a command N times, one after the other, and brackets each run with trace lines
 * in the format of src/util/startup_trace.hpp ("T <monotonic seconds> name", on stderr):
 * "RUN", then "T ... start" before fork and "T ... end" after the wait. With a sbx
 * built with SBX_STARTUP_TRACE=ON, the lines in between are sbx's own trace points.
 *   trace_runner N COMMAND [ARGS...]                       (bench/timeline.sh) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void mark(const char *name) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  fprintf(stderr, "T %ld.%06ld %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000, name);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: trace_runner N COMMAND [ARGS...]\n");
    return 2;
  }
  int n = atoi(argv[1]);
  for (int i = 0; i < n; i++) {
    fprintf(stderr, "RUN\n");
    mark("start");
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
      execv(argv[2], argv + 2);
      _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) return 1;
    mark("end");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "trace_runner: run %d: %s failed (status 0x%x)\n", i, argv[2], status);
      return 1;
    }
  }
  return 0;
}
