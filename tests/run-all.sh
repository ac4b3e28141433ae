#!/usr/bin/env bash
# The whole test suite, as CI runs it and as a developer runs it (root or not: the
# integration tests drop to an unprivileged user by themselves when run as root).
#
#   tests/run-all.sh            build, unit + integration tests, sanitizers, fuzzers
#   SBX_QUICK=1 tests/run-all.sh   only the default build and its tests
#   SBX_FUZZ_SECONDS=N          seconds per fuzz target (default 30)
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() { printf '\n==> %s\n' "$*"; }

# Runs ctest in a build dir and adds its counts to the totals.
run_ctest() {
  local dir=$1
  shift
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" "$@" 2>&1 | tee "$log"
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [[ -z $line ]]; then
    echo "ctest in $dir reported no result" >&2
    failed=$((failed + 1))
    return
  fi
  local f total
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + total - f))
  failed=$((failed + f))
}

# Runs a script step; a failure counts as one failed check.
run_check() {
  local name=$1
  shift
  step "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "FAILED: $name" >&2
    failed=$((failed + 1))
  fi
}

step "build (RelWithDebInfo) in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build build -j"$jobs" || exit 1

step "unit and integration tests"
run_ctest build

if [[ -z ${SBX_QUICK:-} ]]; then
  [[ -x tests/tools/run_sanitizers.sh ]] && run_check "ASan+UBSan build and tests" tests/tools/run_sanitizers.sh
  [[ -x tests/tools/run_fuzzers.sh ]] && run_check "fuzzing (${SBX_FUZZ_SECONDS:-30}s per target)" \
    tests/tools/run_fuzzers.sh "${SBX_FUZZ_SECONDS:-30}"
  if command -v run-clang-tidy >/dev/null || command -v run-clang-tidy-14 >/dev/null; then
    run_check "clang-tidy (.clang-tidy) over src/" env SBX_TIDY_STRICT=1 tests/tools/clang_tidy.sh build
  fi
  for t in tests/tools/install_*.sh; do
    [[ -x $t ]] && run_check "$(basename "$t")" "$t"
  done
fi

echo
echo "suite: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
