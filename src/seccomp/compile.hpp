// Compiling a Spec's seccomp section into a BPF program with libseccomp, in the parent,
// before clone. The child installs the bytes with seccomp(2) as its last step before
// execve (sandbox/workload.cpp).
#pragma once
#include <linux/filter.h>

#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace sbx {

struct CompiledFilter {
  std::vector<struct sock_filter> program;
  unsigned flags = 0;        // SECCOMP_FILTER_FLAG_* for seccomp(2)
  bool uses_notify = false;  // some rule answers SCMP_ACT_NOTIFY: install with NEW_LISTENER
  // unknown = "enosys": the second filter, for syscalls libseccomp does not know
  // (seccomp/known.hpp); empty otherwise.
  std::vector<struct sock_filter> known_program;
};

// Throws sbx::Error naming the rule on anything libseccomp refuses.
CompiledFilter compile_filter(const Seccomp& sc);

// The filter as libseccomp's pseudo-code (seccomp_export_pfc): for tests and debugging.
std::string filter_pseudo_code(const Seccomp& sc);

// The filter sbx's own pid 1 runs under once the workload is started: the few
// syscalls its wait/forward loop makes, everything else kills it.
std::vector<struct sock_filter> compile_init_filter();
// The same, always compiled with libseccomp (for tools/gen_filters and tests).
std::vector<struct sock_filter> compile_init_filter_fresh();

}  // namespace sbx
