// Syscalls newer than libseccomp: fail closed. A filter that allows by default (the
// default baseline) lets through every syscall number it does not name, and it cannot
// name what this libseccomp does not know: syscalls added to the kernel after it (Linux
// 6.8 on: statmount, listmount, lsm_*, mseal, *xattrat, file_getattr...). With
// [seccomp] unknown = "enosys", a second filter is stacked on the first: it allows
// every syscall libseccomp knows, on each ABI by its own numbers, and answers ENOSYS
// to any other number, on every ABI; the kernel applies the stricter answer of the two.
//
// Why a second filter: libseccomp cannot compare the syscall number itself (a rule
// names one syscall), cannot add a rule for a number it has no name for on a foreign
// ABI (it translates numbers through names: EFAULT), and a default-ENOSYS first filter
// with allow rules would lose the conditional rules (an unconditional allow of clone
// overrides "clone with CLONE_NEWUSER: EPERM"). The allow-list of names is ~1500 BPF
// instructions for x86_64, x86 and x32, a binary search: ~10 comparisons a syscall.
//
// `allow_numbers`: native numbers a profile allows anyway (the filter for the native
// ABI is built alone, where libseccomp takes raw numbers); on the compat ABIs they stay
// ENOSYS.
#pragma once
#include <linux/filter.h>

#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace sbx {

std::vector<struct sock_filter> compile_known_filter(const Seccomp& sc);
// The same, always compiled with libseccomp (tools/gen_filters).
std::vector<struct sock_filter> compile_known_filter_fresh(const Seccomp& sc);
// Its precompiled-table key: it depends on the architectures and allow_numbers only.
std::string known_filter_key(const Seccomp& sc);
// The Seccomp fields the filter of the default baseline depends on (the native ABIs, no
// allow_numbers): what a prestarted sandbox installs before it has its Plan.
Seccomp default_known_seccomp();
bool same_known_filter(const Seccomp& a, const Seccomp& b);

// "libseccomp 2.5.4 knows syscalls up to futex_requeue (456) on x86_64; any other
// number answers ENOSYS ..." for `sbx check`.
std::string known_boundary(const Seccomp& sc);

}  // namespace sbx
