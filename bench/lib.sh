# Helpers shared by bench/run.sh and bench/profile.sh. Sourced, not run.
#
# Everything is measured as an unprivileged user (uid/gid 65534, no supplementary
# groups, via setpriv), from a 0777 work directory under /tmp that holds copies of the
# binaries. The scripts themselves run as root only to create that directory, to sample
# /proc of other users' processes (memory section) and, for crun on a cgroup-v1/v2
# hybrid host, to hide /sys/fs/cgroup/unified in a private mount namespace.

BENCH_UID=${BENCH_UID:-65534}
BENCH_GID=${BENCH_GID:-65534}

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

# The work directory: $W/bin (binaries), $W/proj (the "project", cwd of every run),
# $W/home ($HOME), $W/xdg (XDG_RUNTIME_DIR for crun/runc), $W/out (results).
setup_workdir() {
  W=$(mktemp -d /tmp/sbx-bench.XXXXXX)
  chmod 0777 "$W"
  mkdir -p "$W/bin" "$W/proj" "$W/home" "$W/xdg" "$W/out" "$W/profiles"
  chmod 0777 "$W/proj" "$W/home" "$W/out" "$W/profiles"
  chmod 0700 "$W/xdg"
  chown "$BENCH_UID:$BENCH_GID" "$W/xdg" "$W/home" "$W/proj"
  cd "$W/proj"
}

# Runs "$@" as the unprivileged user with a small, fixed environment.
as_user() {
  setpriv --reuid="$BENCH_UID" --regid="$BENCH_GID" --clear-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$W/home" USER=nobody LOGNAME=nobody \
    XDG_RUNTIME_DIR="$W/xdg" LANG=C.UTF-8 "$@"
}

# Builds sbx (and libsbxcore.a, which bench/probes/phases.cpp links) in $BUILD
# (Release), incrementally, unless --sbx was given or NO_BUILD=1. Sets BUILD_FRESH=1
# when libsbxcore.a matches the headers in src/ (a successful build just now). GCC 12
# at -O3 reports a false -Wrestrict inside std::string (GCC bug 105651) that -Werror
# makes fatal, so that one warning is kept but not fatal.
ensure_sbx() {
  BUILD_FRESH=0
  if [[ -n "${SBX:-}" ]]; then [[ -x "$SBX" ]] || die "--sbx $SBX is not executable"; SBX=$(realpath "$SBX"); return; fi
  SBX=$BUILD/sbx
  if [[ "${NO_BUILD:-0}" == 1 ]]; then [[ -x "$SBX" ]] || die "$SBX does not exist"; return; fi
  note "building sbx in $BUILD (incremental)"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSBX_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS="-Wno-error=restrict" >"$W/out/cmake.log" 2>&1 || { cat "$W/out/cmake.log"; die "cmake failed"; }
  if cmake --build "$BUILD" -j"$(nproc)" --target sbx >"$W/out/build.log" 2>&1; then
    BUILD_FRESH=1
  else
    tail -20 "$W/out/build.log" >&2
    [[ -x "$SBX" ]] || die "build failed"
    note "build failed (someone's half-finished file?): measuring the previous $SBX"
  fi
}

