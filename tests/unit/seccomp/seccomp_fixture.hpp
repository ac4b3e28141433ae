// Shared by the seccomp unit tests: the default profile's filter, compiled, and a way to
// ask it what happens to one syscall on one ABI, without a kernel.
#pragma once
#include <linux/audit.h>
#include <seccomp.h>

#include <array>
#include <string>

#include "../profile/profile_fixture.hpp"
#include "bpf_eval.hpp"
#include "profile/loader.hpp"
#include "seccomp/compile.hpp"
#include "spec/from_profile_seccomp.hpp"

namespace sbx::test {

inline constexpr uint32_t kX32Bit = 0x40000000;

inline Spec default_spec() { return build_spec(load_profile("", testing::test_variables()).table, testing::test_context()); }

// Parses a profile made of just the given text (a [seccomp] section and friends).
inline Spec seccomp_spec(const std::string& text) {
  toml::table t = parse_profile_text(text, "test.toml");
  Spec spec;
  seccomp_from_profile(*t["seccomp"].as_table(), spec);
  return spec;
}

// The number of `name` on a libseccomp arch (x32 numbers carry the x32 bit), or -1.
inline int nr_of(uint32_t scmp_arch, const char* name) { return seccomp_syscall_resolve_name_arch(scmp_arch, name); }

inline uint32_t audit_arch_of(uint32_t scmp_arch) { return scmp_arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : scmp_arch; }

inline uint32_t eval(const std::vector<struct sock_filter>& prog, uint32_t scmp_arch, int nr,
                     std::array<uint64_t, 6> args = {}) {
  struct seccomp_data d {};
  d.arch = audit_arch_of(scmp_arch);
  d.nr = nr;
  for (int i = 0; i < 6; ++i) d.args[i] = args[static_cast<size_t>(i)];
  return run_bpf(prog, d);
}

inline uint32_t eval(const std::vector<struct sock_filter>& prog, uint32_t scmp_arch, const char* name,
                     std::array<uint64_t, 6> args = {}) {
  int nr = nr_of(scmp_arch, name);
  if (nr < 0) throw std::runtime_error(std::string("no syscall ") + name);
  return eval(prog, scmp_arch, nr, args);
}

inline constexpr uint32_t errno_ret(int e) { return SECCOMP_RET_ERRNO | static_cast<uint32_t>(e); }

}  // namespace sbx::test
