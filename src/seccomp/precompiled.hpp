// Filters compiled at build time. libseccomp needs ~1.5 ms to compile the default
// baseline for three ABIs, on every `sbx run`; the shipped profiles' filters are instead
// compiled once by tools/gen_filters (at build time, with the same libseccomp) and
// embedded. At run time a filter whose key matches (a canonical serialisation of the
// Seccomp section, libseccomp's version and the native architecture) is taken from the
// table, and so is init's own filter (init_filter_key()): a shipped profile's `sbx run`
// does not call into libseccomp at all. Anything else is compiled as usual. Nothing is
// cached on disk: a cache a workload could write would let it weaken the next
// sandbox's filter.
#pragma once
#include <linux/filter.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "seccomp/compile.hpp"
#include "spec/spec.hpp"

namespace sbx {

struct PrecompiledFilter {
  std::string_view profile;  // the shipped profile it came from (for tests)
  std::string_view key;
  const struct sock_filter* program;
  size_t length;
  unsigned flags;
  bool uses_notify;
  const struct sock_filter* known_program;  // CompiledFilter::known_program (may be empty)
  size_t known_length;
};

// The lookup key for a Seccomp section.
std::string filter_key(const Seccomp& sc);

// `k` with what every key ends with: libseccomp's version and the native architecture.
std::string precompiled_build_key(std::string k);
// The key of init's own filter (compile_init_filter), which depends on nothing else.
std::string init_filter_key();

// Installs the table compile_filter() consults (sbx's main() does; tests may).
void use_precompiled_filters(std::span<const PrecompiledFilter> table);

// A copy of the matching precompiled filter, if any.
std::optional<CompiledFilter> find_precompiled(const Seccomp& sc);
std::optional<CompiledFilter> find_precompiled_key(const std::string& key);

// The table generated for this build (src/generated, linked into sbx only).
std::span<const PrecompiledFilter> precompiled_filter_table();

// A shipped profile's resolved [seccomp] section, built at build time by the same code
// as at run time (tools/gen_filters, which checks that the Spec comes out the same).
// `sbx run` takes it instead of parsing the section again (profile/loader.hpp,
// LoadOptions::prebuilt_seccomp). Profiles with a [seccomp.notify] have none.
struct PrebuiltSeccomp {
  std::string_view profile;
  Seccomp (*make)();
};
void use_prebuilt_seccomp(std::span<const PrebuiltSeccomp> table);
bool has_prebuilt_seccomp(std::string_view profile);
std::optional<Seccomp> prebuilt_seccomp(std::string_view profile);
std::span<const PrebuiltSeccomp> prebuilt_seccomp_table();  // generated, like the filters

}  // namespace sbx
