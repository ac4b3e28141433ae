#!/usr/bin/env bash
# Where one `sbx run -- /bin/true` spends its time, phase by phase, from trace points
# compiled into sbx (src/util/startup_trace.hpp). Unlike strace, they cost ~1 us each.
#
#   bench/timeline.sh [--runs N] [-- PROFILE-AND-COMMAND...]    (default: run -- /bin/true)
#
# Builds build-trace/ (Release, -DSBX_STARTUP_TRACE=ON, incremental), runs sbx N times
# (default 300) as uid 65534 from a scratch project directory, and prints for every
# trace point the median time since the runner's fork, and the median step from the
# previous point. Run as root (it drops to uid 65534 like bench/run.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
TRACE_BUILD=${TRACE_BUILD:-$ROOT/build-trace}
. "$HERE/lib.sh"
RUNS=300
ARGS=(run -- /bin/true)
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --) shift; ARGS=("$@"); break ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ $EUID -eq 0 ]] || die "run as root: it drops to uid $BENCH_UID for every measurement"
setup_workdir
trap 'rm -rf "$W"' EXIT
note "building sbx with trace points in $TRACE_BUILD (incremental)"
cmake -S "$ROOT" -B "$TRACE_BUILD" -DCMAKE_BUILD_TYPE=Release -DSBX_BUILD_TESTS=OFF -DSBX_STARTUP_TRACE=ON \
  >"$W/out/cmake.log" 2>&1 || { cat "$W/out/cmake.log"; die "cmake failed"; }
cmake --build "$TRACE_BUILD" -j"$(nproc)" --target sbx >"$W/out/build.log" 2>&1 || { tail -20 "$W/out/build.log"; die "build failed"; }
cp "$TRACE_BUILD/sbx" "$W/bin/sbx"
cc -O2 -o "$W/bin/trace_runner" "$HERE/probes/trace_runner.c" || die "cannot compile trace_runner"
chmod 0755 "$W/bin"/*
as_user "$W/bin/trace_runner" 20 "$W/bin/sbx" "${ARGS[@]}" 2>/dev/null || die "sbx ${ARGS[*]} fails as uid $BENCH_UID"
as_user "$W/bin/trace_runner" "$RUNS" "$W/bin/sbx" "${ARGS[@]}" 2>"$W/out/trace.txt" >/dev/null ||
  die "a traced run failed: $(grep -v '^T \|^RUN' "$W/out/trace.txt" | head -3)"

echo "## timeline of \`sbx ${ARGS[*]}\` (median of $RUNS runs, uid $BENCH_UID, $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| trace point | since start (ms) | step (ms) |"
echo "|---|---:|---:|"
# Per run: the time of each point relative to "start" (a point seen twice keeps the
# first), then per point the median; points are listed in order of their medians.
awk '
  /^RUN$/ { run++; next }
  /^T / { t = $2; $1 = ""; $2 = ""; name = substr($0, 3)
          if (name == "start") t0[run] = t
          if (!((run, name) in seen)) { seen[run, name] = 1; v[name] = v[name] " " (t - t0[run]) * 1000 } }
  END { for (n in v) print n "\t" v[n] }' "$W/out/trace.txt" |
  while IFS=$'\t' read -r name values; do
    # shellcheck disable=SC2086
    printf '%s\t%s\n' "$(printf '%s\n' $values | sort -g | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}')" "$name"
  done | sort -g | awk -F'\t' '{ printf "| %s | %.3f | %.3f |\n", $2, $1, $1 - prev; prev = $1 }'
