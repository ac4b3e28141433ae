#!/usr/bin/env bash
# sbx benchmark harness: sbx against bwrap, crun, runc and the kernel floor.
#
#   bench/run.sh [--quick] [--sections LIST] [--sbx PATH] [--rounds N] [--keep]
#
#   --quick          fewer runs and smaller N (~1.5 min instead of ~6 on a quiet machine)
#   --sections LIST  comma-separated subset of: startup,mounts,seccomp,notify,memory,load
#   --sbx PATH       the sbx binary to measure (default: build-bench/sbx, built incrementally;
#                    NO_BUILD=1 skips the build)
#   --rounds N       hyperfine rounds per comparison (order rotated every round)
#   --keep           keep the work directory (/tmp/sbx-bench.*)
#
# Run as root: every measured command runs as uid/gid 65534 (setpriv) from a 0777
# directory under /tmp holding copies of the binaries. Prints markdown tables (medians
# and ratios); the same text goes to $W/out/report.md. See bench/RESULTS.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build-bench}
. "$HERE/lib.sh"

QUICK=0 KEEP=0 ROUNDS="" SECTIONS=startup,mounts,seccomp,notify,memory,load SBX=${SBX:-}
while (($#)); do
  case $1 in
    --quick) QUICK=1 ;;
    --sections) SECTIONS=$2; shift ;;
    --sections=*) SECTIONS=${1#*=} ;;
    --sbx) SBX=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ $EUID -eq 0 ]] || die "run as root: it drops to uid $BENCH_UID for every measurement"
for t in hyperfine bwrap jq setpriv unshare cc; do command -v $t >/dev/null || die "$t is not installed"; done
want() { [[ ",$SECTIONS," == *",$1,"* ]]; }
: "${ROUNDS:=$([[ $QUICK == 1 ]] && echo 2 || echo 5)}"

setup_workdir
[[ $KEEP == 1 ]] || trap 'rm -rf "$W"' EXIT
ensure_sbx
cp "$SBX" "$W/bin/sbx"
chmod 0755 "$W/bin/sbx"
compile_probes
write_noseccomp_profile
write_notify_profile
bwrap_base_args
S=$W/bin/sbx
REPORT=$W/out/report.md
out() { tee -a "$REPORT"; }

as_user "$S" run -- /bin/true || die "sbx run -- /bin/true fails as uid $BENCH_UID"
as_user "${BWRAP[@]}" /bin/true || die "bwrap fails as uid $BENCH_UID"

{
  echo "# sbx bench $(date -u +%FT%TZ)"
  echo
  echo "- machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), kernel $(uname -r)"
  echo "- sbx $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$( [[ -n "$(git -C "$ROOT" status --porcelain -- src 2>/dev/null)" ]] && echo ' (+ uncommitted src/ changes)'), binary $SBX"
  echo "- $(bwrap --version), crun $(crun --version 2>/dev/null | awk 'NR==1{print $3}'), runc $(runc --version 2>/dev/null | awk 'NR==1{print $3}'), $(hyperfine --version)"
  echo "- mode: $([[ $QUICK == 1 ]] && echo quick || echo full), rounds: $ROUNDS, work dir $W"
  echo
} | out

