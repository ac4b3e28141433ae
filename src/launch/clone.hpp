// Creating the sandbox's first process in its new namespaces: clone3(2), falling back
// to clone(2) when clone3 is refused (ENOSYS under Docker's default seccomp profile,
// EPERM under some others). Both behave like fork(): no stack, no shared memory.
#pragma once
#include <sys/types.h>

#include <cstdint>

namespace sbx {

struct CloneResult {
  pid_t pid = -1;   // 0 in the child, -1 on failure (errno set)
  int pidfd = -1;   // parent only
  bool used_clone3 = false;
};

CloneResult clone_sandbox(uint64_t namespace_flags);

}  // namespace sbx
