#include "sandbox/report.hpp"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdarg>
#include <cstring>

#include "launch/channel.hpp"
#include "util/error.hpp"

namespace sbx::child {

namespace {
int g_channel = -1;
bool g_verbose = false;
}  // namespace

void set_channel(int fd, bool verbose) {
  g_channel = fd;
  g_verbose = verbose;
}

int channel() { return g_channel; }

void fail(const char* step, const char* detail, int err) {
  Message m;
  m.type = MsgType::SetupFailed;
  m.err = err;
  std::snprintf(m.step, sizeof m.step, "%s", step ? step : "");
  std::snprintf(m.detail, sizeof m.detail, "%s", detail ? detail : "");
  send_message(g_channel, m);
  ::_exit(kExitSbxFailure);
}

void fail_errno(const char* step, const char* detail) { fail(step, detail, errno); }

// A C variadic on purpose: vsnprintf into a stack buffer, no allocation after clone.
void verbose(const char* fmt, ...) {  // NOLINT(cert-dcl50-cpp)
  if (!g_verbose) return;
  char buf[PATH_MAX + 128];
  int n = std::snprintf(buf, sizeof buf, "sbx: setup: ");
  va_list ap;
  va_start(ap, fmt);
  int m = std::vsnprintf(buf + n, sizeof buf - static_cast<size_t>(n) - 1, fmt, ap);
  va_end(ap);
  size_t len = static_cast<size_t>(n) + (m < 0 ? 0 : std::min<size_t>(static_cast<size_t>(m), sizeof buf - n - 2));
  buf[len++] = '\n';
  ssize_t w = ::write(STDERR_FILENO, buf, len);
  (void)w;
}

}  // namespace sbx::child