# ---------------------------------------------------------------------------- startup
if want startup; then
  RUNS=$([[ $QUICK == 1 ]] && echo 20 || echo 60)
  cmds=(
    "true" "/bin/true"
    "unshare -Urpmnif" "unshare -Urpmnif /bin/true"
    "bwrap" "${BWRAP[*]} /bin/true"
    "sbx" "$S run -- /bin/true"
    "sbx (no seccomp)" "$S run $W/profiles/noseccomp.toml -- /bin/true"
  )
  oci=()
  crun_cmd="crun --root $W/crun --cgroup-manager=disabled run -b $W/bundle bench-crun"
  runc_cmd="runc --root $W/runc run -b $W/bundle-root bench-runc"
  CGROUP_WORKAROUND=0
  if make_oci_bundles; then
    if command -v crun >/dev/null; then
      if as_user $crun_cmd >"$W/out/crun.err" 2>&1; then
        oci+=("crun" "$crun_cmd")
      elif grep -q 'hybrid mode' "$W/out/crun.err" && CGROUP_WORKAROUND=1 hf -N --runs 1 "$crun_cmd" >/dev/null 2>&1; then
        CGROUP_WORKAROUND=1
        OCI_NOTE+="crun refuses this cgroup-v1/v2 hybrid host ('$(head -1 "$W/out/crun.err")'); all startup commands run in a private mount namespace without /sys/fs/cgroup/unified. "
        oci+=("crun" "$crun_cmd")
      else
        OCI_NOTE+="crun cannot run rootless here: $(head -3 "$W/out/crun.err" | tr '\n' ' '). "
      fi
    fi
    if command -v runc >/dev/null; then
      if as_user $runc_cmd >"$W/out/runc.err" 2>&1; then
        oci+=("runc" "$runc_cmd")
      else
        OCI_NOTE+="runc cannot run rootless here: $(head -3 "$W/out/runc.err" | tr '\n' ' '). "
      fi
    fi
  fi
  bench_rounds startup "$ROUNDS" "$RUNS" 3 -- "${cmds[@]}" "${oci[@]}"
  {
    echo "## 1. startup: /bin/true in a sandbox"
    echo
    ocil=()
    for ((i = 0; i < ${#oci[@]}; i += 2)); do ocil+=("${oci[i]}"); done
    table "$W/out/startup.tsv" bwrap "true" "unshare -Urpmnif" bwrap sbx "sbx (no seccomp)" "${ocil[@]}"
    echo
    s=$(median_of sbx "$W/out/startup.tsv") b=$(median_of bwrap "$W/out/startup.tsv") f=$(median_of "unshare -Urpmnif" "$W/out/startup.tsv") t=$(median_of true "$W/out/startup.tsv") n=$(median_of "sbx (no seccomp)" "$W/out/startup.tsv")
    awk -v s="$s" -v b="$b" -v f="$f" -v t="$t" -v n="$n" 'BEGIN {
      printf "sbx/bwrap = %.2fx (target <= 0.80x, stretch <= 0.70x): %s\n", s / b, (s / b <= 0.7 ? "MET (stretch)" : s / b <= 0.8 ? "MET" : "NOT MET")
      printf "above the floor (unshare): sbx +%.2f ms, bwrap +%.2f ms; above /bin/true: floor +%.2f ms\n", s - f, b - f, f - t
      printf "seccomp cost at startup (sbx - sbx no seccomp): %.2f ms\n", s - n }'
    [[ -n "$OCI_NOTE" ]] && echo && echo "note: $OCI_NOTE"
    echo
  } | out
fi

# ---------------------------------------------------------------------------- mounts
if want mounts; then
  if [[ $QUICK == 1 ]]; then NS=(10 100 1000); BWRAP_MAX=${BWRAP_MAX:-1000}; else NS=(10 100 1000 2000); BWRAP_MAX=${BWRAP_MAX:-2000}; fi
  maxn=${NS[-1]}
  mkdir -p "$W/m"
  for ((i = 0; i < maxn; i++)); do mkdir -p "$W/m/d$i"; done
  chmod -R a+rX "$W/m"
  bench_rounds mounts0 "$ROUNDS" "$([[ $QUICK == 1 ]] && echo 10 || echo 30)" 2 -- "sbx" "$S run -- /bin/true" "bwrap" "${BWRAP[*]} /bin/true"
  s0=$(median_of sbx "$W/out/mounts0.tsv") b0=$(median_of bwrap "$W/out/mounts0.tsv")
  {
    echo "## 2. mounts: N extra read-only binds (dir i -> /m/i)"
    echo
    printf 'N = 0 (baseline): sbx %.2f ms, bwrap %.2f ms. Per bind = (median(N) - median(0)) / N.\n' "$s0" "$b0"
    echo
    echo "| N | sbx | sbx per bind | bwrap | bwrap per bind | bwrap/sbx |"
    echo "|---:|---:|---:|---:|---:|---:|"
  } | out
  for n in "${NS[@]}"; do
    {
      echo 'extends = "default"'
      echo '[filesystem]'
      printf 'ro = ['
      for ((i = 0; i < n; i++)); do printf '"%s/m/d%d:/m/%d",' "$W" "$i" "$i"; done
      echo ']'
    } >"$W/profiles/mounts-$n.toml"
    bargs="${BWRAP[*]}"
    for ((i = 0; i < n; i++)); do bargs+=" --ro-bind $W/m/d$i /m/$i"; done
    runs=$((n >= 1000 ? ($QUICK == 1 ? 3 : 5) : ($QUICK == 1 ? 10 : 20)))
    rounds=$((n >= 1000 ? 1 : ROUNDS))
    c=("sbx" "$S run $W/profiles/mounts-$n.toml -- /bin/true")
    ((n <= BWRAP_MAX)) && c+=("bwrap" "$bargs /bin/true")
    as_user "$S" run "$W/profiles/mounts-$n.toml" -- /bin/sh -c "test -d /m/$((n - 1))" || die "sbx with $n binds failed"
    bench_rounds "mounts$n" "$rounds" "$runs" 1 -- "${c[@]}"
    s=$(median_of sbx "$W/out/mounts$n.tsv") b=$(median_of bwrap "$W/out/mounts$n.tsv")
    awk -v n="$n" -v s="$s" -v b="$b" -v s0="$s0" -v b0="$b0" 'BEGIN {
      if (b == "") printf "| %d | %.1f ms | %.1f us | (skipped) | | |\n", n, s, (s - s0) * 1000 / n
      else printf "| %d | %.1f ms | %.1f us | %.1f ms | %.1f us | %.1fx |\n", n, s, (s - s0) * 1000 / n, b, (b - b0) * 1000 / n, b / s }' | out
  done
  {
    echo
    s2=$(median_of sbx "$W/out/mounts$maxn.tsv") b2=$(median_of bwrap "$W/out/mounts$maxn.tsv")
    s10=$(median_of sbx "$W/out/mounts10.tsv")
    awk -v n="$maxn" -v s="$s2" -v b="$b2" -v s0="$s0" -v s10="$s10" 'BEGIN {
      printf "target: 2000 binds <= 150 ms: sbx %d binds %.1f ms %s\n", n, s, (n == 2000 ? (s <= 150 ? "MET" : "NOT MET") : "(N=2000 not run)")
      if (b != "") printf "target: >= 30x faster than bwrap at %d: %.1fx %s\n", n, b / s, (b / s >= 30 ? "MET" : "NOT MET")
    }'
    echo "linearity: compare the sbx per-bind column across N (constant = linear)."
    echo
  } | out
