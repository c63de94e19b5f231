#!/usr/bin/env bash
# The mobilenetv2 command end to end: help, selfcheck, infer against torchvision's logits, bench's output, classify
# through the real download path against a local HTTP server, the offline message, and bad inputs.
#   cli_test.sh MOBILENETV2_BINARY ORACLE_DIR
set -euo pipefail
bin="$1"
oracle="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
py=/usr/bin/python3

checkpoint="$oracle/model_mnv2_w1_random_n3_224.zip.pth"
[ -f "$checkpoint" ] || fail "oracle checkpoint $checkpoint missing"

echo "--- help and selfcheck"
"$bin" --help | grep -q classify || fail "--help does not list classify"
"$bin" selfcheck | grep -q "selfcheck passed" || fail "selfcheck"

echo "--- infer matches torchvision's logits"
"$bin" infer --weights "$checkpoint" --input "$oracle/model_mnv2_w1_random_n3_224.input.npy" \
  --output "$work/logits.npy" --dtype float32 --math-fidelity hifi4
$py - "$work/logits.npy" "$oracle/model_mnv2_w1_random_n3_224.logits.npy" <<'PY' || fail "infer logits differ"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert a.shape == b.shape, (a.shape, b.shape)
pcc = np.corrcoef(a.ravel(), b.ravel())[0, 1]
print(f"infer float32 PCC {pcc:.7f}")
assert pcc > 0.99999
PY

echo "--- per-layer overrides: accepted by path, refused for a path the model lacks"
"$bin" infer --weights "$checkpoint" --input "$oracle/model_mnv2_w1_random_n3_224.input.npy" --output "$work/mixed.npy" \
  --layer features.0.0:dtype=bfloat16,math_fidelity=hifi4,shard=block --layer classifier.1:weights_dtype=float32 \
  || fail "per-layer overrides refused"
cmp -s "$work/mixed.npy" "$work/logits.npy" && fail "overrides changed nothing"
if "$bin" infer --weights "$checkpoint" --input "$oracle/model_mnv2_w1_random_n3_224.input.npy" --output "$work/x.npy" \
    --layer features.99.0:dtype=bfloat16 2>"$work/err"; then
  fail "an override for a missing layer was accepted"
fi
grep -q "features.99.0" "$work/err" || fail "override error does not name the path: $(cat "$work/err")"

echo "--- graph: the traced model as SVG (a cluster per block) and JSON"
"$bin" graph --output "$work/model_graph.svg" --dtype bfloat8_b || fail "graph svg"
grep -q "<svg" "$work/model_graph.svg" || fail "not an SVG"
[ "$(grep -c 'class="cluster"' "$work/model_graph.svg")" -eq 19 ] || fail "expected 19 clusters (stem, 17 blocks, head)"
"$bin" graph --input 3x3x160x192 --output "$work/model_graph.json" || fail "graph json"
$py -c "import json,sys; g=json.load(open('$work/model_graph.json')); assert len(g['nodes']) > 100, len(g['nodes'])" \
  || fail "graph json malformed"

echo "--- profile writes the report; offline it names --weights"
"$bin" profile --weights "$checkpoint" --batch 1 --iterations 2 --input-size 96 --output "$work/prof" \
  --compare math-fidelity=hifi4 --json > "$work/prof.json" || fail "profile"
for f in ops_perf_results.csv conv_kernel_duration.svg op_type_share.svg compare_conv_kernel_duration.svg; do
  [ -s "$work/prof/$f" ] || fail "profile did not write $f"
done
head -1 "$work/prof/ops_perf_results.csv" | grep -q "DEVICE KERNEL DURATION \[ns\]" || fail "profile CSV header"
# A project conv runs inside its depthwise conv unless --separate-convs makes every conv an op of its own.
"$bin" profile --weights "$checkpoint" --batch 1 --iterations 2 --input-size 96 --output "$work/prof-separate" \
  --separate-convs > /dev/null || fail "profile --separate-convs"
grep -q ",features.2.conv.2," "$work/prof-separate/ops_perf_results.csv" || fail "--separate-convs: no project conv op"
if grep -q ",features.2.conv.2," "$work/prof/ops_perf_results.csv"; then fail "a project conv ran apart by default"; fi
if TTNN_WEIGHTS_BASE_URL=http://127.0.0.1:9 "$bin" profile --cache-dir "$work/empty-cache" --output "$work/prof2" 2>"$work/err"; then
  fail "profile succeeded without weights"
