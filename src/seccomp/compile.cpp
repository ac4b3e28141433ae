#include "seccomp/compile.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "util/error.hpp"
#include "util/fd.hpp"

namespace sbx {

namespace {

struct CtxDeleter {
  void operator()(scmp_filter_ctx c) const { seccomp_release(c); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

uint32_t action_value(const std::string& action, std::optional<uint32_t> errno_ret) {
  if (action == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (action == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(errno_ret.value_or(EPERM));
  if (action == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (action == "SCMP_ACT_KILL_THREAD" || action == "SCMP_ACT_KILL") return SCMP_ACT_KILL_THREAD;
  if (action == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (action == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (action == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
  throw Error("seccomp: unsupported action " + action);
}

scmp_compare op_value(const std::string& op) {
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  throw Error("seccomp: unsupported operator " + op);
}

uint32_t arch_value(const std::string& a) {
  static const std::map<std::string, uint32_t> m = {
      {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64}, {"SCMP_ARCH_X86", SCMP_ARCH_X86},
      {"SCMP_ARCH_X32", SCMP_ARCH_X32},       {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
      {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},       {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
      {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},   {"SCMP_ARCH_S390", SCMP_ARCH_S390},
      {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
  };
  auto it = m.find(a);
  if (it == m.end()) throw Error("seccomp: unsupported architecture " + a);
  return it->second;
}

void check(int rc, const std::string& what) {
  if (rc < 0) throw Error("seccomp: " + what + ": " + std::strerror(-rc));
}

std::vector<struct sock_filter> export_program(scmp_filter_ctx ctx) {
  UniqueFd mem(::memfd_create("sbx-seccomp", MFD_CLOEXEC));
  if (!mem) throw_errno("memfd_create");
  check(seccomp_export_bpf(ctx, mem.get()), "exporting the filter");
  off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size < 0 || size % sizeof(struct sock_filter) != 0) throw Error("seccomp: exported filter has a bad size");
  std::vector<struct sock_filter> prog(static_cast<size_t>(size) / sizeof(struct sock_filter));
  ssize_t n = ::pread(mem.get(), prog.data(), static_cast<size_t>(size), 0);
  if (n != size) throw_errno("reading the exported filter");
  return prog;
}

Ctx new_ctx(uint32_t default_action, const std::vector<std::string>& arches) {
  Ctx ctx(seccomp_init(default_action));
  if (!ctx) throw Error("seccomp: seccomp_init failed");
  // The filter is loaded by sbx with seccomp(2); no_new_privs is set separately.
  check(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0), "disabling NNP attr");
  // Binary-tree dispatch instead of a linear syscall list.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (const auto& a : arches) {
    uint32_t v = arch_value(a);
    if (v == seccomp_arch_native()) continue;
    int rc = seccomp_arch_add(ctx.get(), v);
    if (rc < 0 && rc != -EEXIST) check(rc, "adding architecture " + a);
  }
  return ctx;
}

}  // namespace

CompiledFilter compile_filter(const Seccomp& sc) {
  CompiledFilter out;
  uint32_t def = action_value(sc.default_action, sc.default_errno_ret);
  Ctx ctx = new_ctx(def, sc.architectures);
  for (const auto& rule : sc.syscalls) {
    uint32_t act = action_value(rule.action, rule.errno_ret);
    if (act == SCMP_ACT_NOTIFY) out.uses_notify = true;
    if (act == def) continue;  // libseccomp refuses rules equal to the default
    // OCI semantics: conditions on distinct indexes AND together; several on the same
    // index become separate rules (OR), as runc and crun do.
    std::map<uint32_t, std::vector<SeccompArg>> by_index;
    for (const auto& a : rule.args) by_index[a.index].push_back(a);
    std::vector<std::vector<struct scmp_arg_cmp>> variants(1);
    for (const auto& [idx, conds] : by_index) {
      std::vector<std::vector<struct scmp_arg_cmp>> next;
      for (const auto& v : variants)
        for (const auto& c : conds) {
          auto nv = v;
          struct scmp_arg_cmp cmp {};
          cmp.arg = idx;
          cmp.op = op_value(c.op);
          cmp.datum_a = c.value;
          cmp.datum_b = c.value_two;
          nv.push_back(cmp);
          next.push_back(std::move(nv));
        }
      variants = std::move(next);
    }
    for (const auto& name : rule.names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) throw Error("seccomp: unknown syscall '" + name + "'");
      for (const auto& v : variants) {
        int rc = seccomp_rule_add_array(ctx.get(), act, nr, static_cast<unsigned>(v.size()), v.data());
        // Syscalls absent on one of the architectures are skipped there by libseccomp;
        // anything else is an error in the profile.
        if (rc < 0) check(rc, "rule for '" + name + "'");
      }
    }
  }
  for (const auto& f : sc.flags) {
    if (f == "SECCOMP_FILTER_FLAG_LOG") out.flags |= SECCOMP_FILTER_FLAG_LOG;
    else if (f == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") out.flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else throw Error("seccomp: unsupported flag " + f);
  }
  if (out.uses_notify) out.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  out.program = export_program(ctx.get());
  return out;
}

std::vector<struct sock_filter> compile_init_filter() {
  Ctx ctx = new_ctx(SCMP_ACT_KILL_PROCESS, {});
  for (const char* name : {"rt_sigtimedwait", "rt_sigprocmask", "rt_sigreturn", "wait4", "waitid", "kill", "sendmsg",
                           "sendto", "write", "close", "exit", "exit_group", "getpid", "restart_syscall"}) {
    int nr = seccomp_syscall_resolve_name(name);
    check(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, nr, 0), std::string("init rule ") + name);
  }
  return export_program(ctx.get());
}

}  // namespace sbx
