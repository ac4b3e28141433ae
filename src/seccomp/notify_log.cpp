#include "seccomp/notify_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <nlohmann/json.hpp>

#include "seccomp/syscall_names.hpp"
#include "util/error.hpp"

namespace sbx {

NotifyLog::NotifyLog(const std::string& path, bool truncate, const std::string& what) : path_(path) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND);
  fd_.reset(::open(path.c_str(), flags, 0644));
  if (!fd_) throw Error(what + ": cannot open " + path + " for writing: " + std::strerror(errno));
  buf_.reserve(64 * 1024UL);
}

void NotifyLog::add(const NotifyEvent& e) {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm {};
  ::gmtime_r(&ts.tv_sec, &tm);
  char when[40];
  size_t n = std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(when + n, sizeof when - n, ".%06ldZ", ts.tv_nsec / 1000);

  nlohmann::ordered_json j = {
      {"time", when},
      {"pid", e.pid},
      {"arch", abi_name(e.arch, e.nr)},
      {"syscall", e.syscall},
      {"nr", static_cast<uint32_t>(e.nr) & ~0x40000000u},
      {"args", {e.args[0], e.args[1], e.args[2], e.args[3], e.args[4], e.args[5]}},
      {"decision", e.allowed ? "allow" : "deny"},
  };
  if (!e.allowed) {
    const char* name = ::strerrorname_np(e.err);
    if (name) j["errno"] = name;
    else j["errno"] = e.err;
  }
  if (e.action) j["action"] = e.action;
  buf_ += j.dump();
  buf_ += '\n';
}

void NotifyLog::flush() {
  size_t off = 0;
  while (off < buf_.size()) {
    ssize_t w = ::write(fd_.get(), buf_.data() + off, buf_.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (!failed_) std::fprintf(stderr, "sbx: seccomp log %s: write failed: %s\n", path_.c_str(), std::strerror(errno));
      failed_ = true;
      break;
    }
    off += static_cast<size_t>(w);
  }
  buf_.clear();
}

}  // namespace sbx