fi
grep -q -- "--weights" "$work/err" || fail "profile offline message lacks --weights"

echo "--- bench: a JSON object per batch size; the text table names its kernels and shows progress"
"$bin" bench --weights "$checkpoint" --batch 1,2 --iterations 2 --threads 1 --json >"$work/bench.json" \
  || fail "bench --json"
$py - "$work/bench.json" <<'PY' || fail "bench --json output malformed"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["batch"] for l in lines] == [1, 2], lines
for l in lines:
    for key in ("dtype", "math_fidelity", "threads", "images_per_second", "p50_ms", "p99_ms", "roofline_fraction",
                "roofline", "kernels"):
        assert key in l, (key, l)
    assert (l["dtype"], l["math_fidelity"], l["threads"]) == ("bfloat8_b", "lofi", 1), l
    assert 0 < l["p50_ms"] <= l["p99_ms"], l
    assert abs(l["images_per_second"] - l["batch"] * 1e3 / l["p50_ms"]) < 1e-6 * l["images_per_second"], l
    assert 0 < l["roofline_fraction"] < 1.5, l
    assert l["kernels"].split(",")[0] in ("ref", "avx2", "avx512", "amx"), l
PY
"$bin" bench --weights "$checkpoint" --batch 1 --iterations 2 --threads 1 --dtype float32 --math-fidelity hifi4 \
  >"$work/bench.txt" 2>"$work/err" || fail "bench"
grep -q "^kernels: " "$work/bench.txt" || fail "bench does not name its kernels: $(cat "$work/bench.txt")"
grep -q "^float32   hifi4 batch   1 threads 1: .* images/s" "$work/bench.txt" || fail "bench table: $(cat "$work/bench.txt")"
grep -q "batch 1: 2/2" "$work/err" || fail "bench showed no progress"

echo "--- accuracy: every configuration of both numerics, per layer, chart, --target-pcc"
$py -c "import numpy as np; np.save('$work/small.npy', np.random.default_rng(3).standard_normal((2, 3, 64, 64)).astype(np.float32))"
"$bin" accuracy --weights "$checkpoint" --input "$work/small.npy" --numerics both --per-layer --json \
  --chart "$work/accuracy.svg" --target-pcc 0.9999 >"$work/accuracy.json" 2>"$work/err" \
  || fail "accuracy failed: $(cat "$work/err")"
$py - "$work/accuracy.json" "$work/accuracy.svg" <<'PY' || fail "accuracy output malformed"
import json, sys, xml.etree.ElementTree as ET
lines = [json.loads(l) for l in open(sys.argv[1])]
configs = [l for l in lines if "configuration" in l]
assert len(configs) == 24, len(configs)
ref = [c for c in configs if c["configuration"] == "float32 HiFi4 accurate"][0]
assert ref["pcc"] == 1.0 and ref["top1_agreement"] == 2, ref
layers = len(ref["layers"])
assert layers == 53, layers  # 52 convs and the classifier
for c in configs:
    assert len(c["layers"]) == layers and 0.5 < c["pcc"] <= 1.0, c["configuration"]
searches = [l for l in lines if "target_pcc" in l]
assert len(searches) == 2 and all(s["reached"] for s in searches), searches
assert all(s["pcc"] >= 0.9999 for s in searches) and all(s["cli"].startswith("--layer") or not s["layers"] for s in searches)
svg = ET.parse(sys.argv[2]).getroot()
marks = [e for e in svg.iter() if e.tag.endswith("circle") and e.get("class") == "mark"]
assert len(marks) == 24 * layers, len(marks)
print("accuracy: 24 configurations,", layers, "layers;", [round(s["pcc"], 6) for s in searches])
PY
"$bin" accuracy --weights "$checkpoint" --input "$work/small.npy" --numerics tt_metal >"$work/table" \
  || fail "accuracy table"
