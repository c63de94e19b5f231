#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan in their own build directory and runs
# a bounded campaign of each, seeded from the generated checkpoints (scripts/cached_generate.sh checkpoints tests/oracle/make_checkpoints.py).
#
#   scripts/fuzz.sh [RUNS]     RUNS executions per fuzzer, default ${TTNN_FUZZ_RUNS:-100000}
#
# Build directory: ${TTNN_FUZZ_BUILD_DIR:-build-fuzz}; seeds from ${TTNN_CHECKPOINT_DIR:-$(scripts/cached_generate.sh checkpoints tests/oracle/make_checkpoints.py)}.
# New corpus entries accumulate in <build>/corpus/<fuzzer>, crashing inputs land in <build>/artifacts/.
# Prints executions and exec/s per fuzzer; exits non-zero on any finding.
# A longer campaign: scripts/fuzz.sh 10000000 (or run <build>/fuzz/pth_fuzzer -max_total_time=3600 ...).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-${TTNN_FUZZ_RUNS:-100000}}"
build="${TTNN_FUZZ_BUILD_DIR:-$root/build-fuzz}"
checkpoints="${TTNN_CHECKPOINT_DIR:-$("$root/scripts/cached_generate.sh" checkpoints "$root/tests/oracle/make_checkpoints.py")}"

cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="${TTNN_FUZZ_CXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTTNN_BUILD_FUZZERS=ON -DTTNN_BUILD_TESTS=OFF -DTTNN_BUILD_TOOLS=OFF -DTTNN_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target pth_fuzzer unpickler_fuzzer -j"$(nproc)"

status=0
for fuzzer in pth_fuzzer unpickler_fuzzer; do
  case "$fuzzer" in
    pth_fuzzer) seeds="$checkpoints/seeds/pth" ;;
    unpickler_fuzzer) seeds="$checkpoints/seeds/pickle" ;;
  esac
  corpus="$build/corpus/$fuzzer"
  mkdir -p "$corpus" "$build/artifacts"
  log="$build/$fuzzer.log"
  echo "fuzz.sh: $fuzzer, $runs runs (log: $log)" >&2
  if ! "$build/fuzz/$fuzzer" -runs="$runs" -dict="$root/fuzz/pickle.dict" -timeout=10 -rss_limit_mb=2048 \
      -max_len=8192 -print_final_stats=1 -artifact_prefix="$build/artifacts/$fuzzer-" \
      "$corpus" "$seeds" >"$log" 2>&1; then
    echo "fuzz.sh: $fuzzer found a problem:" >&2
    tail -n 60 "$log" >&2
    status=1
    continue
  fi
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "$fuzzer: ${executed:-?} executions, ${speed:-?} exec/s, no findings"
  if [[ -z "$executed" || "$executed" -lt "$runs" ]]; then
    echo "fuzz.sh: $fuzzer ran fewer than $runs executions" >&2
    status=1
  fi
done
exit $status
