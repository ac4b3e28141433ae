#include "seccomp/syscall_names.hpp"

#include <seccomp.h>

#include <algorithm>
#include <cctype>

namespace sbx {

namespace {
struct NamePair {
  const char* profile;
  const char* oci;
};
constexpr NamePair kActions[] = {
    {"allow", "SCMP_ACT_ALLOW"},         {"errno", "SCMP_ACT_ERRNO"},
    {"kill_process", "SCMP_ACT_KILL_PROCESS"}, {"kill_thread", "SCMP_ACT_KILL_THREAD"},
    {"trap", "SCMP_ACT_TRAP"},           {"log", "SCMP_ACT_LOG"},
    {"notify", "SCMP_ACT_NOTIFY"},
};
constexpr NamePair kOps[] = {
    {"eq", "SCMP_CMP_EQ"}, {"ne", "SCMP_CMP_NE"}, {"lt", "SCMP_CMP_LT"},
    {"le", "SCMP_CMP_LE"}, {"gt", "SCMP_CMP_GT"}, {"ge", "SCMP_CMP_GE"},
    {"masked_eq", "SCMP_CMP_MASKED_EQ"},
};
}  // namespace

bool is_known_syscall(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR;
}

std::vector<std::string> known_syscalls() {
  std::vector<std::string> out;
  uint32_t arch = seccomp_arch_native();
  for (int nr = 0; nr < 1024; ++nr) {
    char* n = seccomp_syscall_resolve_num_arch(arch, nr);
    if (!n) continue;
    out.emplace_back(n);
    free(n);
  }
  return out;
}

std::optional<std::string> known_syscall_name(uint32_t nr) {
  char* n = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), static_cast<int>(nr));
  if (!n) return std::nullopt;
  std::string s(n);
  free(n);
  return s;
}

std::optional<std::string> oci_action(const std::string& profile_name) {
  for (const auto& a : kActions)
    if (profile_name == a.profile) return std::string(a.oci);
  return std::nullopt;
}

std::vector<std::string> profile_action_names() {
  std::vector<std::string> out;
  for (const auto& a : kActions) out.emplace_back(a.profile);
  return out;
}

std::string profile_action_name(const std::string& oci) {
  for (const auto& a : kActions)
    if (oci == a.oci) return a.profile;
  return oci;
}

std::optional<std::string> oci_operator(const std::string& profile_name) {
  for (const auto& o : kOps)
    if (profile_name == o.profile) return std::string(o.oci);
  return std::nullopt;
}

std::vector<std::string> profile_operator_names() {
  std::vector<std::string> out;
  for (const auto& o : kOps) out.emplace_back(o.profile);
  return out;
}

std::vector<std::string> native_architectures() {
  switch (seccomp_arch_native()) {
    case SCMP_ARCH_X86_64: return {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    case SCMP_ARCH_AARCH64: return {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
    case SCMP_ARCH_PPC64LE: return {"SCMP_ARCH_PPC64LE"};
    case SCMP_ARCH_S390X: return {"SCMP_ARCH_S390X", "SCMP_ARCH_S390"};
    case SCMP_ARCH_RISCV64: return {"SCMP_ARCH_RISCV64"};
    default: return {};
  }
}

std::optional<uint32_t> scmp_arch_value(const std::string& oci_arch) {
  const std::string& a = oci_arch;
  struct Arch {
    const char* name;
    uint32_t value;
  };
  static constexpr Arch kArches[] = {
      {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64}, {"SCMP_ARCH_X86", SCMP_ARCH_X86},
      {"SCMP_ARCH_X32", SCMP_ARCH_X32},       {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
      {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},       {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
      {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},   {"SCMP_ARCH_S390", SCMP_ARCH_S390},
      {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
  };
  for (const auto& k : kArches)
    if (a == k.name) return k.value;
  return std::nullopt;
}

std::optional<int> scmp_operator_value(const std::string& op) {
  struct Op {
    const char* name;
    int value;
  };
  static constexpr Op kCmp[] = {
      {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  for (const auto& k : kCmp)
    if (op == k.name) return k.value;
  return std::nullopt;
}

namespace {
constexpr uint32_t kX32SyscallBit = 0x40000000;
}

const char* abi_name(uint32_t audit_arch, int nr) {
  switch (audit_arch) {
    case SCMP_ARCH_X86_64: return (static_cast<uint32_t>(nr) & kX32SyscallBit) ? "x32" : "x86_64";
    case SCMP_ARCH_X86: return "x86";
    case SCMP_ARCH_AARCH64: return "aarch64";
    case SCMP_ARCH_ARM: return "arm";
    case SCMP_ARCH_PPC64LE: return "ppc64le";
    case SCMP_ARCH_S390X: return "s390x";
    case SCMP_ARCH_S390: return "s390";
    case SCMP_ARCH_RISCV64: return "riscv64";
    default: return "unknown";
  }
}

uint32_t abi_scmp_arch(uint32_t audit_arch, int nr) {
  if (audit_arch == SCMP_ARCH_X86_64 && (static_cast<uint32_t>(nr) & kX32SyscallBit)) return SCMP_ARCH_X32;
  return audit_arch;
}

}  // namespace sbx
