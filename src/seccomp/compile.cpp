#include "seccomp/compile.hpp"

#include "seccomp/precompiled.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "seccomp/known.hpp"
#include "seccomp/lint.hpp"
#include "seccomp/reserved.hpp"
#include "seccomp/syscall_names.hpp"
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
  // Best effort: older libseccomp lacks it, and the linear filter is just as correct.
  (void)seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (const auto& a : arches) {
    auto v = scmp_arch_value(a);
    if (!v) throw Error("seccomp: unsupported architecture " + a);
    if (*v == seccomp_arch_native()) continue;
    int rc = seccomp_arch_add(ctx.get(), *v);
    if (rc < 0 && rc != -EEXIST) check(rc, "adding architecture " + a);
  }
  return ctx;
}

// The libseccomp context for `sc`, and whether any syscall ends in SCMP_ACT_NOTIFY.
Ctx build(const Seccomp& sc, bool& uses_notify) {
  if (auto conflict = find_rule_conflict(sc)) throw Error("seccomp: " + conflict->message);
  uint32_t def = action_value(sc.default_action, sc.default_errno_ret);
  uses_notify = def == SCMP_ACT_NOTIFY;
  Ctx ctx = new_ctx(def, sc.architectures);
  for (const auto& rule : sc.syscalls) {
    uint32_t act = action_value(rule.action, rule.errno_ret);
    if (act == def) continue;  // libseccomp refuses rules equal to the default
    if (act == SCMP_ACT_NOTIFY) {
      uses_notify = true;
      // Profiles refuse this with a position; a Spec from elsewhere (an OCI config) too.
      for (const auto& name : rule.names)
        if (auto why = notify_refusal_reason(name))
          throw Error("seccomp: '" + name + "' cannot be notified: " + *why);
    }
    // OCI semantics: conditions on distinct indexes AND together; several on the same
    // index become separate rules (OR), as runc and crun do.
    std::map<uint32_t, std::vector<SeccompArg>> by_index;
    for (const auto& a : rule.args) by_index[a.index].push_back(a);
    std::vector<std::vector<struct scmp_arg_cmp>> variants(1);
    for (const auto& [idx, conds] : by_index) {
      std::vector<std::vector<struct scmp_arg_cmp>> next;
      for (const auto& v : variants)
        for (const auto& c : conds) {
          auto op = scmp_operator_value(c.op);
          if (!op) throw Error("seccomp: unsupported operator " + c.op);
          auto nv = v;
          struct scmp_arg_cmp cmp {};
          cmp.arg = idx;
          cmp.op = static_cast<enum scmp_compare>(*op);
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
  return ctx;
}

}  // namespace

CompiledFilter compile_filter(const Seccomp& sc) {
  if (auto pre = find_precompiled(sc)) return std::move(*pre);
  CompiledFilter out;
  Ctx ctx = build(sc, out.uses_notify);
  for (const auto& f : sc.flags) {
    if (f == "SECCOMP_FILTER_FLAG_LOG") out.flags |= SECCOMP_FILTER_FLAG_LOG;
    else if (f == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") out.flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else throw Error("seccomp: unsupported flag " + f);
  }
  if (out.uses_notify) out.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  out.program = export_program(ctx.get());
  if (sc.unknown_enosys) out.known_program = compile_known_filter(sc);
  return out;
}

std::string filter_pseudo_code(const Seccomp& sc) {
  bool uses_notify = false;
  Ctx ctx = build(sc, uses_notify);
  UniqueFd mem(::memfd_create("sbx-seccomp-pfc", MFD_CLOEXEC));
  if (!mem) throw_errno("memfd_create");
  check(seccomp_export_pfc(ctx.get(), mem.get()), "exporting the filter as text");
  off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size < 0) throw_errno("lseek");
  std::string text(static_cast<size_t>(size), '\0');
  if (::pread(mem.get(), text.data(), text.size(), 0) != size) throw_errno("reading the filter text");
  return text;
}

std::vector<struct sock_filter> compile_init_filter() {
  if (auto pre = find_precompiled_key(init_filter_key())) return std::move(pre->program);
  return compile_init_filter_fresh();
}

std::vector<struct sock_filter> compile_init_filter_fresh() {
  Ctx ctx = new_ctx(SCMP_ACT_KILL_PROCESS, {});
  for (const char* name : {"rt_sigtimedwait", "rt_sigprocmask", "rt_sigreturn", "wait4", "waitid", "kill", "sendmsg",
                           "sendto", "write", "close", "exit", "exit_group", "getpid", "restart_syscall"}) {
    int nr = seccomp_syscall_resolve_name(name);
    check(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, nr, 0), std::string("init rule ") + name);
  }
  return export_program(ctx.get());
}

}  // namespace sbx
