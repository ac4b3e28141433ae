#include "sandbox/user_counters.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sandbox/report.hpp"
#include "util/fd.hpp"

namespace sbx {

namespace {
constexpr const char* kDir = "/proc/sys/user";
}

std::vector<std::pair<std::string, uint64_t>> sandbox_user_counters() {
  std::vector<std::pair<std::string, uint64_t>> out;
  UniqueFd dir(::open(kDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return out;  // no such sysctls on this kernel: nothing to cap
  DIR* d = ::fdopendir(::fcntl(dir.get(), F_DUPFD_CLOEXEC, 0));
  if (!d) return out;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, "max_", 4) != 0) continue;
    UniqueFd f(::openat(dir.get(), e->d_name, O_RDONLY | O_CLOEXEC));
    char buf[32] = {};
    if (!f || ::read(f.get(), buf, sizeof buf - 1) <= 0) continue;
    unsigned long long v = std::strtoull(buf, nullptr, 10);
    out.emplace_back(e->d_name, v / 2);
  }
  ::closedir(d);
  return out;
}

namespace child {

void cap_user_counters(const Plan& plan) {
  if (plan.user_counters.empty()) return;
  // This process's view of /proc/sys/user is its own user namespace's (the set is
  // chosen by the opener's user namespace), whichever procfs it goes through.
  int dir = ::open(kDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) fail_errno("open", kDir);
  for (const auto& c : plan.user_counters) {
    int f = ::openat(dir, c.name.c_str(), O_WRONLY | O_CLOEXEC);
    if (f < 0) fail_errno("cap the per-user counter", c.name.c_str());
    char buf[24];
    int n = std::snprintf(buf, sizeof buf, "%llu\n", static_cast<unsigned long long>(c.value));
    if (::write(f, buf, static_cast<size_t>(n)) != n) fail_errno("cap the per-user counter", c.name.c_str());
    ::close(f);
  }
  ::close(dir);
}

}  // namespace child

}  // namespace sbx
