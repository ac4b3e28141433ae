// Thin wrappers for the syscalls glibc 2.36 does not wrap. Each returns what the raw
// syscall returns (-1 with errno on failure).
#pragma once
#include <linux/openat2.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>

namespace sbx {

inline int sys_openat2(int dirfd, const char* path, uint64_t flags, uint64_t resolve) {
  struct open_how how {};
  how.flags = flags;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

inline int sys_pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

inline int sys_pivot_root(const char* new_root, const char* put_old) {
  return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}

inline int sys_seccomp(unsigned op, unsigned flags, void* args) {
  return static_cast<int>(::syscall(SYS_seccomp, op, flags, args));
}

}  // namespace sbx