compile_probes() {
  cc -O2 -o "$W/bin/getppid_loop" "$HERE/probes/getppid_loop.c" || die "cannot compile getppid_loop"
  cc -O2 -o "$W/bin/sleeper" "$HERE/probes/sleeper.c" || die "cannot compile sleeper"
  cc -O2 -o "$W/bin/with_allow_filter" "$HERE/probes/with_allow_filter.c" || die "cannot compile with_allow_filter"
  chmod 0755 "$W/bin"/*
}

# The default profile minus [seccomp] (a profile that `extends` cannot remove a table).
write_noseccomp_profile() {
  sed '/^\[seccomp\]/,$d' "$ROOT/profiles/default.toml" >"$W/profiles/noseccomp.toml"
  grep -q '^\[seccomp' "$W/profiles/noseccomp.toml" && die "noseccomp profile still has [seccomp]"
  grep -q '^\[namespaces\]' "$W/profiles/noseccomp.toml" || die "default.toml layout changed: fix write_noseccomp_profile"
}

# The default profile plus a built-in notify listener on getppid: notify.toml allows
# (the benchmark), notify-deny.toml denies (the check that notifications really reach
# the listener: every getppid() then fails).
write_notify_profile() {
  local a
  for a in allow deny; do
    { cat "$ROOT/profiles/default.toml"; printf '\n[seccomp.notify]\nsyscalls = ["getppid"]\naction = "%s"\n' "$a"; } \
      >"$W/profiles/notify-$a.toml"
  done
}

# bwrap with the default profile's namespaces and filesystem. bwrap applies its
# options in order, so the tmpfs on /tmp comes before the binds below /tmp ($HOME and
# the project live under /tmp here).
bwrap_base_args() {
  local a=(bwrap --unshare-all --die-with-parent --new-session --clearenv
    --setenv PATH /usr/local/bin:/usr/bin:/bin --setenv HOME "$W/home" --setenv USER nobody --setenv LANG C.UTF-8
    --hostname sbx
    --ro-bind /usr /usr --ro-bind /etc /etc --ro-bind-try /opt /opt)
  local l
  for l in bin sbin lib lib64 lib32 libx32; do
    if [[ -L /$l ]]; then a+=(--symlink "$(readlink "/$l")" "/$l"); elif [[ -d /$l ]]; then a+=(--ro-bind "/$l" "/$l"); fi
  done
  a+=(--tmpfs /tmp --tmpfs /var/tmp --tmpfs /run --tmpfs "$W/home" --bind "$W/proj" "$W/proj"
    --proc /proc --dev /dev --chdir "$W/proj")
  BWRAP=("${a[@]}")
}

# crun/runc bundles from `sbx export --bundle`. The exported rootfs is an empty
# directory; the profile's merged-/usr symlinks (an sbx extension, not OCI) are added
# to it by hand so that the dynamic loader is found. runc 1.1 refuses a user namespace
# whose mapping has no containerID 0 ("User namespaces enabled, but no user mapping
# found"), so its bundle maps container root to the caller and runs as root inside,
# as `runc spec --rootless` does.
make_oci_bundles() {
  OCI_NOTE=""
  as_user "$W/bin/sbx" export --bundle "$W/bundle" -- /bin/true >/dev/null 2>"$W/out/export.err" || {
    OCI_NOTE="sbx export --bundle failed: $(head -c 300 "$W/out/export.err")"
    return 1
  }
  local l
  for l in bin sbin lib lib64 lib32 libx32; do
    [[ -L /$l ]] && ln -sfn "$(readlink "/$l")" "$W/bundle/rootfs/$l"
  done
  cp -a "$W/bundle" "$W/bundle-root"
  jq '.linux.uidMappings=[{"containerID":0,"hostID":'"$BENCH_UID"',"size":1}]
      | .linux.gidMappings=[{"containerID":0,"hostID":'"$BENCH_GID"',"size":1}]
      | .process.user={"uid":0,"gid":0}' "$W/bundle/config.json" >"$W/bundle-root/config.json"
  chown -R -h "$BENCH_UID:$BENCH_GID" "$W/bundle" "$W/bundle-root"
}

# Hyperfine, run as the unprivileged user. With CGROUP_WORKAROUND=1 it runs in a
# private mount namespace in which /sys/fs/cgroup/unified is unmounted: crun refuses
# cgroup "hybrid" hosts (v1 controllers plus a v2 hierarchy with controllers) even
# with --cgroup-manager=disabled. The host's mount table is not touched; every command
# of the invocation sees the same (one mount smaller) table.
hf() {
  if [[ "${CGROUP_WORKAROUND:-0}" == 1 ]]; then
    unshare -m --propagation private sh -c 'umount -l /sys/fs/cgroup/unified && exec "$@"' sh \
      setpriv --reuid="$BENCH_UID" --regid="$BENCH_GID" --clear-groups \
      env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$W/home" USER=nobody LOGNAME=nobody \
      XDG_RUNTIME_DIR="$W/xdg" LANG=C.UTF-8 hyperfine "$@"
  else
    as_user hyperfine "$@"
  fi
}

# bench_rounds NAME ROUNDS RUNS WARMUP -- label1 cmd1 label2 cmd2 ...
# Runs ROUNDS hyperfine invocations of all commands (each RUNS runs), rotating their
# order every round so that slow drifts of a noisy machine hit every command alike,
# then merges the per-run times: $W/out/NAME.tsv has "label<TAB>median_ms<TAB>n<TAB>cpu_ms"
# (cpu: user+system of the command and its children, hyperfine's mean over the rounds;
# less sensitive to a noisy machine than wall time, but blind to time spent waiting).
# hyperfine cannot interleave single runs; rounds are the closest it offers.
bench_rounds() {
  local name=$1 rounds=$2 runs=$3 warmup=$4
  shift 5
  local -a labels=() cmds=()
  while (($#)); do labels+=("$1"); cmds+=("$2"); shift 2; done
  local n=${#labels[@]} r i j
  rm -f "$W/out/$name".r*.json
  for ((r = 0; r < rounds; r++)); do
    local -a args=(-N --style none --warmup "$warmup" --runs "$runs" --export-json "$W/out/$name.r$r.json")
    for ((j = 0; j < n; j++)); do
      i=$(((j + r) % n))
      args+=(-n "${labels[i]}" "${cmds[i]}")
    done
    hf "${args[@]}" >"$W/out/$name.r$r.log" 2>&1 || { cat "$W/out/$name.r$r.log" >&2; return 1; }
  done
  jq -s -r '[.[].results[]] | group_by(.command)
            | map({c: .[0].command, t: ([.[].times[]] | sort), cpu: (map(.user + .system) | add / length)})
            | .[] | "\(.c)\t\(.t[(.t|length/2|floor)] * 1000)\t\(.t|length)\t\(.cpu * 1000)"' "$W/out/$name".r*.json >"$W/out/$name.tsv"
}

# median_of LABEL FILE: the median in ms from a bench_rounds tsv.
median_of() { awk -F'\t' -v l="$1" '$1 == l { print $2 }' "$2"; }

# table FILE REF_LABEL label...: a markdown table of medians and ratios to REF_LABEL.
table() {
  local f=$1 ref=$2
  shift 2
  local rm
  rm=$(median_of "$ref" "$f")
  local rc
  rc=$(awk -F'\t' -v l="$ref" '$1 == l { print $4 }' "$f")
  echo "| command | median wall | ratio to $ref | runs | mean CPU (user+sys) | CPU ratio |"
  echo "|---|---:|---:|---:|---:|---:|"
  local l
  for l in "$@"; do
    awk -F'\t' -v l="$l" -v r="$rm" -v rc="$rc" '$1 == l { printf "| %s | %.2f ms | %.2fx | %d | %.2f ms | %.2fx |\n", $1, $2, (r > 0 ? $2 / r : 0), $3, $4, (rc > 0 ? $4 / rc : 0) }' "$f"
  done
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
