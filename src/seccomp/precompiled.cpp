#include "seccomp/precompiled.hpp"

#include <seccomp.h>

#include "spec/oci_json.hpp"

namespace sbx {

namespace {
std::span<const PrecompiledFilter> g_table;
}  // namespace

std::string filter_key(const Seccomp& sc) {
  const struct scmp_version* v = seccomp_version();
  std::string key = seccomp_to_json(sc).dump();
  key += "|libseccomp ";
  key += std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
  key += "|arch ";
  key += std::to_string(seccomp_arch_native());
  return key;
}

void use_precompiled_filters(std::span<const PrecompiledFilter> table) { g_table = table; }

std::optional<CompiledFilter> find_precompiled(const Seccomp& sc) {
  if (g_table.empty()) return std::nullopt;
  std::string key = filter_key(sc);
  for (const auto& f : g_table) {
    if (f.key != key) continue;
    CompiledFilter out;
    out.program.assign(f.program, f.program + f.length);
    out.flags = f.flags;
    out.uses_notify = f.uses_notify;
    return out;
  }
  return std::nullopt;
}

}  // namespace sbx
