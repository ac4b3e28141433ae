// Creating the sandbox's first process in its new namespaces: clone3(2), falling back
// to clone(2) when clone3 is refused (ENOSYS under Docker's default seccomp profile,
// EPERM under some others). Both behave like fork(): no stack, no shared memory.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>

#include "util/fd.hpp"

namespace sbx {

struct CloneResult {
  pid_t pid = -1;   // 0 in the child, -1 on failure (errno set)
  int pidfd = -1;   // parent only
  bool used_clone3 = false;
};

CloneResult clone_sandbox(uint64_t namespace_flags);

// The sandbox's first process, however it was started (launch/launcher.cpp, or early:
// launch/prestart.cpp).
struct SandboxProcess {
  pid_t pid = -1;            // -1: not started; `failed` and `error` say why
  const char* failed = nullptr;  // "socketpair" or "clone"
  int error = 0;
  UniqueFd pidfd;
  UniqueFd channel;   // parent's end of the SOCK_SEQPACKET channel
  bool used_clone3 = false;
};

// The channel, then clone_sandbox(namespace_flags). The child calls `child_main` with
// its end of the channel, which must not return (it _exits if it does).
SandboxProcess start_sandbox(uint64_t namespace_flags, const std::function<void(int channel_fd)>& child_main);

}  // namespace sbx
