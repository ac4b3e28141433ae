#!/usr/bin/env bash
# Where sbx's startup time goes. Run as root; every profiled command runs as uid 65534.
#
#   bench/profile.sh [--sbx PATH] [--runs N] [--sections LIST]
#
# Sections (default: all). For the phase-by-phase timeline, see bench/timeline.sh
# (trace points compiled into sbx: far more exact than strace).
#   callgrind instruction counts of the parent process (stable on a noisy machine):
#             inclusive cost of the top sbx:: functions, ld.so and libseccomp
#   ldso      LD_DEBUG=statistics of sbx and bwrap
#   syscalls  strace -c -f: syscall counts of one run, sbx and bwrap
#   perf      perf record -e cpu-clock -a over a loop of runs (no PMU in this VM):
#             user vs kernel share and the top symbols of the sbx processes
# Output goes to stdout and $W/out (kept; the path is printed at the end).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build-bench}
. "$HERE/lib.sh"
RUNS=30 SECTIONS=callgrind,ldso,syscalls,perf SBX=${SBX:-}
while (($#)); do
  case $1 in
    --sbx) SBX=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --sections) SECTIONS=$2; shift ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
want() { [[ ",$SECTIONS," == *",$1,"* ]]; }
[[ $EUID -eq 0 ]] || die "run as root"
setup_workdir
NO_BUILD=${NO_BUILD:-1} ensure_sbx
cp "$SBX" "$W/bin/sbx"
chmod 0755 "$W/bin/sbx"
bwrap_base_args
S=$W/bin/sbx

# ------------------------------------------------------------------------ callgrind
if want callgrind; then
  if command -v valgrind >/dev/null; then
    as_user valgrind --tool=callgrind --callgrind-out-file="$W/out/callgrind.out" "$S" run -- /bin/true >"$W/out/callgrind.log" 2>&1 || true
    as_user valgrind --tool=callgrind --callgrind-out-file="$W/out/callgrind-version.out" "$S" --version >/dev/null 2>&1 || true
    echo "## callgrind: instructions executed by the sbx parent (the child is not followed)"
    echo
    echo '```'
    echo "sbx --version: $(callgrind_annotate "$W/out/callgrind-version.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { print $1 }') instructions"
    callgrind_annotate --inclusive=yes "$W/out/callgrind.out" 2>/dev/null |
      grep -E 'PROGRAM TOTALS|sbx::|_dl_relocate_object|_dl_lookup_symbol_x|_dl_start |seccomp_export_bpf|seccomp_rule_add_array|toml::v3::ex::parse|CLI::App::parse|_int_malloc' |
      sed -E 's/\(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&/(string const\&/g; s/ \[[^]]*\]$//' |
      awk '!seen[$0]++' | head -40 | cut -c1-150
    echo '```'
    echo
  else
    echo "callgrind: valgrind is not installed (apt-get install valgrind)"
  fi
fi

# ------------------------------------------------------------------------ ldso
if want ldso; then
  echo "## LD_DEBUG=statistics"
  echo
  echo '```'
  for c in "$S --version" "bwrap --version"; do
    echo "$c: $(as_user env LD_DEBUG=statistics $c 2>&1 >/dev/null | grep -E 'total startup time|number of relocations:|relative relocations' | sed 's/^ *[0-9]*: *//' | tr -s ' ' | paste -sd';')"
  done
  echo "shared objects: sbx $(ldd "$S" | wc -l), bwrap $(ldd "$(command -v bwrap)" | wc -l)"
  echo '```'
  echo
fi

# ------------------------------------------------------------------------ syscalls
if want syscalls; then
  echo "## strace -c -f: syscalls of one run"
  echo
  for name in sbx bwrap; do
    if [[ $name == sbx ]]; then as_user strace -f -c -o "$W/out/strace-c.$name" "$S" run -- /bin/true
    else as_user strace -f -c -o "$W/out/strace-c.$name" "${BWRAP[@]}" /bin/true; fi
    echo "$name: $(awk '/^ *[0-9]/ && $NF != "total" { n += ($4 ~ /^[0-9]+$/ ? $4 : $3) } END { print n }' "$W/out/strace-c.$name") syscalls; top by count:"
    echo '```'
    awk 'NR > 2 && $1 ~ /^[0-9.]+$/ && $NF != "total" { c = ($4 ~ /^[0-9]+$/ ? $4 : $3); print c, $NF }' "$W/out/strace-c.$name" | sort -rn | head -12 | paste -sd' ' | fold -w 150
    echo '```'
  done
  echo
fi

# ------------------------------------------------------------------------ perf
if want perf; then
  if command -v perf >/dev/null; then
    N=${PERF_RUNS:-200}
    for name in sbx bwrap; do
      if [[ $name == sbx ]]; then cmd="$S run -- /bin/true"; else cmd="${BWRAP[*]} /bin/true"; fi
      perf record -q -e cpu-clock -F 20000 -g -a -o "$W/out/perf.$name.data" -- \
        setpriv --reuid="$BENCH_UID" --regid="$BENCH_GID" --clear-groups env -i PATH=/usr/bin:/bin HOME="$W/home" USER=nobody \
        sh -c "for i in \$(seq $N); do $cmd; done" >/dev/null 2>&1 || true
    done
    echo "## perf record -e cpu-clock -a, $N runs each: CPU ms per run of the sandbox's own processes"
    echo
    echo "by process and DSO (cpu-clock period summed per run):"
    echo '```'
    for name in sbx bwrap; do
      comms=$([[ $name == sbx ]] && echo sbx,true || echo bwrap,true)
      perf report -i "$W/out/perf.$name.data" --comms "$comms" --sort comm,dso -F comm,dso,period --no-children --stdio 2>/dev/null |
        awk -v n="$N" -v t="$name" '/^ +[a-z]/ { ms = $3 / 1e6 / n; tot += ms; if (ms >= 0.01) printf "%-6s %-6s %-28s %6.3f ms\n", t, $1, $2, ms } END { printf "%-6s total %35.3f ms\n", t, tot }'
    done
    echo '```'
    echo "kernel, inclusive (children) ms per run of selected entry points (system-wide -g: kernel stacks are exact):"
    echo '```'
    for name in sbx bwrap; do
      perf report -i "$W/out/perf.$name.data" --comms "$name" --children --sort sym --stdio -g none 2>/dev/null |
        awk -v n="$N" -v t="$name" '
          /Event count/ { ev = $NF }
          NF > 2 && $(NF-1) == "[k]" && $NF ~ /^(__do_sys_clone3|__do_sys_clone|copy_net_ns|copy_mnt_ns|__x64_sys_execve|do_exit|cleanup_mnt|__x64_sys_(open_tree|move_mount|fsconfig|fsmount|fsopen|mount|mount_setattr|pivot_root|openat2|openat|ioctl|mmap|prctl|seccomp|umount)|do_seccomp|asm_exc_page_fault|task_work_run|cleanup_net)$/ {
            gsub("%", "", $1); printf "%-6s %-28s %6.3f ms\n", t, $NF, $1 / 100 * ev / 1e6 / n }'
    done
    echo '```'
  else
    echo "perf: not installed (apt-get install linux-perf)"
  fi
fi
echo "profile output kept in $W/out" >&2
