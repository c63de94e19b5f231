#!/usr/bin/python3
"""Real trained MobileNetV2 weights and photographs, with torchvision's logits on them.

    /usr/bin/python3 tests/oracle/real_weights.py --out DIR

Run by the ctest fixture `real_weights_generate` (tests/oracle/CMakeLists.txt) through
scripts/cached_generate.sh, which caches the set under
${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}/real_weights/<first 16 hex of sha256(this file)>.
Needs Debian's python3-torch, python3-torchvision, python3-numpy, python3-skimage, python3-pil, and npm
(with node) plus the npm registry for the first fetch. Nothing it writes is committed.

The weights: the npm package nsfwjs@4.4.0 ships a trained Keras MobileNetV2 (width 1.0) as a TF.js layers
model in dist/models/mobilenet_v2/: model.min.js exports the model JSON, whose weightsManifest lists every
tensor with a uint8 affine quantisation (value = min + scale * q), and group1-shard1of1.min.js exports the
weight bytes as one base64 string. The tarball (`npm pack`) is kept in
${TTNN_CACHE_DIR:-...}/npm/nsfwjs-4.4.0.tgz, outside DIR, so editing this script does not fetch again; its
sha512 is checked against NPM_INTEGRITY. A failed fetch or a mismatch is an error, never a skip.

The conversion to torchvision's mobilenet_v2() state dict: Keras kernels [kh, kw, in, out] become
[out, in, kh, kw], depthwise [kh, kw, in, 1] becomes [in, 1, kh, kw]; Conv1/bn_Conv1 -> features.0,
expanded_conv_depthwise/_project (+_BN) -> features.1, block_i_expand|depthwise|project (+_BN) ->
features.(i+1), Conv_1/Conv_1_bn -> features.18. Keras' batch-norm eps is 1e-3 and torch's 1e-5, so
running_var gets 1e-3 - 1e-5 added. The Keras head (dense 1280->256->128->5) does not fit, so
classifier.1 (1000 classes) is seeded: weight and bias normal with std 1/sqrt(1280) (CLASSIFIER_SEED).
Keras pads its stride-2 convs asymmetrically and torchvision symmetrically: this is a numerics oracle
with real weight and activation statistics, not a working classifier.

DIR/manifest.json:
  "package", "tarball_sha512" (npm's integrity string), "model_dir", "keras_version",
  "checkpoint":       "mobilenet_v2_nsfwjs.pth" (torch.save, zip format; load_state_dict(strict=True) works)
  "classifier":       how classifier.1 was made
  "unused_tensors":   the Keras tensors the state dict does not take (the dense head)
  "conversion_check": the package's own model rebuilt from the converted convs plus the dense head, run as
                      the package runs it, on the photos: its 5 class probabilities (all "Neutral", checked)
  "images":           "images.npy" float32 [N, 3, 224, 224] NCHW: Resize(256), CenterCrop(224), ToTensor,
                      Normalize(ImageNet mean/std) of each photo, as PIL reads the PNG in photos/
  "photos":           [{"file" (under photos/, PNG), "source" (skimage/data file)}] in image order
  "image_names":      "image_names.json" (the photos' file names, in image order)
  "logits_f64":       "logits_f64.npy" float64 [N, 1000]: torchvision's model in float64 (model.double())
  "logits_f32":       "logits_f32.npy" float32 [N, 1000]: the same model in float32
  "top1":             [N] argmax of logits_f64; "top1_margin": [N] its gap to the runner-up (float64)
  "layers":           [{"path", "op" ("conv2d" | "add"), "file", "shape"}] in execution order: the first
                      image's (batch 1) float64 activations, stored float32 NHWC flattened [1, 1, H*W, C],
                      after each conv with its batch norm and ReLU6 fused (path: the conv's module path,
                      as ttnn::model::ModelStep names it) and after each residual add (path: the block's)
COMPLETE is written last. Statistics of the weights and activations go to stderr.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

import numpy as np
import skimage.data
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

PACKAGE = "nsfwjs"
VERSION = "4.4.0"
# `npm view nsfwjs@4.4.0 dist.integrity`, recorded so that the check works offline.
NPM_INTEGRITY = "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA=="
MODEL_DIR = "package/dist/models/mobilenet_v2"
MODEL_FILE = "model.min.js"
SHARD_FILE = "group1-shard1of1.min.js"

KERAS_BN_EPS = 1e-3
TORCH_BN_EPS = 1e-5
CLASSIFIER_SEED = 20240611
NUM_CLASSES = 1000

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
SKIMAGE_DATA = pathlib.Path(skimage.data.__file__).resolve().parent
# Photographs shipped by Debian's python3-skimage, in image order (hubble_deep_field: mostly black).
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "motorcycle_left.png",
          "rocket.jpg"]


def fail(message: str) -> None:
    sys.exit(f"real_weights.py: {message}")


def log(message: str) -> None:
    print(f"real_weights.py: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Fetching

def cache_root() -> pathlib.Path:
    if os.environ.get("TTNN_CACHE_DIR"):
        return pathlib.Path(os.environ["TTNN_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return pathlib.Path(os.environ["XDG_CACHE_HOME"]) / "ttnn-cpp"
    return pathlib.Path.home() / ".cache" / "ttnn-cpp"


def integrity(path: pathlib.Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch_tarball() -> pathlib.Path:
    """The verified package tarball from the download cache, fetched with `npm pack` when missing."""
    folder = cache_root() / "npm"
    tarball = folder / f"{PACKAGE}-{VERSION}.tgz"
    if tarball.exists():
        if integrity(tarball) == NPM_INTEGRITY:
            return tarball
        log(f"{tarball} does not match {NPM_INTEGRITY}: fetching it again")
        tarball.unlink()
    npm = shutil.which("npm")
    if npm is None:
        fail(f"npm is not installed; it is needed once to fetch {PACKAGE}@{VERSION} into {tarball} "
             "(scripts/install-deps.sh test installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    log(f"fetching {PACKAGE}@{VERSION} with npm pack into {folder}")
    # A temporary folder beside the final name: a killed fetch leaves nothing under it.
    with tempfile.TemporaryDirectory(dir=folder, prefix=".fetch-") as tmp:
        try:
            result = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--ignore-scripts", "--loglevel=error",
                                     "--pack-destination", tmp], cwd=tmp, capture_output=True, text=True,
                                    timeout=600)
        except subprocess.TimeoutExpired:
            fail(f"npm pack {PACKAGE}@{VERSION} did not finish in 10 minutes (is the npm registry reachable?)")
        fetched = pathlib.Path(tmp) / tarball.name
        if result.returncode != 0 or not fetched.exists():
            fail(f"npm pack {PACKAGE}@{VERSION} failed (exit {result.returncode}); the real-weights tests need "
                 f"the npm registry once, or {tarball} put there by hand.\n{result.stderr.strip()}")
        got = integrity(fetched)
        if got != NPM_INTEGRITY:
            fail(f"npm pack {PACKAGE}@{VERSION} gave a tarball with integrity {got}, expected {NPM_INTEGRITY}")
        os.replace(fetched, tarball)
    return tarball


# Evaluates each UMD module in a fresh context that has only `module` and `exports` (no require, no
# process) and prints what they export as JSON.
NODE_LOADER = r"""
const fs = require("fs"), vm = require("vm");
function load(path) {
  const module = {exports: {}};
  vm.runInNewContext(fs.readFileSync(path, "utf8"), {module, exports: module.exports}, {filename: path, timeout: 60000});
  return module.exports;
}
process.stdout.write(JSON.stringify({model: load(process.argv[2]), shard: load(process.argv[3])}));
"""


def read_package(tarball: pathlib.Path) -> tuple[dict, bytes]:
    """The TF.js model JSON and the weight bytes from the tarball."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        fail("node is not installed; it reads the TF.js modules of the package (it comes with npm)")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(tarball) as tar:
        paths = []
        for name in (MODEL_FILE, SHARD_FILE):
            member = f"{MODEL_DIR}/{name}"
            try:
                data = tar.extractfile(member)
            except KeyError:
                fail(f"{tarball} has no {member}")
            path = pathlib.Path(tmp) / name
            path.write_bytes(data.read())
            paths.append(str(path))
        loader = pathlib.Path(tmp) / "load.js"
        loader.write_text(NODE_LOADER)
        result = subprocess.run([node, str(loader), *paths], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            fail(f"node could not evaluate {MODEL_DIR}/{MODEL_FILE} and {SHARD_FILE}:\n{result.stderr.strip()}")
    exported = json.loads(result.stdout)
    model, shard = exported["model"], exported["shard"]
    if not isinstance(model, dict) or "weightsManifest" not in model or "modelTopology" not in model:
        fail(f"{MODEL_FILE} does not export a TF.js layers model (keys: {sorted(model) if isinstance(model, dict) else type(model)})")
    if not isinstance(shard, str):
        fail(f"{SHARD_FILE} does not export a base64 string ({type(shard).__name__})")
    return model, base64.b64decode(shard, validate=True)


def dequantize(model: dict, data: bytes) -> dict[str, np.ndarray]:
    """Every tensor of the weights manifest, dequantised to float32 (computed in float64, rounded once)."""
    groups = model["weightsManifest"]
    if len(groups) != 1 or groups[0]["paths"] != ["group1-shard1of1"]:
        fail(f"unexpected weight groups {[g['paths'] for g in groups]}")
    tensors, offset = {}, 0
    for entry in groups[0]["weights"]:
        name, shape, q = entry["name"], entry["shape"], entry.get("quantization")
        if entry["dtype"] != "float32" or not q or q.get("dtype") != "uint8":
            fail(f"{name}: expected float32 with uint8 quantisation, got {entry['dtype']} / {q}")
        count = math.prod(shape)
        raw = np.frombuffer(data, dtype=np.uint8, count=count, offset=offset)
        offset += count
        tensors[name] = (q["min"] + q["scale"] * raw.astype(np.float64)).astype(np.float32).reshape(shape)
    if offset != len(data):
        fail(f"the manifest covers {offset} bytes, the shard holds {len(data)}")
    return tensors


# ---------------------------------------------------------------------------------------------------
# Conversion

def keras_layers() -> list[tuple[str, str, str, str]]:
    """(keras conv, keras batch norm, torch conv, torch batch norm) in network order."""
    layers = [("Conv1", "bn_Conv1", "features.0.0", "features.0.1"),
              ("expanded_conv_depthwise", "expanded_conv_depthwise_BN", "features.1.conv.0.0", "features.1.conv.0.1"),
              ("expanded_conv_project", "expanded_conv_project_BN", "features.1.conv.1", "features.1.conv.2")]
    for i in range(1, 17):
        f = f"features.{i + 1}.conv"
        layers += [(f"block_{i}_expand", f"block_{i}_expand_BN", f"{f}.0.0", f"{f}.0.1"),
                   (f"block_{i}_depthwise", f"block_{i}_depthwise_BN", f"{f}.1.0", f"{f}.1.1"),
                   (f"block_{i}_project", f"block_{i}_project_BN", f"{f}.2", f"{f}.3")]
    layers.append(("Conv_1", "Conv_1_bn", "features.18.0", "features.18.1"))
    return layers


def convert(tensors: dict[str, np.ndarray]) -> tuple[dict[str, torch.Tensor], list[str]]:
    used = set()

    def take(name: str) -> np.ndarray:
        if name not in tensors:
            fail(f"the package has no tensor {name}")
        used.add(name)
        return tensors[name]

    sd = {}
    for conv, bn, tconv, tbn in keras_layers():
        if conv.endswith("depthwise"):
            kernel = take(f"{conv}/depthwise_kernel")  # [kh, kw, in, 1]
            weight = kernel.transpose(2, 3, 0, 1)
        else:
            kernel = take(f"{conv}/kernel")  # [kh, kw, in, out]
            weight = kernel.transpose(3, 2, 0, 1)
        sd[f"{tconv}.weight"] = weight
        sd[f"{tbn}.weight"] = take(f"{bn}/gamma")
        sd[f"{tbn}.bias"] = take(f"{bn}/beta")
        sd[f"{tbn}.running_mean"] = take(f"{bn}/moving_mean")
        # Keras normalises with var + 1e-3, torch with var + 1e-5.
        sd[f"{tbn}.running_var"] = (take(f"{bn}/moving_variance").astype(np.float64)
                                    + (KERAS_BN_EPS - TORCH_BN_EPS)).astype(np.float32)
    state = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in sd.items()}
    for key in list(state):
        if key.endswith(".running_var"):
            state[key[:-len("running_var")] + "num_batches_tracked"] = torch.tensor(0, dtype=torch.int64)
    g = torch.Generator().manual_seed(CLASSIFIER_SEED)
    std = 1.0 / math.sqrt(1280)
    state["classifier.1.weight"] = torch.randn(NUM_CLASSES, 1280, generator=g) * std
    state["classifier.1.bias"] = torch.randn(NUM_CLASSES, generator=g) * std
    return state, sorted(set(tensors) - used)


