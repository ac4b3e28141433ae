// Startup trace points: with -DSBX_STARTUP_TRACE=ON, each SBX_TRACE_POINT("name") writes
// "T <CLOCK_MONOTONIC seconds> name" to stderr, from the parent, the sandbox child and
// the workload alike (one write(2) each: no allocation, no locks, fine after clone).
// bench/timeline.sh builds sbx that way and turns the points of many runs into a table
// of median phase times. In a normal build the macro is nothing at all.
#pragma once
#ifdef SBX_STARTUP_TRACE
#include <time.h>
#include <unistd.h>

#include <cstdio>

namespace sbx {
inline void trace_point(const char* name) {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  char buf[128];
  int n = std::snprintf(buf, sizeof buf, "T %ld.%06ld %s\n", static_cast<long>(ts.tv_sec), ts.tv_nsec / 1000, name);
  if (n > 0) {
    ssize_t w = ::write(STDERR_FILENO, buf, static_cast<size_t>(n));
    (void)w;
  }
}
}  // namespace sbx
#define SBX_TRACE_POINT(name) ::sbx::trace_point(name)
#else
#define SBX_TRACE_POINT(name) ((void)0)
#endif