fi

# ---------------------------------------------------------------------------- seccomp
if want seccomp; then
  ITER=$([[ $QUICK == 1 ]] && echo 1000000 || echo 5000000)
  REPS=$([[ $QUICK == 1 ]] && echo 3 || echo 9)
  : >"$W/out/seccomp.raw"
  for ((r = 0; r < REPS; r++)); do
    for v in host host1 bare default; do
      case $v in
        host) o=$(as_user "$W/bin/getppid_loop" "$ITER") ;;
        host1) o=$(as_user "$W/bin/with_allow_filter" "$W/bin/getppid_loop" "$ITER") ;;
        bare) o=$(as_user "$S" run "$W/profiles/noseccomp.toml" --ro "$W/bin" -- "$W/bin/getppid_loop" "$ITER") ;;
        default) o=$(as_user "$S" run --ro "$W/bin" -- "$W/bin/getppid_loop" "$ITER") ;;
      esac
      echo "$v ${o##*ns_per_iter=}" >>"$W/out/seccomp.raw"
    done
  done
  h=$(awk '$1=="host"{print $2}' "$W/out/seccomp.raw" | median)
  h1=$(awk '$1=="host1"{print $2}' "$W/out/seccomp.raw" | median)
  b=$(awk '$1=="bare"{print $2}' "$W/out/seccomp.raw" | median)
  d=$(awk '$1=="default"{print $2}' "$W/out/seccomp.raw" | median)
  PH=""
  if [[ $BUILD_FRESH != 1 ]]; then
    PH="phases probe skipped: libsbxcore.a in $BUILD is not fresh (build failed or --sbx/NO_BUILD given), so its ABI may not match src/ headers"
  elif [[ -f "$BUILD/src/libsbxcore.a" ]] &&
    g++ -std=c++20 -O2 -I"$ROOT/src" $(pkg-config --cflags tomlplusplus) "$HERE/probes/phases.cpp" "$BUILD/src/libsbxcore.a" \
      $(pkg-config --libs tomlplusplus libseccomp libcap) -o "$W/bin/phases" 2>"$W/out/phases.err"; then
    PH=$(as_user "$W/bin/phases" "" 200 2>&1) || PH="phases failed: $PH"
  else
    PH="phases probe did not build (see $W/out/phases.err): $(head -c 300 "$W/out/phases.err" 2>/dev/null)"
  fi
  {
    echo "## 3. seccomp: getppid() loop, $ITER iterations, median of $REPS interleaved runs"
    echo
    echo "| where | ns/getppid |"
    echo "|---|---:|"
    echo "| host, no sandbox | $h |"
    echo "| host, a 1-instruction allow-all filter (the kernel's fixed cost of any filter) | $h1 |"
    echo "| sbx, no [seccomp] | $b |"
    echo "| sbx, default filter | $d |"
    echo
    awk -v b="$b" -v d="$d" -v h="$h" -v h1="$h1" 'BEGIN { printf "default filter adds %.1f ns per syscall (%.1f%%; target <= 25%%): %s\n", d - b, (d - b) * 100 / b, ((d - b) / b <= 0.25 ? "MET" : "NOT MET"); printf "of which any filter at all costs %.1f ns on the host (%.1f%%)\n", h1 - h, (h1 - h) * 100 / h }'
    echo
    echo "the parent's phases in-process (bench/probes/phases.cpp linking libsbxcore.a; default profile). compile_filter"
    echo "is what libseccomp would cost on each run: a shipped profile's filter is precompiled at build time instead."
    echo
    echo '```'
    echo "$PH"
    echo '```'
    [[ -f "$W/out/startup.tsv" ]] && awk -F'\t' '$1=="sbx"{s=$2} $1=="sbx (no seccomp)"{n=$2} END{printf "\nend to end (section 1): sbx default - sbx no seccomp = %.2f ms\n", s-n}' "$W/out/startup.tsv"
    echo
  } | out
