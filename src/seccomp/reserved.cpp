#include "seccomp/reserved.hpp"

namespace sbx {

namespace {

struct Reserved {
  const char* name;
  const char* why;
};

constexpr Reserved kReserved[] = {
    {"sendmsg", "the sandbox sends the listener fd to sbx with it, before anyone could answer"},
    {"sendto", "the sandbox reports to sbx with it after the filter is installed"},
    {"write", "the sandbox reports its own failures with it after the filter is installed"},
    {"close", "the sandbox closes its copy of the listener fd with it"},
    {"execve", "the sandbox starts the command with it"},
    {"execveat", "the sandbox may start the command with it"},
    {"exit", "every thread needs it to end"},
    {"exit_group", "every process needs it to end"},
    {"rt_sigreturn", "every process needs it to return from a signal handler"},
    {"restart_syscall", "the kernel uses it to resume interrupted sleeps"},
};

}  // namespace

const std::vector<std::string>& syscalls_sbx_needs() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& r : kReserved) v.emplace_back(r.name);
    return v;
  }();
  return names;
}

std::optional<std::string> notify_refusal_reason(const std::string& name) {
  for (const auto& r : kReserved)
    if (name == r.name) return std::string(r.why);
  return std::nullopt;
}

}  // namespace sbx
