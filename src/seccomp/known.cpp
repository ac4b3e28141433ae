#include "seccomp/known.hpp"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "seccomp/precompiled.hpp"
#include "seccomp/syscall_names.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"

namespace sbx {

namespace {

struct CtxDeleter {
  void operator()(scmp_filter_ctx c) const { seccomp_release(c); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

void check(int rc, const std::string& what) {
  if (rc < 0) throw Error("seccomp: unknown-syscall filter: " + what + ": " + std::strerror(-rc));
}

// Syscall numbers are at most ~550 on every ABI; 4096 leaves room for decades.
constexpr int kScan = 4096;

int arch_base(uint32_t arch) { return arch == SCMP_ARCH_X32 ? 0x40000000 : 0; }

// The names libseccomp knows on `arch`, and the highest number among them.
std::vector<std::string> names_on(uint32_t arch, int* highest = nullptr, std::string* highest_name = nullptr) {
  std::vector<std::string> out;
  for (int nr = 0; nr < kScan; ++nr) {
    char* n = seccomp_syscall_resolve_num_arch(arch, arch_base(arch) | nr);
    if (!n) continue;
    out.emplace_back(n);
    if (highest) *highest = nr;
    if (highest_name) *highest_name = n;
    free(n);
  }
  return out;
}

}  // namespace

std::string known_filter_key(const Seccomp& sc) {
  std::string k = "known/1|";
  for (const auto& a : sc.architectures) k += a + ",";
  k += "|";
  for (uint32_t n : sc.allow_numbers) k += std::to_string(n) + ",";
  return precompiled_build_key(std::move(k));
}

Seccomp default_known_seccomp() {
  Seccomp sc;
  sc.architectures = native_architectures();
  sc.unknown_enosys = true;
  return sc;
}

bool same_known_filter(const Seccomp& a, const Seccomp& b) {
  return a.unknown_enosys == b.unknown_enosys && a.architectures == b.architectures && a.allow_numbers == b.allow_numbers;
}

std::vector<struct sock_filter> compile_known_filter(const Seccomp& sc) {
  if (auto pre = find_precompiled_key(known_filter_key(sc))) return std::move(pre->program);
  return compile_known_filter_fresh(sc);
}

std::vector<struct sock_filter> compile_known_filter_fresh(const Seccomp& sc) {
  uint32_t native = seccomp_arch_native();
  std::vector<uint32_t> arches = {native};
  for (const auto& a : sc.architectures) {
    auto v = scmp_arch_value(a);
    if (!v) throw Error("seccomp: unsupported architecture " + a);
    if (*v != native) arches.push_back(*v);
  }
  Ctx all;
  for (uint32_t arch : arches) {
    Ctx ctx(seccomp_init(SCMP_ACT_ERRNO(ENOSYS)));
    if (!ctx) throw Error("seccomp: seccomp_init failed");
    check(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0), "disabling NNP attr");
    (void)seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (arch != native) {  // one ABI per context: merged below
      check(seccomp_arch_add(ctx.get(), arch), "adding an architecture");
      check(seccomp_arch_remove(ctx.get(), SCMP_ARCH_NATIVE), "removing the native architecture");
    }
    for (const auto& name : names_on(arch))
      check(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, seccomp_syscall_resolve_name(name.c_str()), 0), name);
    if (arch == native)
      for (uint32_t nr : sc.allow_numbers)
        check(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, static_cast<int>(nr), 0), "number " + std::to_string(nr));
    if (!all) {
      all = std::move(ctx);
    } else {
      check(seccomp_merge(all.get(), ctx.get()), "merging the architectures");
      (void)ctx.release();  // seccomp_merge took it
    }
  }
  UniqueFd mem(::memfd_create("sbx-seccomp-known", MFD_CLOEXEC));
  if (!mem) throw_errno("memfd_create");
  check(seccomp_export_bpf(all.get(), mem.get()), "exporting");
  off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size <= 0 || size % sizeof(struct sock_filter) != 0) throw Error("seccomp: exported filter has a bad size");
  std::vector<struct sock_filter> prog(static_cast<size_t>(size) / sizeof(struct sock_filter));
  if (::pread(mem.get(), prog.data(), static_cast<size_t>(size), 0) != size) throw_errno("reading the exported filter");
  return prog;
}

std::string known_boundary(const Seccomp& sc) {
  const struct scmp_version* v = seccomp_version();
  int highest = -1;
  std::string name;
  names_on(seccomp_arch_native(), &highest, &name);
  std::string s = "libseccomp " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                  std::to_string(v->micro) + " knows the syscalls up to " + name + " (" + std::to_string(highest) +
                  " on " + native_architectures().front() + "); ";
  if (!sc.unknown_enosys) return s + "any other number is allowed (unknown = \"allow\")";
  s += "any other number answers ENOSYS, on every ABI";
  if (!sc.allow_numbers.empty()) {
    s += ", but";
    for (size_t i = 0; i < sc.allow_numbers.size(); ++i) s += (i ? ", " : " ") + std::to_string(sc.allow_numbers[i]);
    s += " (native ABI)";
  }
  return s;
}

}  // namespace sbx
