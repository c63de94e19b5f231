#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test tier with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
TTNN_BUILD_DIR=${TTNN_BUILD_DIR:-build} scripts/build.sh -DTTNN_WERROR=ON -DTTNN_BUILD_TESTS=ON
ctest --test-dir "${TTNN_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
