#!/usr/bin/env bash
# Prints the directory holding a complete test-oracle set for the current tests/oracle/generate.py,
# generating it first when the cache does not have one.
#
#   scripts/oracle.sh [CACHE_ROOT]
#
# The set lives in CACHE_ROOT/oracle/<hash>, where <hash> is the first 16 hex digits of the SHA-256 of
# generate.py and CACHE_ROOT defaults to ${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}
# (tests/oracle/CMakeLists.txt computes the same path at configure time and passes CACHE_ROOT).
# A set is complete when it holds COMPLETE, which the generator writes last. A missing set is generated
# into a temporary directory beside it and renamed into place, so a killed run leaves no half-written
# set under the final name and concurrent runs are safe (the first rename wins).
# The interpreter is ${TTNN_PYTHON:-/usr/bin/python3} (it needs torch, torchvision and numpy).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
generator="$here/../tests/oracle/generate.py"
python="${TTNN_PYTHON:-/usr/bin/python3}"

if [[ $# -gt 1 ]]; then
  echo "usage: $0 [CACHE_ROOT]" >&2
  exit 2
fi
if [[ $# -eq 1 && -n "$1" ]]; then
  cache_root="$1"
else
  cache_root="${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}"
fi

[[ -f "$generator" ]] || { echo "oracle.sh: generator not found: $generator" >&2; exit 1; }
hash="$(sha256sum "$generator" | cut -c1-16)"
parent="$cache_root/oracle"
final="$parent/$hash"

# Housekeeping: sets of other generate.py versions unused for a week (about 300 MB each) and
# temporary directories of killed runs older than a day are removed. Using a set refreshes its stamp.
prune() {
  touch "$final/COMPLETE" 2>/dev/null || true
  find "$parent" -mindepth 2 -maxdepth 2 -name COMPLETE -mtime +7 -print 2>/dev/null | while read -r stamp; do
    set_dir="$(dirname "$stamp")"
    [[ "$set_dir" != "$final" ]] && rm -rf -- "$set_dir"
  done
  find "$parent" -mindepth 1 -maxdepth 1 -type d -name '.tmp-*' -mtime +1 -exec rm -rf -- {} + 2>/dev/null || true
}

if [[ -f "$final/COMPLETE" ]]; then
  prune
  echo "$final"
  exit 0
fi

mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.tmp-$hash-XXXXXX")"
cleanup() { rm -rf -- "$tmp"; }
trap cleanup EXIT

echo "oracle.sh: generating $final" >&2
if ! "$python" "$generator" --out "$tmp" >&2; then
  echo "oracle.sh: $python $generator failed" >&2
  exit 1
fi
[[ -f "$tmp/COMPLETE" ]] || { echo "oracle.sh: generator finished without writing COMPLETE" >&2; exit 1; }

# A directory under the final name without COMPLETE is debris from an older, non-atomic writer.
if [[ -d "$final" && ! -f "$final/COMPLETE" ]]; then
  rm -rf -- "$final"
fi
# mv -T renames the directory itself and fails if another run put a non-empty one there first.
if ! mv -T -- "$tmp" "$final" 2>/dev/null; then
  [[ -f "$final/COMPLETE" ]] || { echo "oracle.sh: could not move $tmp to $final" >&2; exit 1; }
fi
prune
echo "$final"
