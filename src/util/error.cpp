#include "util/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <tuple>

namespace sbx {

namespace {

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& m : list) out += (out.empty() ? "" : "\n") + m;
  return out;
}

// ("file", line, column) from "file:line:col: message"; (message, 0, 0) without one.
std::tuple<std::string, long, long> position(const std::string& m) {
  for (size_t colon = m.find(':'); colon != std::string::npos; colon = m.find(':', colon + 1)) {
    char* end = nullptr;
    long line = std::strtol(m.c_str() + colon + 1, &end, 10);
    if (end == m.c_str() + colon + 1 || *end != ':') continue;
    char* end2 = nullptr;
    long col = std::strtol(end + 1, &end2, 10);
    if (end2 == end + 1 || *end2 != ':') continue;
    return {m.substr(0, colon), line, col};
  }
  return {m, 0, 0};
}

}  // namespace

Errors::Errors(std::vector<std::string> list) : Error(joined(list)), list_(std::move(list)) {}

void ErrorList::add(const std::string& message) {
  // One error per place: a value that failed once (an undefined variable) is not
  // reported again by the checks that see it unexpanded.
  auto [file, line, col] = position(message);
  for (const auto& m : list_) {
    if (m == message) return;
    if (line > 0 && position(m) == std::tuple(file, line, col)) return;
  }
  list_.push_back(message);
}

void ErrorList::add(const Error& e) {
  if (auto* many = dynamic_cast<const Errors*>(&e)) {
    for (const auto& m : many->list()) add(m);
  } else {
    add(std::string(e.what()));
  }
}

void ErrorList::throw_if_any() const {
  if (list_.empty()) return;
  if (list_.size() == 1) throw Error(list_.front());
  std::vector<std::string> sorted = list_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const std::string& a, const std::string& b) { return position(a) < position(b); });
  if (sorted.size() > kMax) {
    size_t more = sorted.size() - kMax;
    sorted.resize(kMax);
    sorted.push_back("... and " + std::to_string(more) + " more error" + (more == 1 ? "" : "s"));
  }
  throw Errors(std::move(sorted));
}

void throw_errno(const std::string& what, int err) { throw Error(what + ": " + std::strerror(err)); }
void throw_errno(const std::string& what) { throw_errno(what, errno); }

}  // namespace sbx