fi

# ---------------------------------------------------------------------------- notify
if want notify; then
  NITER=$([[ $QUICK == 1 ]] && echo 50000 || echo 200000)
  REPS=$([[ $QUICK == 1 ]] && echo 3 || echo 7)
  : >"$W/out/notify.raw"
  ok=1 why=""
  # The check: with action = "deny" every getppid() must fail, else notify is not live.
  if ! o=$(as_user timeout 120 "$S" run "$W/profiles/notify-deny.toml" --ro "$W/bin" -- "$W/bin/getppid_loop" 1000 2>"$W/out/notify.err"); then
    ok=0 why="the deny check failed: $(head -c 400 "$W/out/notify.err" | tr '\n' ' ')"
  elif [[ "$o" != *"errors=1000"* ]]; then
    ok=0 why="with action = \"deny\" getppid() still succeeds ($o): the filter does not notify"
  fi
  for ((r = 0; ok && r < REPS; r++)); do
    if ! o=$(as_user timeout 120 "$S" run "$W/profiles/notify-allow.toml" --ro "$W/bin" -- "$W/bin/getppid_loop" "$NITER" 2>"$W/out/notify.err"); then
      ok=0 why="$(head -c 400 "$W/out/notify.err" | tr '\n' ' ')"
      break
    fi
    echo "$o" | sed -n 's/.*elapsed_ns=\([0-9]*\).*/\1/p' >>"$W/out/notify.raw"
  done
  {
    echo "## 4. notify: getppid() answered by the built-in listener (action = allow)"
    echo
    if [[ $ok == 1 && -s "$W/out/notify.raw" ]]; then
      e=$(median <"$W/out/notify.raw")
      awk -v n="$NITER" -v e="$e" -v r="$REPS" 'BEGIN { d = n / (e / 1e9); printf "%d notifications, median of %d runs: %.3f s, %.0f decisions/s, %.1f us each (target >= 50,000/s): %s\n", n, r, e / 1e9, d, e / n / 1000, (d >= 50000 ? "MET" : "NOT MET") }'
      echo "(checked first: with action = \"deny\" all 1000 getppid() calls failed, so the calls do reach the listener)"
    else
      echo "PENDING: the listener does not work in this build: $why"
    fi
    echo
  } | out
fi

