#!/usr/bin/env bash
# Link-time experiments on sbx's startup, without touching src/: relinks the objects
# of build-bench (main.cpp.o + libsbxcore.a, Release -O3) with other link options and
# compares the binaries with hyperfine, as uid 65534, interleaved in rounds.
#
#   bench/variants.sh [--quick] [--build-only]
#
# Variants (all from the same objects):
#   dyn        as CMake links it: libstdc++, libgcc_s, libseccomp, libcap, libtomlplusplus .so
#   static-cxx -static-libstdc++ -static-libgcc
#   static-libs  static-cxx + libseccomp.a + libcap.a (Debian ships both)
#   static     fully static (-static -static-pie): glibc too, and toml++ compiled into
#              the binary from its header-only implementation (Debian ships no .a)
#   now        dyn with -Wl,-z,now (all symbols bound at start: the cost of lazy vs eager)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build-bench}
. "$HERE/lib.sh"
QUICK=0 BUILD_ONLY=0
for a in "$@"; do case $a in --quick) QUICK=1 ;; --build-only) BUILD_ONLY=1 ;; *) die "unknown option $a" ;; esac; done
[[ $EUID -eq 0 ]] || die "run as root"
V=$BUILD/variants
mkdir -p "$V"
OBJ=$BUILD/src/CMakeFiles/sbx.dir/main.cpp.o
LIB=$BUILD/src/libsbxcore.a
[[ -f $OBJ && -f $LIB ]] || die "build $BUILD first (bench/run.sh builds it)"
L=/usr/lib/x86_64-linux-gnu

# toml++'s implementation as one object, for the static variant.
printf '#define TOML_IMPLEMENTATION\n#include <toml++/toml.h>\n' >"$V/toml_impl.cpp"
c++ -std=c++20 -O2 -DTOML_HEADER_ONLY=0 -c "$V/toml_impl.cpp" -o "$V/toml_impl.o"

c++ -O3 "$OBJ" -o "$V/sbx-dyn" "$LIB" -lseccomp -lcap -ltomlplusplus
c++ -O3 "$OBJ" -o "$V/sbx-static-cxx" "$LIB" -lseccomp -lcap -ltomlplusplus -static-libstdc++ -static-libgcc
c++ -O3 "$OBJ" -o "$V/sbx-static-libs" "$LIB" "$L/libseccomp.a" "$L/libcap.a" -ltomlplusplus -static-libstdc++ -static-libgcc
c++ -O3 -static-pie "$OBJ" -o "$V/sbx-static" "$LIB" "$V/toml_impl.o" "$L/libseccomp.a" "$L/libcap.a" 2>"$V/static.warn" ||
  c++ -O3 -static "$OBJ" -o "$V/sbx-static" "$LIB" "$V/toml_impl.o" "$L/libseccomp.a" "$L/libcap.a" 2>"$V/static.warn"
c++ -O3 "$OBJ" -o "$V/sbx-now" "$LIB" -lseccomp -lcap -ltomlplusplus -Wl,-z,now
ls -la "$V"/sbx-* >&2
[[ $BUILD_ONLY == 1 ]] && exit 0

setup_workdir
trap 'rm -rf "$W"' EXIT
names=(dyn static-cxx static-libs static now)
for n in "${names[@]}"; do cp "$V/sbx-$n" "$W/bin/"; done
chmod 0755 "$W/bin"/*
for n in "${names[@]}"; do as_user "$W/bin/sbx-$n" run -- /bin/true || die "sbx-$n run fails"; done
ROUNDS=$([[ $QUICK == 1 ]] && echo 2 || echo 5) RUNS=$([[ $QUICK == 1 ]] && echo 20 || echo 50)
c=()
for n in "${names[@]}"; do c+=("$n --version" "$W/bin/sbx-$n --version"); done
bench_rounds version "$ROUNDS" "$RUNS" 3 -- "true" /bin/true "${c[@]}"
c=()
for n in "${names[@]}"; do c+=("$n run" "$W/bin/sbx-$n run -- /bin/true"); done
bench_rounds run "$ROUNDS" "$RUNS" 3 -- "${c[@]}"
echo "### sbx --version by link variant"
echo
labels=(true)
for n in "${names[@]}"; do labels+=("$n --version"); done
table "$W/out/version.tsv" "dyn --version" "${labels[@]}"
echo
echo "### sbx run -- /bin/true by link variant"
echo
labels=()
for n in "${names[@]}"; do labels+=("$n run"); done
table "$W/out/run.tsv" "dyn run" "${labels[@]}"
