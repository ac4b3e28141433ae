// sbx's own failures. Parent-side code throws sbx::Error; main() prints
// "sbx: <message>" and exits with kExitSbxFailure. (The child side never throws:
// it reports over the channel, see launch/channel.hpp.)
#pragma once
#include <stdexcept>
#include <string>

namespace sbx {

// Exit statuses, as env(1), timeout(1) and `docker run` use them.
inline constexpr int kExitTimeout = 124;
inline constexpr int kExitSbxFailure = 125;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// "what: strerror(errno)" for a failed syscall.
[[noreturn]] void throw_errno(const std::string& what, int err);
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace sbx
