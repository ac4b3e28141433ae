#include "profile/source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"

namespace sbx {

namespace fs = std::filesystem;

std::optional<std::string_view> embedded_profile(std::string_view name) {
  for (const auto& p : embedded_profiles())
    if (p.name == name) return p.text;
  return std::nullopt;
}

bool is_profile_path(std::string_view ref) {
  return ref.find('/') != std::string_view::npos || (ref.size() > 5 && ref.substr(ref.size() - 5) == ".toml") ||
         ref == "." || ref == "..";
}

namespace {
std::string installed_profiles_dir() {
  // <prefix>/bin/sbx -> <prefix>/share/sbx/profiles
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  buf[n] = '\0';
  fs::path exe(buf);
  return (exe.parent_path().parent_path() / "share" / "sbx" / "profiles").string();
}
}  // namespace

std::vector<std::string> profile_search_dirs() {
  std::vector<std::string> dirs;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') {
    dirs.push_back(std::string(xdg) + "/sbx/profiles");
  } else if (const char* home = std::getenv("HOME"); home && *home == '/') {
    dirs.push_back(std::string(home) + "/.config/sbx/profiles");
  }
  dirs.push_back("/etc/sbx/profiles");
  if (auto d = installed_profiles_dir(); !d.empty()) dirs.push_back(d);
  return dirs;
}

ProfileSource read_profile_file(const std::string& path, const std::string& context) {
  std::string prefix = context.empty() ? "" : context + ": ";
  if (path.size() >= PATH_MAX)
    throw Error(prefix + "profile path '" + printable(path.substr(0, 64)) + "...' is longer than PATH_MAX (" +
                std::to_string(PATH_MAX) + ")");
  const std::string shown = "profile '" + printable(path) + "'";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) {
    int err = errno;
    if (err == ENOENT)
      throw Error(prefix + shown + " does not exist" +
                  (context.empty() ? "; `sbx profiles` lists the profiles available by name" : ""));
    throw Error(prefix + "cannot open " + shown + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno(prefix + "stat " + shown);
  if (S_ISDIR(st.st_mode)) throw Error(prefix + shown + " is a directory, not a TOML file");
  if (!S_ISREG(st.st_mode)) throw Error(prefix + shown + " is not a regular file");
  if (static_cast<size_t>(st.st_size) > kMaxProfileBytes)
    throw Error(prefix + shown + " is " + std::to_string(st.st_size) + " bytes; profiles are limited to " +
                std::to_string(kMaxProfileBytes) + " bytes");
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno(prefix + "read " + shown);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  ProfileSource src;
  src.name = path;
  src.display = path;
  std::error_code ec;
  auto canon = fs::weakly_canonical(fs::absolute(path, ec), ec);
  src.identity = ec ? path : canon.string();
  src.dir = fs::path(src.identity).parent_path().string();
  src.text = std::move(text);
  return src;
}

ProfileSource find_profile(const std::string& ref, const std::string& base_dir, const std::string& context) {
  std::string prefix = context.empty() ? "" : context + ": ";
  if (ref.empty()) throw Error(prefix + "empty profile name");
  if (has_control_chars(ref)) throw Error(prefix + "control character in profile reference \"" + printable(ref) + "\"");
  // "builtin:NAME": the profile shipped in the binary, whatever the search path holds (a
  // user's own npm.toml extends the shipped npm this way).
  if (starts_with(ref, kBuiltinPrefix)) {
    std::string name = ref.substr(std::string_view(kBuiltinPrefix).size());
    if (auto src = builtin_profile(name)) return *src;
    std::vector<std::string> names;
    for (const auto& e : embedded_profiles()) names.emplace_back(e.name);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw Error(prefix + "no built-in profile named '" + name + "'" + did_you_mean(name, names) +
                " (built-in: " + list + ")");
  }
  if (is_profile_path(ref)) {
    std::string path = ref;
    if (ref[0] != '/' && !base_dir.empty()) path = (fs::path(base_dir) / ref).lexically_normal().string();
    return read_profile_file(path, context);
  }
  if (ref.find('\\') != std::string::npos || ref[0] == '.')
    throw Error(prefix + "invalid profile name '" + ref + "'");
  for (const auto& dir : profile_search_dirs()) {
    std::string path = dir + "/" + ref + ".toml";
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      ProfileSource src = read_profile_file(path, context);
      src.name = ref;
      return src;
    }
  }
  if (auto src = builtin_profile(ref)) return *src;
  std::vector<std::string> names;
  for (const auto& p : list_profiles()) names.push_back(p.name);
  throw Error(prefix + "no profile named '" + ref + "'" + did_you_mean(ref, names) +
              "; `sbx profiles` lists them, and a path needs a '/' or a .toml suffix");
}

std::optional<ProfileSource> builtin_profile(const std::string& name) {
  auto text = embedded_profile(name);
  if (!text) return std::nullopt;
  ProfileSource src;
  src.name = name;
  src.display = "<built-in " + name + ">";
  src.identity = "builtin:" + name;
  src.text = std::string(*text);
  src.builtin = true;
  return src;
}

std::vector<ProfileListing> list_profiles() {
  std::map<std::string, std::string> found;
  for (const auto& dir : profile_search_dirs()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const auto& p = entry.path();
      if (p.extension() != ".toml") continue;
      found.emplace(p.stem().string(), p.string());
    }
  }
  for (const auto& e : embedded_profiles()) found.emplace(std::string(e.name), "built-in");
  std::vector<ProfileListing> out;
  out.reserve(found.size());
  for (auto& [name, loc] : found) out.push_back({name, loc});
  return out;
}

}  // namespace sbx