def build_model(state: dict[str, torch.Tensor]) -> torch.nn.Module:
    model = torchvision.models.mobilenet_v2(num_classes=NUM_CLASSES)
    expected = model.state_dict()
    missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
    if missing or extra:
        fail(f"state dict keys differ from torchvision's: missing {missing}, extra {extra}")
    for key, value in expected.items():
        if tuple(value.shape) != tuple(state[key].shape) or value.dtype != state[key].dtype:
            fail(f"{key}: {tuple(state[key].shape)} {state[key].dtype}, torchvision wants "
                 f"{tuple(value.shape)} {value.dtype}")
    model.load_state_dict(state, strict=True)
    return model.eval()


NSFW_CLASSES = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"]  # the package's dense head


def keras_check(state: dict[str, torch.Tensor], tensors: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Checks the conversion: the converted convs, run as the package runs its model (pixels / 255 resized
    to 224x224, Keras' bottom/right-only padding before stride-2 convs, the dense head), must call every
    photo "Neutral". A transposed kernel or a swapped name gives noise instead."""
    model = build_model(state).double()
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d) and module.stride == (2, 2):
            module.padding = (0, 0)
            module.register_forward_pre_hook(lambda _m, inputs: (torch.nn.functional.pad(inputs[0], (0, 1, 0, 1)),))
    dense = {k: torch.from_numpy(v.astype(np.float64)) for k, v in tensors.items() if k.startswith("dense_")}
    result = {}
    for source in PHOTOS:
        image = Image.open(SKIMAGE_DATA / source).convert("RGB").resize((224, 224), Image.BILINEAR)
        x = torch.from_numpy(np.asarray(image, dtype=np.float64) / 255).permute(2, 0, 1)[None]
        with torch.no_grad():
            h = model.features(x).mean((2, 3))
            h = torch.relu(h @ dense["dense_1/kernel"] + dense["dense_1/bias"])
            h = torch.relu(h @ dense["dense_2/kernel"] + dense["dense_2/bias"])
            p = torch.softmax(h @ dense["dense_3/kernel"] + dense["dense_3/bias"], dim=1)[0]
        result[source] = {c: round(float(v), 4) for c, v in zip(NSFW_CLASSES, p)}
        if NSFW_CLASSES[int(p.argmax())] != "Neutral":
            fail(f"conversion check: the package's own model calls {source} {result[source]}, not Neutral")
    log(f"conversion check, the package's model on the photos: {result}")
    return result


# ---------------------------------------------------------------------------------------------------
# Reference

def nhwc_flat(t: torch.Tensor) -> np.ndarray:
    n, c, h, w = t.shape
    return t.permute(0, 2, 3, 1).reshape(1, 1, n * h * w, c).float().contiguous().numpy()


def layer_outputs(model: torch.nn.Module, image: torch.Tensor) -> list[tuple[str, str, np.ndarray]]:
    """(path, op, NHWC-flattened output) of every conv step (batch norm and ReLU6 fused) and residual add,
    in execution order, named as ttnn::model's steps are."""
    modules = dict(model.named_modules())
    taps = {}  # module whose output is the step's -> (step path, op)
    for name, module in modules.items():
        if isinstance(module, torch.nn.Conv2d):
            parent, _, index = name.rpartition(".")
            if isinstance(modules[parent], torchvision.ops.misc.Conv2dNormActivation):
                taps[parent] = (name, "conv2d")  # conv, bn, relu6 in one Sequential
            else:
                taps[f"{parent}.{int(index) + 1}"] = (name, "conv2d")  # the project conv's batch norm
        elif isinstance(module, torchvision.models.mobilenetv2.InvertedResidual) and module.use_res_connect:
            taps[name] = (name, "add")
    found = []

    def hook(name):
        return lambda _m, _i, output: found.append((*taps[name], nhwc_flat(output)))

    handles = [modules[name].register_forward_hook(hook(name)) for name in taps]
    with torch.no_grad():
        model(image)
    for handle in handles:
        handle.remove()
    return found


def channel_stats(values: np.ndarray) -> str:
    """Dead channels (zero over the whole image) and max / median of the live channels' max|x| (outlier
    channels show as large ratios)."""
    peaks = np.abs(values.reshape(-1, values.shape[-1])).max(axis=0)
    live = peaks[peaks > 0]
    spread = float(live.max() / np.median(live)) if live.size else 0.0
    return f"dead channels {peaks.size - live.size:4d}/{peaks.size:<4d}  live spread {spread:6.1f}"


def report_weights(state: dict[str, torch.Tensor]) -> None:
    log("folded conv weights (scale = gamma / sqrt(var + eps)): |scale| range and per-output-channel "
        "weight-norm spread")
    for _, _, tconv, tbn in keras_layers():
        scale = (state[f"{tbn}.weight"].double() / (state[f"{tbn}.running_var"].double() + TORCH_BN_EPS).sqrt()).abs()
        folded = state[f"{tconv}.weight"].double() * scale.view(-1, 1, 1, 1)
        norms = folded.flatten(1).abs().amax(1)
        log(f"  {tconv:22s} |scale| {scale.min():9.3g} .. {scale.max():9.3g}   "
            f"max|w| per channel {norms.min():9.3g} .. {norms.max():9.3g}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    out: pathlib.Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "COMPLETE").unlink(missing_ok=True)
    # One thread, as generate.py: OpenMP spinning crawls when ctest or a build keeps the cores busy.
    torch.set_num_threads(1)

    tarball = fetch_tarball()
    start = time.time()
    model_json, data = read_package(tarball)
    tensors = dequantize(model_json, data)
    state, unused = convert(tensors)
    if any(not name.startswith("dense_") for name in unused):
        fail(f"tensors left unconverted: {[n for n in unused if not n.startswith('dense_')]}")
    model = build_model(state)
    converted = keras_check(state, tensors)
    torch.save(state, out / "mobilenet_v2_nsfwjs.pth")
    report_weights(state)

    photos_dir = out / "photos"
    photos_dir.mkdir(exist_ok=True)
    preprocess = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize(MEAN, STD)])
    photos, images = [], []
    for source in PHOTOS:
        name = pathlib.Path(source).stem + ".png"
        # Lossless PNG: a C++ reader of photos/ decodes exactly the pixels PIL gives below.
        Image.open(SKIMAGE_DATA / source).convert("RGB").save(photos_dir / name, "PNG")
        images.append(preprocess(Image.open(photos_dir / name).convert("RGB")))
        photos.append({"file": name, "source": f"skimage/data/{source}"})
    batch = torch.stack(images)
    np.save(out / "images.npy", batch.numpy().astype("<f4"))
    (out / "image_names.json").write_text(json.dumps([p["file"] for p in photos]))

    with torch.no_grad():
        logits32 = model(batch)
        model64 = build_model(state).double()
        logits64 = model64(batch.double())
    np.save(out / "logits_f64.npy", logits64.numpy().astype("<f8"))
    np.save(out / "logits_f32.npy", logits32.numpy().astype("<f4"))
    if not torch.isfinite(logits64).all() or float(logits64.std(dim=1).min()) <= 0:
        fail("the float64 logits are degenerate (NaN, infinite or constant per image)")
    pcc = np.corrcoef(logits64.numpy().ravel(), logits32.double().numpy().ravel())[0, 1]
    top2 = logits64.topk(2, dim=1)
    log(f"logits: std per image {[round(float(s), 3) for s in logits64.std(dim=1)]}, float32 vs float64 PCC "
        f"{pcc:.9f}, top-1 {top2.indices[:, 0].tolist()} (float32 agrees: "
        f"{bool((logits32.argmax(1) == top2.indices[:, 0]).all())}), margins "
        f"{[round(float(m), 4) for m in top2.values[:, 0] - top2.values[:, 1]]}")

    layers_dir = out / "layers"
    layers_dir.mkdir(exist_ok=True)
    layers = []
    log("activations of the first image (float64)")
    for path, op, values in layer_outputs(model64, batch[:1].double()):
        file = f"layers/{path}.npy"
        np.save(out / file, np.ascontiguousarray(values, dtype="<f4"))  # C order: the C++ reader refuses Fortran
        layers.append({"path": path, "op": op, "file": file, "shape": list(values.shape)})
        log(f"  {op:6s} {path:22s} {str(list(values.shape)):18s} std {values.std():8.3f}  "
            f"max|x| {np.abs(values).max():8.3f}  {channel_stats(values)}")

    manifest = {
        "package": f"{PACKAGE}@{VERSION}", "tarball_sha512": NPM_INTEGRITY, "model_dir": MODEL_DIR,
        "keras_version": model_json["modelTopology"].get("keras_version"),
        "checkpoint": "mobilenet_v2_nsfwjs.pth",
        "classifier": f"classifier.1 seeded (torch.Generator seed {CLASSIFIER_SEED}): weight and bias normal with "
                      "std 1/sqrt(1280); the Keras dense head is not used",
        "batch_norm_eps": f"Keras {KERAS_BN_EPS} -> torch {TORCH_BN_EPS}: running_var + {KERAS_BN_EPS - TORCH_BN_EPS}",
        "unused_tensors": unused,
        "conversion_check": {"what": "the package's model (Keras padding, pixels / 255, dense head) on the photos",
                             "probabilities": converted},
        "images": "images.npy", "photos": photos, "image_names": "image_names.json",
        "preprocess": "Resize(256), CenterCrop(224), ToTensor(), Normalize(ImageNet mean/std)",
        "logits_f64": "logits_f64.npy", "logits_f32": "logits_f32.npy",
        "top1": top2.indices[:, 0].tolist(),
        "top1_margin": [float(m) for m in top2.values[:, 0] - top2.values[:, 1]],
        "layers": layers,
        "torch_version": torch.__version__, "torchvision_version": torchvision.__version__,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (out / "COMPLETE").write_text("ok\n")
    log(f"{len(state)} tensors, {len(photos)} photos, {len(layers)} layer outputs in {time.time() - start:.1f} s "
        f"-> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
