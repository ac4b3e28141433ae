#!/bin/sh
# Builds the libFuzzer targets (the "fuzz" preset: clang, ASan + UBSan, build-fuzz/),
# replays the seed corpus and every regression input, then fuzzes each target for
# SECONDS (default 60) and exits non-zero on any crash, leak, timeout or sanitizer
# report. Prints executions/s and total executions per target.
#
#   tests/tools/run_fuzzers.sh [SECONDS] [TARGET...]      (targets: profile cli)
#
# Needs: clang, libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev).
# New inputs found while fuzzing go to build-fuzz/fuzz-corpus/TARGET (not committed);
# crash inputs to build-fuzz/fuzz-artifacts/TARGET/. A crash becomes a regression:
# copy its input to tests/fuzz/regressions/TARGET/ once it is fixed.
set -eu

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-profile cli}
here=$(cd "$(dirname "$0")/../.." && pwd)
build="$here/build-fuzz"

cd "$here"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

# Leaks are findings too; the CLI target's own messages go nowhere (libFuzzer keeps
# its report on a duplicate of stderr).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
summary=""
for t in $targets; do
  bin="$build/tests/fuzz/fuzz_$t"
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  log="$build/fuzz-$t.log"
  dict=""
  [ -f "$here/tests/fuzz/$t.dict" ] && dict="-dict=$here/tests/fuzz/$t.dict"

  echo "== fuzz_$t: replaying seeds and regressions"
  if ! "$bin" -runs=0 -close_fd_mask=2 "$here/tests/fuzz/corpus/$t" "$here/tests/fuzz/regressions/$t" \
      >"$log.replay" 2>&1; then
    echo "fuzz_$t: a seed or regression input fails:"; tail -40 "$log.replay"; status=1; continue
  fi

  echo "== fuzz_$t: fuzzing for ${seconds}s"
  # shellcheck disable=SC2086
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=8192 -close_fd_mask=2 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" $dict \
      "$corpus" "$here/tests/fuzz/corpus/$t" >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
    echo "fuzz_$t: FOUND A CRASH; input(s) in $artifacts:"; ls "$artifacts"; tail -60 "$log"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  time=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  line="fuzz_$t: $result, ${runs:-?} executions, ${time:-?} exec/s, $cov, corpus $(ls "$corpus" | wc -l) inputs"
  echo "$line"
  summary="$summary$line
"
done
printf '\n%s' "$summary"
exit $status
