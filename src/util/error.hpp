// sbx's own failures. Parent-side code throws sbx::Error; main() prints
// "sbx: <message>" and exits with kExitSbxFailure. (The child side never throws:
// it reports over the channel, see launch/channel.hpp.)
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

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

// Several errors found in one go (a profile's, each "file:line:col: message"): what()
// is them all, one per line; main() prints each as its own "sbx: " line.
class Errors : public Error {
 public:
  explicit Errors(std::vector<std::string> list);
  const std::vector<std::string>& list() const { return list_; }

 private:
  std::vector<std::string> list_;
};

// Collects errors instead of stopping at the first, so that a profile's are all
// reported at once, in file order, up to kMax.
class ErrorList {
 public:
  static constexpr size_t kMax = 20;
  void add(const std::string& message);
  void add(const Error& e);  // an Errors adds each of its own
  bool empty() const { return list_.empty(); }
  // Throws them (sorted by file, line and column; the first kMax, then a count of the
  // rest) as one Error, or an Errors for more than one; nothing if there are none.
  void throw_if_any() const;

 private:
  std::vector<std::string> list_;
};

// "what: strerror(errno)" for a failed syscall.
[[noreturn]] void throw_errno(const std::string& what, int err);
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace sbx
