// Test code only: a classic-BPF interpreter for seccomp programs, so that policy can be
// checked syscall by syscall without a kernel. Implements what the kernel's seccomp
// checker accepts (seccomp_check_filter): loads from struct seccomp_data, scratch
// memory, ALU, jumps and returns.
#pragma once
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace sbx::test {

inline uint32_t run_bpf(const std::vector<struct sock_filter>& prog, const struct seccomp_data& data) {
  uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {};
  unsigned char raw[sizeof data];
  std::memcpy(raw, &data, sizeof data);
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const struct sock_filter& f = prog[pc];
    uint32_t k = f.k;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD:
        switch (BPF_MODE(f.code)) {
          case BPF_ABS:
            if (BPF_SIZE(f.code) != BPF_W || k % 4 || k + 4 > sizeof data) throw std::runtime_error("bad load");
            std::memcpy(&A, raw + k, 4);
            break;
          case BPF_IMM: A = k; break;
          case BPF_MEM: A = M[k]; break;
          case BPF_LEN: A = sizeof data; break;
          default: throw std::runtime_error("bad ld mode");
        }
        break;
      case BPF_LDX:
        switch (BPF_MODE(f.code)) {
          case BPF_IMM: X = k; break;
          case BPF_MEM: X = M[k]; break;
          case BPF_LEN: X = sizeof data; break;
          default: throw std::runtime_error("bad ldx mode");
        }
        break;
      case BPF_ST: M[k] = A; break;
      case BPF_STX: M[k] = X; break;
      case BPF_ALU: {
        uint32_t v = BPF_SRC(f.code) == BPF_X ? X : k;
        switch (BPF_OP(f.code)) {
          case BPF_ADD: A += v; break;
          case BPF_SUB: A -= v; break;
          case BPF_MUL: A *= v; break;
          case BPF_DIV: A = v ? A / v : 0; break;
          case BPF_MOD: A = v ? A % v : 0; break;
          case BPF_OR: A |= v; break;
          case BPF_AND: A &= v; break;
          case BPF_XOR: A ^= v; break;
          case BPF_LSH: A <<= v; break;
          case BPF_RSH: A >>= v; break;
          case BPF_NEG: A = -A; break;
          default: throw std::runtime_error("bad alu op");
        }
        break;
      }
      case BPF_JMP: {
        uint32_t v = BPF_SRC(f.code) == BPF_X ? X : k;
        bool t;
        switch (BPF_OP(f.code)) {
          case BPF_JA: pc += k; continue;
          case BPF_JEQ: t = A == v; break;
          case BPF_JGT: t = A > v; break;
          case BPF_JGE: t = A >= v; break;
          case BPF_JSET: t = (A & v) != 0; break;
          default: throw std::runtime_error("bad jmp op");
        }
        pc += t ? f.jt : f.jf;
        break;
      }
      case BPF_RET: return BPF_RVAL(f.code) == BPF_A ? A : k;
      case BPF_MISC:
        if (BPF_MISCOP(f.code) == BPF_TAX) X = A;
        else A = X;
        break;
      default: throw std::runtime_error("bad class");
    }
  }
  throw std::runtime_error("fell off the end of the program");
}

}  // namespace sbx::test
