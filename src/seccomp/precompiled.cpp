#include "seccomp/precompiled.hpp"

#include <seccomp.h>


namespace sbx {

namespace {
std::span<const PrecompiledFilter> g_table;
std::span<const PrebuiltSeccomp> g_seccomp;
}  // namespace

void use_prebuilt_seccomp(std::span<const PrebuiltSeccomp> table) { g_seccomp = table; }

bool has_prebuilt_seccomp(std::string_view profile) {
  for (const auto& p : g_seccomp)
    if (p.profile == profile) return true;
  return false;
}

std::optional<Seccomp> prebuilt_seccomp(std::string_view profile) {
  for (const auto& p : g_seccomp)
    if (p.profile == profile) return p.make();
  return std::nullopt;
}

namespace {

// Length-prefixed, so that no two different sections serialise alike ("ab","c" is not
// "a","bc"). Cheaper than the JSON it replaced: this runs on every `sbx run`.
void put(std::string& k, std::string_view s) {
  k += std::to_string(s.size());
  k += ':';
  k += s;
}
void put(std::string& k, uint64_t v) {
  k += std::to_string(v);
  k += ';';
}
void put(std::string& k, const std::optional<uint32_t>& v) {
  if (!v) {
    k += '-';
    return;
  }
  k += '+';
  put(k, uint64_t{*v});
}
void put(std::string& k, const std::vector<std::string>& v) {
  put(k, uint64_t{v.size()});
  for (const auto& s : v) put(k, s);
}

std::string build_key(std::string k) {
  const struct scmp_version* v = seccomp_version();
  k += "|libseccomp ";
  k += std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
  k += "|arch ";
  k += std::to_string(seccomp_arch_native());
  return k;
}

}  // namespace

std::string filter_key(const Seccomp& sc) {
  std::string k = "seccomp/2|";
  k.reserve(4096);
  put(k, sc.default_action);
  put(k, sc.default_errno_ret);
  put(k, sc.architectures);
  put(k, sc.flags);
  put(k, sc.listener_path);
  put(k, sc.listener_metadata);
  put(k, uint64_t{sc.unknown_enosys});
  put(k, uint64_t{sc.allow_numbers.size()});
  for (uint32_t n : sc.allow_numbers) put(k, uint64_t{n});
  put(k, uint64_t{sc.syscalls.size()});
  for (const auto& r : sc.syscalls) {
    put(k, r.names);
    put(k, r.action);
    put(k, r.errno_ret);
    put(k, uint64_t{r.args.size()});
    for (const auto& a : r.args) {
      put(k, uint64_t{a.index});
      put(k, a.value);
      put(k, a.value_two);
      put(k, a.op);
    }
  }
  return build_key(std::move(k));
}

std::string init_filter_key() { return build_key("init/1"); }

std::string precompiled_build_key(std::string k) { return build_key(std::move(k)); }

void use_precompiled_filters(std::span<const PrecompiledFilter> table) { g_table = table; }

std::optional<CompiledFilter> find_precompiled(const Seccomp& sc) {
  if (g_table.empty()) return std::nullopt;
  return find_precompiled_key(filter_key(sc));
}

std::optional<CompiledFilter> find_precompiled_key(const std::string& key) {
  for (const auto& f : g_table) {
    if (f.key != key) continue;
    CompiledFilter out;
    out.program.assign(f.program, f.program + f.length);
    out.flags = f.flags;
    out.uses_notify = f.uses_notify;
    if (f.known_length) out.known_program.assign(f.known_program, f.known_program + f.known_length);
    return out;
  }
  return std::nullopt;
}

}  // namespace sbx
