#!/usr/bin/env bash
# Installs what is missing, builds, and runs the mobilenetv2 command with the given arguments.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh" build
TTNN_BUILD_DIR="${TTNN_BUILD_DIR:-$root/build}" "$root/scripts/build.sh" -DTTNN_BUILD_TESTS=OFF >&2
exec "${TTNN_BUILD_DIR:-$root/build}/tools/mobilenetv2/mobilenetv2" "$@"
