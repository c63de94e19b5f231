#!/usr/bin/env bash
# Builds the library, the tests and the mobilenetv2 command with a sanitizer (g++) in a build directory of its
# own and runs the tests there, each finding a test failure:
#   address    (default) AddressSanitizer: out-of-bounds reads and writes of the rows, rings and scratch that
#              the kernels and the planned pass share, which a value test cannot see (a wrong offset can give
#              the right values while writing past a buffer);
#   undefined  UndefinedBehaviorSanitizer.
# One at a time: with both at once, g++ 12's code for the vdpbf16ps GEMM gives other values than the
# reference's (either alone gives the same bits).
#
#   scripts/sanitize.sh [address|undefined] [CTEST_ARGS...]     e.g. scripts/sanitize.sh address -R 'Conv2d'
#
# Build directory: ${TTNN_SANITIZE_BUILD_DIR:-build-<sanitizer>}. Several times as long as scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=address
if [[ ${1:-} == address || ${1:-} == undefined ]]; then sanitizer=$1; shift; fi
scripts/install-deps.sh test
build="${TTNN_SANITIZE_BUILD_DIR:-build-$sanitizer}"
flags="-fsanitize=$sanitizer -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTTNN_WERROR=ON -DTTNN_BUILD_TESTS=ON \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitizer" >/dev/null
cmake --build "$build" -j"$(nproc)"
# Leaks are not errors: thread-local scratch lives as long as its thread, by design. install_consumer builds
# a program of its own against the installed library, without the sanitizer's runtime: left out.
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -E '^install_consumer$' "$@"
