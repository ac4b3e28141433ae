#include "spec/unrooted.hpp"

#include <algorithm>
#include <vector>

namespace sbx {

std::string unrooted_warning(const std::string& file, const Spec& spec) {
  std::vector<std::string> missing;
  if (!spec.linux.seccomp) missing.push_back("no seccomp filter (nested user namespaces, keyrings, bpf... are allowed)");
  bool usr = std::any_of(spec.mounts.begin(), spec.mounts.end(), [](const Mount& m) { return m.destination == "/usr"; }) ||
             std::any_of(spec.sbx.symlinks.begin(), spec.sbx.symlinks.end(),
                         [](const SbxExtensions::Symlink& l) { return l.path == "/usr"; });
  if (!usr) missing.push_back("no /usr");
  bool path = std::any_of(spec.process.env.begin(), spec.process.env.end(),
                          [](const std::string& e) { return e.rfind("PATH=", 0) == 0; });
  if (!path) missing.push_back("no PATH");
  if (missing.empty()) return {};
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) list += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
  return file + " extends no profile, so it starts from nothing: " + list +
         "; add extends = \"default\" to build on the default sandbox, or extends = \"none\" to start from "
         "nothing on purpose";
}

}  // namespace sbx
