#!/usr/bin/env bash
# Installs from Debian's archive what sbx needs, from the lists in tools/packages/:
#
#   tools/install-deps.sh build   what building sbx needs (build.txt)
#   tools/install-deps.sh test    that, and everything tests/run-all.sh runs: peers, the OCI
#                                 schema, sanitizers and fuzzers (test.txt), and the real
#                                 npm, pip, cargo and make of the ecosystem tests (ecosystem.txt)
#
# Needs root (the README runs it through sudo when there is one). It is what the README's
# Quick start and .ci/run call: there is no other list of what the tests need.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
what=${1:-}
case $what in
  build | test) ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
if [[ $(id -u) -ne 0 ]]; then
  echo "$0: installing packages needs root: run it with sudo" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# The package names of a list: one a line, '#' starts a comment.
list() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$here/packages/$1.txt"; }

lists=(build)
[[ $what == test ]] && lists+=(test)
mapfile -t packages < <(for l in "${lists[@]}"; do list "$l"; done)
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" </dev/null >/dev/null
echo "installed: ${lists[*]} (${#packages[@]} packages)"
[[ $what == test ]] || exit 0

# The ecosystem tools one by one, so that one this release lacks cannot stop the rest. A
# machine may already carry its own Node.js (NodeSource's bundles npm and conflicts with
# Debian's npm package): a working node and npm are kept.
while read -r pkg; do
  case $pkg in
    nodejs | npm) command -v node >/dev/null && command -v npm >/dev/null && continue ;;
    libnode-dev) [[ -f /usr/include/node/node_api.h ]] && continue ;; # such a Node.js ships its headers
  esac
  apt-get install -y -qq --no-install-recommends "$pkg" </dev/null >/dev/null ||
    echo "$0: could not install $pkg: the ecosystem tests that need it will fail" >&2
done < <(list ecosystem)
echo "installed: ecosystem tools"
