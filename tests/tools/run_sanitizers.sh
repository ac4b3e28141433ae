#!/bin/sh
# Builds sbx and the test suite with AddressSanitizer + UndefinedBehaviorSanitizer (the
# "asan" preset, build-asan/) and runs ctest there: unit and integration tests, the
# integration tests driving the sanitized sbx binary through real sandboxes.
#
#   tests/tools/run_sanitizers.sh [CTEST ARGS...]        e.g. -R Escape
#
# How the sanitizers meet the sandbox:
#  - The sandbox child is a clone of the sanitized sbx (no exec), so ASan and UBSan
#    stay armed through the whole setup (mounts, pivot_root, masking, seccomp) and in
#    init; the workload is an ordinary exec'd program and carries no sanitizer.
#  - LeakSanitizer runs at exit and stops the process with ptrace from a helper
#    thread. That works for the sbx parent (an ordinary process of the test user), but
#    not inside the sandbox (init is non-dumpable and under a seccomp filter that
#    allows no ptrace). The child side never returns from main: every path ends in
#    _exit(), which skips LSan, so no option is needed for it; leaks are checked in the
#    parent and in the test binaries (detect_leaks=1).
#  - abort_on_error=1 turns a report into SIGABRT: inside the sandbox that reaches
#    the supervisor as "init was killed by signal 6", and the test fails.
#  - A report written by the child after pivot_root cannot be symbolized (the host's
#    llvm-symbolizer/addr2line are out of its mount namespace): rerun the failing case
#    with `sbx run -v` and symbolize the addresses by hand with addr2line.
set -eu

here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"
cmake --preset asan >/dev/null
cmake --build --preset asan

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$here/build-asan" --output-on-failure "$@"
