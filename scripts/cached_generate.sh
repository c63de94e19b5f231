#!/usr/bin/env bash
# Prints the directory holding a complete set of generated test data, generating it first when the
# cache does not have one. Generic over the generator: any script that accepts `--out DIR` and writes
# DIR/COMPLETE last (tests/oracle/make_images.py; generate.py follows the same convention).
#
#   scripts/cached_generate.sh KIND GENERATOR [CACHE_ROOT]
#
# The set lives in CACHE_ROOT/KIND/<hash>, where <hash> is the first 16 hex digits of the SHA-256 of
# GENERATOR and CACHE_ROOT defaults to ${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}
# (the CMake side computes the same path at configure time and passes CACHE_ROOT). A missing set is
# generated into a temporary directory beside it and renamed into place, so a killed run leaves nothing
# under the final name and concurrent runs are safe (the first rename wins). Sets of other generator
# versions unused for a week and temporary directories older than a day are removed; using a set
# refreshes its stamp. The interpreter is ${TTNN_PYTHON:-/usr/bin/python3}.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 KIND GENERATOR [CACHE_ROOT]" >&2
  exit 2
fi
kind="$1"
generator="$2"
python="${TTNN_PYTHON:-/usr/bin/python3}"
if [[ $# -eq 3 && -n "$3" ]]; then
  cache_root="$3"
else
  cache_root="${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}"
fi
[[ "$kind" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "cached_generate.sh: bad KIND '$kind'" >&2; exit 2; }
[[ -f "$generator" ]] || { echo "cached_generate.sh: generator not found: $generator" >&2; exit 1; }

hash="$(sha256sum "$generator" | cut -c1-16)"
parent="$cache_root/$kind"
final="$parent/$hash"
name="$(basename "$generator")"

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

echo "cached_generate.sh: generating $final with $name" >&2
if ! "$python" "$generator" --out "$tmp" >&2; then
  echo "cached_generate.sh: $python $generator failed" >&2
  exit 1
fi
[[ -f "$tmp/COMPLETE" ]] || { echo "cached_generate.sh: $name finished without writing COMPLETE" >&2; exit 1; }

# A directory under the final name without COMPLETE is debris from an older, non-atomic writer.
if [[ -d "$final" && ! -f "$final/COMPLETE" ]]; then
  rm -rf -- "$final"
fi
# mv -T renames the directory itself and fails if another run put a non-empty one there first.
if ! mv -T -- "$tmp" "$final" 2>/dev/null; then
  [[ -f "$final/COMPLETE" ]] || { echo "cached_generate.sh: could not move $tmp to $final" >&2; exit 1; }
fi
prune
echo "$final"
