#!/usr/bin/env bash
# Installs what is missing, builds, and runs the mobilenetv2 command with the given arguments.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh" build
build_dir="${TTNN_BUILD_DIR:-$root/build}"
# A fresh build directory leaves the tests out (a quicker first build); one configured already keeps its
# settings, so that running the command does not switch off the tests of a developer's build.
options=()
[[ -f "$build_dir/CMakeCache.txt" ]] || options=(-DTTNN_BUILD_TESTS=OFF)
TTNN_BUILD_DIR="$build_dir" "$root/scripts/build.sh" "${options[@]}" >&2
exec "$build_dir/tools/mobilenetv2/mobilenetv2" "$@"
