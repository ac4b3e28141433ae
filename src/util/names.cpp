#include "util/names.hpp"

#include <sys/capability.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cstring>
#include <map>

namespace sbx {

namespace {
const std::map<std::string, int>& errno_table() {
  static const std::map<std::string, int> table = [] {
    std::map<std::string, int> m;
    for (int e = 1; e < 4096; ++e) {
      const char* n = ::strerrorname_np(e);
      if (n) m.emplace(n, e);
    }
    // Aliases glibc names by their other spelling.
    m.emplace("ENOTSUP", ENOTSUP);
    m.emplace("EWOULDBLOCK", EWOULDBLOCK);
    m.emplace("EDEADLOCK", EDEADLOCK);
    return m;
  }();
  return table;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct RlimitName {
  const char* name;
  int resource;
};
constexpr RlimitName kRlimits[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};
}  // namespace

std::optional<int> errno_from_name(const std::string& name) {
  auto it = errno_table().find(name);
  if (it == errno_table().end()) return std::nullopt;
  return it->second;
}

std::string errno_name(int err) {
  const char* n = ::strerrorname_np(err);
  return n ? n : std::to_string(err);
}

std::vector<std::string> errno_names() {
  std::vector<std::string> out;
  for (auto& [k, _] : errno_table()) out.push_back(k);
  return out;
}

std::optional<std::string> normalize_capability(const std::string& name) {
  std::string n = lower(name);
  if (n.rfind("cap_", 0) != 0) n = "cap_" + n;
  cap_value_t v;
  if (cap_from_name(n.c_str(), &v) != 0) return std::nullopt;
  // libcap also accepts plain numbers; profiles must use names.
  if (std::isdigit(static_cast<unsigned char>(name[0]))) return std::nullopt;
  return upper(n);
}

std::optional<int> capability_value(const std::string& canonical_name) {
  cap_value_t v;
  if (cap_from_name(lower(canonical_name).c_str(), &v) != 0) return std::nullopt;
  return static_cast<int>(v);
}

std::vector<std::string> capability_names() {
  std::vector<std::string> out;
  for (cap_value_t v = 0; v <= CAP_LAST_CAP; ++v) {
    char* n = cap_to_name(v);
    if (!n) continue;
    out.push_back(upper(n));
    cap_free(n);
  }
  return out;
}

std::optional<std::string> normalize_rlimit(const std::string& name) {
  std::string n = lower(name);
  if (n.rfind("rlimit_", 0) == 0) n = n.substr(7);
  for (const auto& r : kRlimits)
    if (n == r.name) return "RLIMIT_" + upper(n);
  return std::nullopt;
}

std::optional<int> rlimit_resource(const std::string& canonical_name) {
  std::string n = lower(canonical_name);
  if (n.rfind("rlimit_", 0) == 0) n = n.substr(7);
  for (const auto& r : kRlimits)
    if (n == r.name) return r.resource;
  return std::nullopt;
}

std::vector<std::string> rlimit_short_names() {
  std::vector<std::string> out;
  for (const auto& r : kRlimits) out.emplace_back(r.name);
  return out;
}

}  // namespace sbx