# ---------------------------------------------------------------------------- memory
# Starts the sandbox (workload: sleep 1 s), samples every process of its tree from
# outside at 0.6 s (VmHWM, VmRSS, Pss): the processes running the sbx or bwrap binary
# (sbx's supervisor and its init, which is a fork of it; bwrap's monitor and its pid 1),
# not the workload nor the wrappers (setpriv, env, a bash subshell).
if want memory; then
  REPS=$([[ $QUICK == 1 ]] && echo 2 || echo 5)
  sample_tree() {
    local top=$1 p q
    local -a tree=("$top") queue=("$top")
    while ((${#queue[@]})); do
      p=${queue[0]}
      queue=("${queue[@]:1}")
      for q in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree+=("$q"); queue+=("$q"); done
    done
    for p in "${tree[@]}"; do
      local exe comm hwm rss pss
      exe=$(readlink /proc/"$p"/exe 2>/dev/null) || continue
      [[ $exe == "$W/bin/sbx" || $exe == */bwrap ]] || continue
      comm=$(cat /proc/"$p"/comm)
      hwm=$(awk '/^VmHWM/{print $2}' /proc/"$p"/status)
      rss=$(awk '/^VmRSS/{print $2}' /proc/"$p"/status)
      pss=$(awk '/^Pss:/{print $2}' /proc/"$p"/smaps_rollup 2>/dev/null)
      echo "$comm $hwm $rss ${pss:-0}"
    done
  }
  : >"$W/out/memory.raw"
  for ((r = 0; r < REPS; r++)); do
    for tool in sbx bwrap; do
      if [[ $tool == sbx ]]; then
        as_user "$S" run --ro "$W/bin" -- "$W/bin/sleeper" 1000 &
      else
        as_user "${BWRAP[@]}" --ro-bind "$W/bin" "$W/bin" "$W/bin/sleeper" 1000 &
      fi
      pid=$!
      sleep 0.6
      sample_tree "$pid" | awk -v t="$tool" -v r="$r" '{ print t, r, NR, $0 }' >>"$W/out/memory.raw"
      wait "$pid" || true
    done
  done
  {
    echo "## 5. memory: the sandbox's own processes while the workload sleeps (kB, median of $REPS)"
    echo
    echo "| tool | process (tree order) | VmHWM | VmRSS | Pss |"
    echo "|---|---|---:|---:|---:|"
    for tool in sbx bwrap; do
      for k in $(awk -v t="$tool" '$1==t{print $3}' "$W/out/memory.raw" | sort -un); do
        c=$(awk -v t="$tool" -v k="$k" '$1==t && $3==k{print $4; exit}' "$W/out/memory.raw")
        printf '| %s | %d: %s | %s | %s | %s |\n' "$tool" "$k" "$c" \
          "$(awk -v t="$tool" -v k="$k" '$1==t && $3==k{print $5}' "$W/out/memory.raw" | median)" \
          "$(awk -v t="$tool" -v k="$k" '$1==t && $3==k{print $6}' "$W/out/memory.raw" | median)" \
          "$(awk -v t="$tool" -v k="$k" '$1==t && $3==k{print $7}' "$W/out/memory.raw" | median)"
      done
    done
    echo
    for tool in sbx bwrap; do
      printf '%s total: VmHWM %s kB, Pss %s kB\n' "$tool" \
        "$(awk -v t="$tool" '$1==t{s[$2]+=$5} END{for(r in s) print s[r]}' "$W/out/memory.raw" | median)" \
        "$(awk -v t="$tool" '$1==t{s[$2]+=$7} END{for(r in s) print s[r]}' "$W/out/memory.raw" | median)"
    done > "$W/out/memory.tot"
    cat "$W/out/memory.tot"
    awk '{gsub("kB,","",$4); h[$1]=$4; p[$1]=$7} END { printf "target sbx RSS <= bwrap: VmHWM %.2fx, Pss %.2fx: %s\n", h["sbx"]/h["bwrap"], p["sbx"]/p["bwrap"], (h["sbx"] <= h["bwrap"] ? "MET" : "NOT MET") }' "$W/out/memory.tot"
    echo
  } | out
fi

# ---------------------------------------------------------------------------- load
if want load; then
  NCON=${NCON:-100}
  RUNS=$([[ $QUICK == 1 ]] && echo 3 || echo 10)
  fails() { as_user sh -c 'f=0; for i in $(seq '"$NCON"'); do '"$1"' >/dev/null 2>&1 & done; for j in $(jobs -p); do wait $j || f=$((f+1)); done; echo $f'; }
  fs=$(fails "$S run -- /bin/true")
  fb=$(fails "${BWRAP[*]} /bin/true")
  # hyperfine runs these through sh; the loop's own cost is the same for both.
  as_user hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$W/out/load.json" \
    -n sbx "for i in \$(seq $NCON); do $S run -- /bin/true & done; wait" \
    -n bwrap "for i in \$(seq $NCON); do ${BWRAP[*]} /bin/true & done; wait" >"$W/out/load.log" 2>&1 || { cat "$W/out/load.log"; die "load failed"; }
  {
    echo "## 6. load: $NCON sandboxes started at once (/bin/true), median of $RUNS"
    echo
    echo "| tool | wall time | sandboxes/s | failed of $NCON |"
    echo "|---|---:|---:|---:|"
    jq -r --arg n "$NCON" --arg fs "$fs" --arg fb "$fb" '.results[] | "| \(.command) | \(.median*1000|floor) ms | \(($n|tonumber)/.median|floor) | \(if .command=="sbx" then $fs else $fb end) |"' "$W/out/load.json"
    jq -r '(.results|map({(.command): .median})|add) as $m | "sbx/bwrap throughput ratio: \($m.bwrap/$m.sbx*100|floor/100)x"' "$W/out/load.json"
    echo
  } | out
fi

echo "report: $REPORT$([[ $KEEP == 1 ]] || echo ' (deleted on exit: use --keep)')" >&2
if [[ $KEEP != 1 ]]; then cp "$REPORT" /tmp/sbx-bench-last-report.md && echo "copy: /tmp/sbx-bench-last-report.md" >&2; fi
