#!/bin/sh
# Runs clang-tidy (config: .clang-tidy) over src/ with a build's compile_commands.json.
#
#   tests/tools/clang_tidy.sh [BUILD_DIR] [-- EXTRA run-clang-tidy ARGS]
#
# BUILD_DIR defaults to build/ (configured with the "default" preset if it has no
# compile_commands.json). Prints every finding, then a count per check; the full log
# is BUILD_DIR/clang-tidy.log. Exits 1 when there are findings and SBX_TIDY_STRICT=1.
# Needs: clang-tidy (apt-get install clang-tidy).
set -eu

here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

if [ ! -f "$build/compile_commands.json" ]; then
  if [ "$build" = "$here/build" ]; then
    cmake --preset default -S "$here" >/dev/null
  else
    cmake -S "$here" -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
  fi
fi
# The generated embedded_profiles.cpp must exist for its compile command to make sense.
cmake --build "$build" --target sbxcore -j2 >/dev/null

runner=$(command -v run-clang-tidy || command -v run-clang-tidy-14 || true)
[ -n "$runner" ] || { echo "clang_tidy.sh: run-clang-tidy not found (apt-get install clang-tidy)" >&2; exit 2; }

log="$build/clang-tidy.log"
# g++-only flags in compile_commands.json that clang does not know are dropped.
"$runner" -quiet -j 2 -p "$build" -extra-arg=-Wno-unknown-warning-option \
  -extra-arg=-Wno-unused-command-line-argument "$@" "$here/src/.*\.cpp\$" >"$log" 2>&1 || true

# (run-clang-tidy may colour its output even into a file: strip the escapes.)
findings=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^/.*:[0-9]+:[0-9]+: (warning|error):' | sort -u || true)
if [ -z "$findings" ]; then
  echo "clang-tidy: no findings in src/"
  exit 0
fi
echo "$findings"
echo
echo "clang-tidy: $(echo "$findings" | wc -l) findings in src/ by check:"
echo "$findings" | sed -n 's/.*\[\([a-z0-9.,-]*\)\]$/\1/p' | sort | uniq -c | sort -rn
[ "${SBX_TIDY_STRICT:-0}" = 1 ] && exit 1
exit 0
