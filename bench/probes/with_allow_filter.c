// Installs a one-instruction seccomp filter (return ALLOW) and execs argv[1..]: the
// kernel's fixed cost of having any filter at all (the syscall slow path), against
// which the default profile's filter can be compared.
//   with_allow_filter CMD [ARGS...]
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  struct sock_filter insn[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_fprog prog = {1, insn};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
    perror("seccomp");
    return 1;
  }
  execv(argv[1], argv + 1);
  perror("execv");
  return 127;
}
