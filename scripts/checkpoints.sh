#!/usr/bin/env bash
# Prints the directory holding the checkpoints tests/oracle/make_checkpoints.py writes for the .pth
# reader tests and fuzz seeds, generating them first when the cache does not have them.
#
#   scripts/checkpoints.sh [CACHE_ROOT]
#
# The set lives in CACHE_ROOT/checkpoints/<hash>, <hash> being the first 16 hex digits of the SHA-256 of
# make_checkpoints.py and CACHE_ROOT defaulting to ${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}
# (tests/io/pth.cmake computes the same path at configure time). A set is complete when it holds
# COMPLETE, written after the generator succeeds; it is generated into a temporary directory beside
# the final one and renamed into place, so a killed run leaves nothing under the final name and
# concurrent runs are safe (the first rename wins). The interpreter is ${TTNN_PYTHON:-/usr/bin/python3}.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
generator="$here/../tests/oracle/make_checkpoints.py"
python="${TTNN_PYTHON:-/usr/bin/python3}"

if [[ $# -gt 1 ]]; then
  echo "usage: $0 [CACHE_ROOT]" >&2
  exit 2
fi
cache_root="${1:-${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}}"

[[ -f "$generator" ]] || { echo "checkpoints.sh: generator not found: $generator" >&2; exit 1; }
hash="$(sha256sum "$generator" | cut -c1-16)"
parent="$cache_root/checkpoints"
final="$parent/$hash"

if [[ -f "$final/COMPLETE" ]]; then
  echo "$final"
  exit 0
fi

mkdir -p "$parent"
# Temporary directories of killed runs older than a day are debris.
find "$parent" -mindepth 1 -maxdepth 1 -type d -name '.tmp-*' -mtime +1 -exec rm -rf -- {} + 2>/dev/null || true
tmp="$(mktemp -d "$parent/.tmp-$hash-XXXXXX")"
cleanup() { rm -rf -- "$tmp"; }
trap cleanup EXIT

echo "checkpoints.sh: generating $final" >&2
if ! "$python" "$generator" "$tmp" >&2; then
  echo "checkpoints.sh: $python $generator failed" >&2
  exit 1
fi
touch "$tmp/COMPLETE"

if [[ -d "$final" && ! -f "$final/COMPLETE" ]]; then
  rm -rf -- "$final"
fi
# mv -T renames the directory itself and fails if another run put a non-empty one there first.
if ! mv -T -- "$tmp" "$final" 2>/dev/null; then
  [[ -f "$final/COMPLETE" ]] || { echo "checkpoints.sh: could not move $tmp to $final" >&2; exit 1; }
fi
echo "$final"