grep -q "bfloat8_b LoFi tt_metal" "$work/table" || fail "accuracy table lacks a configuration: $(cat "$work/table")"
if "$bin" accuracy --weights "$checkpoint" 2>"$work/err"; then fail "accuracy without inputs succeeded"; fi
grep -q -- "--images" "$work/err" || fail "accuracy without inputs: unclear message $(cat "$work/err")"
$py -c "import numpy as np; np.save('$work/four.npy', np.zeros((1, 4, 64, 64), np.float32))"
if "$bin" accuracy --weights "$checkpoint" --input "$work/four.npy" 2>"$work/err"; then fail "accuracy took a 4-channel input"; fi
grep -q "\[N, 3, H, W\]" "$work/err" || fail "accuracy shape error unclear: $(cat "$work/err")"
if "$bin" accuracy --weights "$checkpoint" --input "$work/small.npy" --target-pcc 0.99 --raise-to bfloat16 2>"$work/err"; then
  fail "accuracy took --raise-to without a fidelity"
fi
grep -q "DTYPE:FIDELITY" "$work/err" || fail "--raise-to error unclear: $(cat "$work/err")"

echo "--- infer rejects malformed and unsuitable inputs"
printf 'not a numpy file' > "$work/bad.npy"
if "$bin" infer --weights "$checkpoint" --input "$work/bad.npy" --output "$work/out.npy" 2>"$work/err"; then
  fail "malformed .npy accepted"
fi
grep -q "bad.npy" "$work/err" || fail "malformed .npy error does not name the file: $(cat "$work/err")"
$py -c "import numpy as np; np.save('$work/four.npy', np.zeros((1, 4, 64, 64), np.float32))"
if "$bin" infer --weights "$checkpoint" --input "$work/four.npy" --output "$work/out.npy" 2>"$work/err"; then
  fail "4-channel input accepted"
fi
grep -q "\[N, 3, H, W\]" "$work/err" || fail "shape error unclear: $(cat "$work/err")"
[ ! -e "$work/out.npy" ] || fail "an output was written after a failure"

echo "--- classify offline: a clear message naming --weights"
if TTNN_WEIGHTS_BASE_URL=http://127.0.0.1:9 "$bin" classify "$root/data/samples/chelsea.jpg" \
    --cache-dir "$work/empty-cache" 2>"$work/err"; then
  fail "classify succeeded without weights"
fi
grep -q -- "--weights" "$work/err" || fail "offline message lacks --weights: $(cat "$work/err")"

echo "--- classify downloads from a local HTTP server, then runs from the cache"
mkdir -p "$work/served" "$work/images"
cp "$checkpoint" "$work/served/mobilenet_v2-test.pth"
port=$($py -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
$py -m http.server "$port" --bind 127.0.0.1 --directory "$work/served" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do $py -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break; sleep 0.1; done
sha=$(sha256sum "$checkpoint" | cut -c1-64)
cp "$root/data/samples/chelsea.jpg" "$root/data/samples/coffee.jpg" "$work/images/"
printf 'plain text' > "$work/images/notes.txt"
url="http://127.0.0.1:$port/mobilenet_v2-test.pth"
"$bin" classify "$work/images" --weights-url "$url" --weights-sha256 "$sha" --cache-dir "$work/cache" \
  >"$work/out" 2>"$work/err" || fail "classify failed: $(cat "$work/err")"
grep -q "skipping .*notes.txt" "$work/err" || fail "the text file was not reported as skipped"
[ "$(grep -c '%$' "$work/out")" -eq 10 ] || fail "expected 5 classes for each of 2 images: $(cat "$work/out")"
[ -f "$work/cache/weights/mobilenet_v2-test.pth" ] || fail "the download was not cached"
[ -z "$(find "$work/cache" -name '*partial*')" ] || fail "a partial download was left behind"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
"$bin" classify "$root/data/samples/chelsea.jpg" --weights-url "$url" --weights-sha256 "$sha" \
  --cache-dir "$work/cache" --json --topk 3 >"$work/json" || fail "classify from the cache failed"
$py - "$work/json" <<'PY' || fail "--json output malformed"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 1 and len(lines[0]["predictions"]) == 3, lines
p = [x["probability"] for x in lines[0]["predictions"]]
assert p == sorted(p, reverse=True) and 0 < sum(p) <= 1.0001, p
PY

echo "--- a hash mismatch leaves nothing behind"
if "$bin" classify "$root/data/samples/chelsea.jpg" --weights-url "$url" --weights-sha256 00000000 \
    --cache-dir "$work/cache2" 2>"$work/err"; then
  fail "a file with the wrong hash was accepted"
fi
[ -z "$(find "$work/cache2" -type f 2>/dev/null)" ] || fail "files left after a failed download"
echo "cli_test: all passed"
