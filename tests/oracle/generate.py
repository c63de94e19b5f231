#!/usr/bin/python3
"""Deterministic test-oracle generator for ttnn-cpp (run with Debian's /usr/bin/python3, which has torch).

    /usr/bin/python3 tests/oracle/generate.py --out DIR

writes DIR/manifest.json, one .npy file per array, and DIR/COMPLETE last, so a run that was killed
half-way is detected by the missing COMPLETE (scripts/cached_generate.sh generates into a temporary directory
and renames it into place). Nothing generated is committed.

Every case draws its data from its own torch.Generator seeded with crc32(case name), so a case does not
depend on which other cases exist. Expected outputs are computed in float64 from the float32 (or
bfloat16-rounded) inputs and then cast to float32.

manifest.json
-------------
    {
      "generator_version": 1,
      "torch_version": "1.13.0a0",
      "cases": [
        {"name": "conv2d_mnv2_n1_expand_16to96_k1s1_112x112",   # unique; also the file-name prefix
         "op": "conv2d",
         "params": {...},                                       # op-specific, listed below
         "arrays": {"input": "conv2d_..._.input.npy", ...}}     # role -> file name (relative to DIR)
      ]
    }

All .npy files are C-order, little-endian, format 1.0: float32 ('<f4') unless stated otherwise; topk
indices are int64 ('<i8'). "NHWC flattened" means the TT-NN activation layout [1, 1, N*H*W, C] with
row index (n*H + h)*W + w.

op "conv2d"   (torch.nn.functional.conv2d; asymmetric padding is applied with F.pad first)
    params: batch, in_channels, out_channels, input_height, input_width, kernel [kh, kw],
            stride [sh, sw], padding [top, bottom, left, right], dilation [dh, dw], groups,
            has_bias, output_height, output_width, source ("mobilenet_v2" or "odd_shape"),
            and for mobilenet_v2 cases: layer (the torchvision module name, e.g. "features.2.conv.0.0"
            of its first occurrence) and kind ("stem", "expand", "depthwise", "project", "head").
    arrays:
      input                 [N, C_in, H, W] NCHW, standard normal
      weight                [C_out, C_in/groups, kh, kw], normal * 1/sqrt(C_in/groups*kh*kw)
      bias                  [C_out], normal * 1/sqrt(C_in/groups*kh*kw)   (absent when has_bias false)
      output                [1, 1, N*OH*OW, C_out] NHWC flattened, conv in float64
      output_bf16_operands  [1, 1, N*OH*OW, C_out] the same conv in float64 after rounding input and
                            weight to bfloat16 (round to nearest, ties to even; the bias stays float32,
                            as the accurate numerics keeps it)
    The MobileNetV2 cases are every distinct Conv2d of torchvision.models.mobilenet_v2() (width 1.0)
    traced with forward hooks at 1x3x224x224, each at batch 1 and batch 3 (not capped). MobileNetV2's
    own convs have no bias (batch norm follows); these cases have one, as a folded batch norm gives.

op "relu", "relu6"
    params: shape
    arrays: input (uniform over [-8, 8], with exact 0, 6 and -0 planted), output (same shape)

op "add"
    params: shape, activation (null or "relu")
    arrays: input_a, input_b (same shape, standard normal * 2), output = a + b (then relu if asked)

op "concat"
    params: dim (0..3), num_inputs, shapes (list of the 4D input shapes), output_shape
    arrays: input_0 .. input_{num_inputs-1} (4D, standard normal), output

op "matmul"
    params: shape_a, shape_b, output_shape (a is [M, K] or [B, M, K]; b is [K, N])
    arrays: input_a, input_b (standard normal), output = a @ b ([M, N] or [B, M, N])

op "linear"
    params: M, K, N, has_bias
    arrays: input [M, K], weight [N, K] (torch layout), weight_t [K, N] (the transposed copy TT-NN's
            linear takes), bias [N] (absent when has_bias false), output [M, N] = input @ weight.T + bias

op "max_pool2d", "avg_pool2d"
    params: batch, channels, input_height, input_width, kernel [kh, kw], stride [sh, sw],
            padding [top, bottom, left, right] (symmetric here), dilation [1, 1], ceil_mode false,
            count_include_pad (avg only: true), output_height, output_width
    arrays: input [N, C, H, W] NCHW, input_nhwc [1, 1, N*H*W, C] (the same values NHWC flattened),
            output [1, 1, N*OH*OW, C] NHWC flattened (max pads with -inf; avg divides by kh*kw)

op "global_avg_pool2d"
    params: batch, channels, input_height, input_width
    arrays: input [1, 1, N*H*W, C] NHWC flattened, input_nchw [N, C, H, W] (same values),
            output [1, 1, N, C] (mean over H*W), output_torch [N, C]
            (torch.nn.functional.adaptive_avg_pool2d(input_nchw, 1).flatten(1), as torchvision does)

op "softmax"
    params: shape, dim (-1)
    arrays: input (standard normal * 3), output (softmax over the last dim)

op "topk"
    params: shape, k (5), dim (-1), largest true, sorted true
    arrays: input (distinct values on a 1/64 grid, random per row: no ties, gaps >= 1/64),
            values [..., k] float32 (descending), indices [..., k] int64

op "model"   (torchvision.models.mobilenet_v2 in eval mode)
    params: width_mult, num_classes, batch, height, width, init ("random": seeded He-by-fan-in init;
            "pretrained_like": heavy-tailed batch-norm statistics and gammas spread over decades),
            checkpoint_zip / checkpoint_legacy (file names in DIR: the state dict saved with torch.save
            in the zip format and with _use_new_zipfile_serialization=False)
    arrays: input [N, 3, H, W] (standard normal), logits [N, classes] (the model in float64)

op "module_args"   (module-argument inference: forward hooks on every nn.Conv2d and nn.MaxPool2d)
    params: model ("mobilenet_v2": torchvision.models.mobilenet_v2(), width 1.0, with width_mult and
            num_classes; "nested_net": the script's _NestedNet, with num_classes), input_shape
            [N, C, H, W], output_shape (the model's output), and in call order:
            convs: per Conv2d call {path (its named_modules name), in_channels, out_channels,
                   kernel_size, stride, padding, dilation (each [h, w]), groups, padding_mode,
                   bias (true when the conv has one), input_shape, output_shape}
            max_pools: per MaxPool2d call {path, kernel_size, stride, padding, dilation (each [h, w];
                   torch's plain ints expanded), input_shape, output_shape}
    arrays: none (the case is all params)
    Each model is traced at [1, 3, 224, 224] and at [3, 3, 160, 192]. _NestedNet (10 classes):
      features = Sequential(
        0: Sequential(Conv2d 3->16 k5 s2 p2 no bias, BatchNorm2d, ReLU, MaxPool2d k3 s2 p1),
        1: Sequential(_NestedBlock(16, 16, stride 1), _NestedBlock(16, 32, stride 2)),
        2: Conv2d 32->48 k3 p2 dilation 2 groups 4 (with bias),
        3: MaxPool2d kernel (2, 3) stride (2, 1) padding (0, 1) dilation (1, 2)),
      pool = AdaptiveAvgPool2d(1), flatten = Flatten(), fc = Linear(48, 10).
    _NestedBlock(cin, cout, stride): conv = Sequential(Sequential(Conv2d cin->cout k3 s=stride p1 no
      bias, BatchNorm2d, ReLU), Conv2d cout->cout kernel (1, 3) padding (0, 1) with bias); shortcut =
      Conv2d cin->cout k1 s=stride no bias, present only when stride != 1 or cin != cout; relu = ReLU.
      forward: relu(conv(x) + (shortcut(x) if present else x)), conv running before shortcut.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F

GENERATOR_VERSION = 1


# ----------------------------------------------------------------------------------------------
# helpers

def rng(name: str) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode()) & 0x7FFFFFFF)
    return g


def randn(g, *shape, scale=1.0):
    return torch.randn(*shape, generator=g, dtype=torch.float32) * scale


def uniform(g, shape, lo, hi):
    return torch.rand(*shape, generator=g, dtype=torch.float32) * (hi - lo) + lo


def round_bf16(t: torch.Tensor) -> torch.Tensor:
    """float32 -> nearest bfloat16 (ties to even) -> float32, done on the bits (inputs are finite)."""
    a = t.detach().contiguous().numpy().astype(np.float32)
    bits = a.view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return torch.from_numpy(bits.astype(np.uint32).view(np.float32).copy())


def nhwc_flat(t: torch.Tensor) -> torch.Tensor:
    n, c, h, w = t.shape
    return t.permute(0, 2, 3, 1).reshape(1, 1, n * h * w, c)


class Writer:
    def __init__(self, out: str):
        self.out = out
        self.cases = []
        self.names = set()
        self.bytes = 0

    def add(self, name: str, op: str, params: dict, arrays: dict):
        assert name not in self.names, name
        self.names.add(name)
        files = {}
        for role, t in arrays.items():
            a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
            if a.dtype == np.float64:
                a = a.astype(np.float32)
            assert a.dtype in (np.float32, np.int64), (name, role, a.dtype)
            a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<")))
            fname = f"{name}.{role}.npy"
            np.save(os.path.join(self.out, fname), a, allow_pickle=False)
            self.bytes += a.nbytes
            files[role] = fname
        self.cases.append({"name": name, "op": op, "params": params, "arrays": files})


# ----------------------------------------------------------------------------------------------
# conv2d

def conv_out(size, k, s, p0, p1, d):
    return (size + p0 + p1 - d * (k - 1) - 1) // s + 1


def conv_ref(x, w, b, stride, pad, dilation, groups):
    """float64 conv; pad = [top, bottom, left, right]; returns NHWC flattened float32."""
    x = x.double()
    w = w.double()
    b = None if b is None else b.double()
    if pad[0] == pad[1] and pad[2] == pad[3]:
        y = F.conv2d(x, w, b, stride=stride, padding=(pad[0], pad[2]), dilation=dilation, groups=groups)
    else:
        y = F.conv2d(F.pad(x, (pad[2], pad[3], pad[0], pad[1])), w, b, stride=stride, padding=0,
                     dilation=dilation, groups=groups)
    return nhwc_flat(y).float()


def add_conv(wr: Writer, name, *, batch, cin, cout, h, w, kernel, stride, pad, dilation=(1, 1),
             groups=1, bias=True, extra=None):
    g = rng(name)
    kh, kw = kernel
    fan_in = cin // groups * kh * kw
    scale = 1.0 / math.sqrt(fan_in)
    x = randn(g, batch, cin, h, w)
    wt = randn(g, cout, cin // groups, kh, kw, scale=scale)
    b = randn(g, cout, scale=scale) if bias else None
    oh = conv_out(h, kh, stride[0], pad[0], pad[1], dilation[0])
    ow = conv_out(w, kw, stride[1], pad[2], pad[3], dilation[1])
    out = conv_ref(x, wt, b, stride, pad, dilation, groups)
    out_bf = conv_ref(round_bf16(x), round_bf16(wt), b, stride, pad,
                      dilation, groups)
    assert out.shape == (1, 1, batch * oh * ow, cout), (name, out.shape)
    params = {
        "batch": batch, "in_channels": cin, "out_channels": cout, "input_height": h, "input_width": w,
        "kernel": [kh, kw], "stride": list(stride), "padding": list(pad), "dilation": list(dilation),
        "groups": groups, "has_bias": bias, "output_height": oh, "output_width": ow,
    }
    params.update(extra or {})
    arrays = {"input": x, "weight": wt}
    if bias:
        arrays["bias"] = b
    arrays["output"] = out
    arrays["output_bf16_operands"] = out_bf
    wr.add(name, "conv2d", params, arrays)


def mobilenet_v2_convs():
    """Distinct Conv2d layers of torchvision's mobilenet_v2 at 224x224, traced with forward hooks."""
    import torchvision

    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2().eval()
    names = {m: n for n, m in model.named_modules()}
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    found, keys = [], set()

    def hook(mod, inputs, _output):
        _, c, h, w = inputs[0].shape
        key = (mod.in_channels, mod.out_channels, tuple(mod.kernel_size), tuple(mod.stride),
               tuple(mod.padding), tuple(mod.dilation), mod.groups, h, w)
        if key not in keys:
            keys.add(key)
            found.append((names[mod], mod, h, w))

    handles = [m.register_forward_hook(hook) for m in convs]
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    for hd in handles:
        hd.remove()
    first, last = convs[0], convs[-1]
    layers = []
    for lname, m, h, w in found:
        if m is first:
            kind = "stem"
        elif m is last:
            kind = "head"
        elif m.groups > 1:
            kind = "depthwise"
        elif m.out_channels > m.in_channels:
            kind = "expand"
        else:
            kind = "project"
        assert m.padding_mode == "zeros"
        layers.append(dict(layer=lname, kind=kind, cin=m.in_channels, cout=m.out_channels, h=h, w=w,
                           kernel=tuple(m.kernel_size), stride=tuple(m.stride),
                           pad=(m.padding[0], m.padding[0], m.padding[1], m.padding[1]),
                           dilation=tuple(m.dilation), groups=m.groups))
    return layers


def gen_conv2d(wr: Writer):
    layers = mobilenet_v2_convs()
    for batch in (1, 3):
        for L in layers:
            name = (f"conv2d_mnv2_n{batch}_{L['kind']}_{L['cin']}to{L['cout']}_k{L['kernel'][0]}"
                    f"s{L['stride'][0]}_{L['h']}x{L['w']}")
            add_conv(wr, name, batch=batch, cin=L["cin"], cout=L["cout"], h=L["h"], w=L["w"],
                     kernel=L["kernel"], stride=L["stride"], pad=L["pad"], dilation=L["dilation"],
                     groups=L["groups"], bias=True,
                     extra={"source": "mobilenet_v2", "layer": L["layer"], "kind": L["kind"]})

    odd = [
        # name,               cin, cout, h,  w,  kernel, stride, pad [t,b,l,r], dilation, groups, bias
        ("nonsquare_17x23",    5,   8,   17, 23, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
        ("ch7to13",            7,   13,  13, 11, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
        ("ch33to17_k1",        33,  17,  9,  10, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),
        ("ch33to17_k3",        33,  17,  9,  10, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
        ("dilation2",          8,   8,   15, 15, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), 1, True),
        ("dilation2_nopad",    6,   10,  14, 13, (3, 3), (1, 1), (0, 0, 0, 0), (2, 2), 1, True),
        ("groups2",            8,   6,   10, 10, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 2, True),
        ("groups4_8to12",      8,   12,  9,  11, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 4, True),
        ("depthwise17_s2",     17,  17,  9,  9,  (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 17, True),
        ("kernel5x5",          6,   10,  19, 19, (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), 1, True),
        ("kernel5x5_s2",       4,   9,   16, 21, (5, 5), (2, 2), (2, 2, 2, 2), (1, 1), 1, True),
        ("kernel3x1",          5,   7,   12, 9,  (3, 1), (1, 1), (1, 1, 0, 0), (1, 1), 1, True),
        ("asym_pad",           6,   9,   10, 12, (3, 3), (1, 1), (1, 2, 0, 3), (1, 1), 1, True),
        ("asym_pad_s2",        5,   8,   11, 13, (3, 3), (2, 2), (0, 1, 2, 1), (1, 1), 1, True),
        ("stride2_odd",        9,   16,  15, 21, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, True),
        ("stride2_odd_k1",     12,  20,  7,  7,  (1, 1), (2, 2), (0, 0, 0, 0), (1, 1), 1, True),
        ("stride2_odd_nopad",  3,   5,   9,  11, (3, 3), (2, 2), (0, 0, 0, 0), (1, 1), 1, True),
        ("stride_2x1",         4,   6,   10, 9,  (3, 3), (2, 1), (1, 1, 1, 1), (1, 1), 1, True),
        ("no_bias",            12,  20,  8,  8,  (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, False),
        ("no_bias_k1",         40,  24,  5,  7,  (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, False),
        ("one_pixel",          16,  8,   1,  1,  (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),
    ]
    for batch in (1, 3):
        for (n, cin, cout, h, w, k, s, p, d, grp, bias) in odd:
            add_conv(wr, f"conv2d_odd_n{batch}_{n}", batch=batch, cin=cin, cout=cout, h=h, w=w, kernel=k,
                     stride=s, pad=p, dilation=d, groups=grp, bias=bias, extra={"source": "odd_shape"})


# ----------------------------------------------------------------------------------------------
# eltwise, concat, matmul, linear

def gen_unary(wr: Writer):
    shapes = [[1, 1, 32, 32], [1, 1, 49, 96], [2, 3, 5, 7], [1, 1, 1, 1000], [1, 1, 3, 17]]
    for op, fn in (("relu", lambda t: torch.clamp(t, min=0.0)),
                   ("relu6", lambda t: torch.clamp(t, min=0.0, max=6.0))):
        for shape in shapes:
            name = f"{op}_{'x'.join(map(str, shape))}"
            g = rng(name)
            x = uniform(g, shape, -8.0, 8.0)
            flat = x.view(-1)
            if flat.numel() >= 4:
                flat[0], flat[1], flat[2], flat[3] = 0.0, 6.0, -0.0, 8.0
            y = fn(x.double()).float()
            wr.add(name, op, {"shape": shape}, {"input": x, "output": y})


def gen_add(wr: Writer):
    for shape in ([1, 1, 32, 32], [1, 1, 3136, 24], [2, 3, 5, 7], [1, 1, 7, 13]):
        for act in (None, "relu"):
            name = f"add_{'x'.join(map(str, shape))}" + ("_relu" if act else "")
            g = rng(name)
            a = randn(g, *shape, scale=2.0)
            b = randn(g, *shape, scale=2.0)
            y = a.double() + b.double()
            if act == "relu":
                y = torch.clamp(y, min=0.0)
            wr.add(name, "add", {"shape": shape, "activation": act},
                   {"input_a": a, "input_b": b, "output": y.float()})


def gen_concat(wr: Writer):
    base = [2, 3, 5, 7]
    for dim in range(4):
        for sizes in ((base[dim], 1 + dim), (1, 4, 2)):
            shapes = []
            for s in sizes:
                sh = list(base)
                sh[dim] = s
                shapes.append(sh)
            name = f"concat_dim{dim}_" + "_".join(str(s) for s in sizes)
            g = rng(name)
            xs = [randn(g, *sh) for sh in shapes]
            y = torch.cat([x.double() for x in xs], dim=dim).float()
            arrays = {f"input_{i}": x for i, x in enumerate(xs)}
            arrays["output"] = y
            wr.add(name, "concat", {"dim": dim, "num_inputs": len(xs), "shapes": shapes,
                                    "output_shape": list(y.shape)}, arrays)


def gen_matmul(wr: Writer):
    cases = [([7, 13], [13, 5]), ([1, 1280], [1280, 1000]), ([33, 65], [65, 17]), ([64, 32], [32, 96]),
             ([3, 7, 13], [13, 11]), ([2, 32, 64], [64, 33])]
    for sa, sb in cases:
        name = f"matmul_{'x'.join(map(str, sa))}_{'x'.join(map(str, sb))}"
        g = rng(name)
        a = randn(g, *sa)
        b = randn(g, *sb)
        y = torch.matmul(a.double(), b.double()).float()
        wr.add(name, "matmul", {"shape_a": sa, "shape_b": sb, "output_shape": list(y.shape)},
               {"input_a": a, "input_b": b, "output": y})


def gen_linear(wr: Writer):
    for (m, k, n) in ((1, 1280, 1000), (3, 1280, 1000), (5, 17, 9), (32, 64, 48)):
        for bias in (True, False):
            name = f"linear_{m}x{k}_to_{n}" + ("" if bias else "_nobias")
            g = rng(name)
            x = randn(g, m, k)
            w = randn(g, n, k, scale=1.0 / math.sqrt(k))
            b = randn(g, n, scale=1.0 / math.sqrt(k)) if bias else None
            y = F.linear(x.double(), w.double(), None if b is None else b.double()).float()
            arrays = {"input": x, "weight": w, "weight_t": w.t().contiguous()}
            if bias:
                arrays["bias"] = b
            arrays["output"] = y
            wr.add(name, "linear", {"M": m, "K": k, "N": n, "has_bias": bias}, arrays)


# ----------------------------------------------------------------------------------------------
# pooling, softmax, topk

def gen_pool(wr: Writer):
    kinds = [
        # tag,         n, c,  h,   w,   kernel, stride, pad
        ("k3s2p1",     1, 32, 112, 112, (3, 3), (2, 2), 1),
        ("k3s2p1_odd", 2, 13, 15,  17,  (3, 3), (2, 2), 1),
        ("k2s2",       1, 16, 28,  28,  (2, 2), (2, 2), 0),
        ("k2s2_odd",   3, 7,  9,   11,  (2, 2), (2, 2), 0),
        ("k3s1p1",     1, 24, 7,   9,   (3, 3), (1, 1), 1),
        ("k3s2_nopad", 2, 5,  13,  10,  (3, 3), (2, 2), 0),
    ]
    for op in ("max_pool2d", "avg_pool2d"):
        for (tag, n, c, h, w, k, s, p) in kinds:
            name = f"{op}_{tag}_{n}x{c}x{h}x{w}"
            g = rng(name)
            x = randn(g, n, c, h, w)
            if op == "max_pool2d":
                y = F.max_pool2d(x.double(), k, s, p, ceil_mode=False)
            else:
                y = F.avg_pool2d(x.double(), k, s, p, ceil_mode=False, count_include_pad=True)
            oh, ow = y.shape[2], y.shape[3]
            assert oh == conv_out(h, k[0], s[0], p, p, 1) and ow == conv_out(w, k[1], s[1], p, p, 1)
            params = {"batch": n, "channels": c, "input_height": h, "input_width": w, "kernel": list(k),
                      "stride": list(s), "padding": [p, p, p, p], "dilation": [1, 1], "ceil_mode": False,
                      "output_height": oh, "output_width": ow}
            if op == "avg_pool2d":
                params["count_include_pad"] = True
            wr.add(name, op, params, {"input": x, "input_nhwc": nhwc_flat(x), "output": nhwc_flat(y).float()})


def gen_global_avg_pool(wr: Writer):
    for (n, c, h, w) in ((1, 1280, 7, 7), (3, 1280, 7, 7), (2, 33, 5, 3), (1, 16, 1, 1)):
        name = f"global_avg_pool2d_{n}x{c}x{h}x{w}"
        g = rng(name)
        x = randn(g, n, c, h, w)
        mean = x.double().mean(dim=(2, 3))
        torch_out = F.adaptive_avg_pool2d(x.double(), 1).flatten(1)
        wr.add(name, "global_avg_pool2d",
               {"batch": n, "channels": c, "input_height": h, "input_width": w},
               {"input": nhwc_flat(x), "input_nchw": x, "output": mean.reshape(1, 1, n, c).float(),
                "output_torch": torch_out.float()})


def gen_softmax(wr: Writer):
    for shape in ([1, 1, 1, 1000], [1, 1, 3, 1000], [2, 3, 5, 7], [1, 1, 32, 64], [4, 1]):
        name = f"softmax_{'x'.join(map(str, shape))}"
        g = rng(name)
        x = randn(g, *shape, scale=3.0)
        y = torch.softmax(x.double(), dim=-1).float()
        wr.add(name, "softmax", {"shape": shape, "dim": -1}, {"input": x, "output": y})


def gen_topk(wr: Writer):
    k = 5
    for shape in ([1, 1, 1, 1000], [1, 1, 3, 1000], [2, 3, 4, 37], [1, 8]):
        name = f"topk_{'x'.join(map(str, shape))}"
        g = rng(name)
        rows = math.prod(shape[:-1])
        last = shape[-1]
        # Per row: `last` distinct values drawn from a grid of 8*last points spaced 1/64 apart (exact
        # in float32), in random order, so no two elements tie and rows differ.
        picks = torch.stack([torch.randperm(8 * last, generator=g)[:last] for _ in range(rows)])
        x = ((picks.double() - 4 * last) / 64.0).float().reshape(shape)
        vals, idx = torch.topk(x.double(), k, dim=-1, largest=True, sorted=True)
        for r in range(rows):
            row = x.reshape(rows, last)[r]
            assert len(set(row.tolist())) == last
        wr.add(name, "topk", {"shape": shape, "k": k, "dim": -1, "largest": True, "sorted": True},
               {"input": x, "values": vals.float(), "indices": idx.to(torch.int64)})


# ----------------------------------------------------------------------------------------------
# whole model

def random_init(model, g):
    """Seeded random weights that keep activations O(1) through all 17 blocks: normal with variance 1/fan-in
    by each conv's true fan-in (torchvision's fan-out init makes depthwise weights tiny and the logits
    ~1e-9; He's gain of 2 makes the net chaotic enough that torch's own bfloat16 loses PCC 0.999), mild
    batch-norm statistics, classifier scaled by 1/sqrt(features)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.Conv2d):
                fan_in = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(randn(g, *m.weight.shape) * math.sqrt(1.0 / fan_in))
            elif isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(uniform(g, (c,), 0.5, 1.5))
                m.bias.copy_(randn(g, c) * 0.1)
                m.running_mean.copy_(randn(g, c) * 0.1)
                m.running_var.copy_(uniform(g, (c,), 0.5, 1.5))
            elif isinstance(m, torch.nn.Linear):
                m.weight.copy_(randn(g, *m.weight.shape) / math.sqrt(m.in_features))
                m.bias.copy_(randn(g, m.out_features) * 0.1)


def pretrained_like(model, g):
    """Batch-norm statistics like a trained network's: per-channel scales spread over a decade and more,
    outlier channels, non-zero means (a heavy-tailed stand-in; real trained weights are in the accuracy
    tests). Wider spreads make the network so ill-conditioned that torch's own float32 result drifts from
    float64 (PCC 0.994), which would test the generator, not the engine."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.exp(randn(g, c) * 0.5) * torch.sign(randn(g, c) + 1.5))
                m.bias.copy_(randn(g, c) * 0.5)
                m.running_mean.copy_(randn(g, c) * 0.3)
                m.running_var.copy_(torch.exp(randn(g, c) * 0.7))
            elif isinstance(m, torch.nn.Conv2d):
                m.weight.copy_(m.weight * torch.exp(randn(g, m.out_channels) * 0.3).view(-1, 1, 1, 1))


def add_model(wr: Writer, name, *, width_mult, batch, height, width, init, num_classes=1000):
    import torchvision
    g = rng(name)
    torch.manual_seed(zlib.crc32(name.encode()) & 0x7FFFFFFF)
    model = torchvision.models.mobilenet_v2(width_mult=width_mult, num_classes=num_classes).eval()
    random_init(model, g)
    if init == "pretrained_like":
        pretrained_like(model, g)
    x = randn(g, batch, 3, height, width)
    with torch.no_grad():
        logits = model.double()(x.double()).float()
    state = {k: v.float() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    files = {"checkpoint_zip": f"{name}.zip.pth", "checkpoint_legacy": f"{name}.legacy.pth"}
    torch.save(state, os.path.join(wr.out, files["checkpoint_zip"]))
    torch.save(state, os.path.join(wr.out, files["checkpoint_legacy"]), _use_new_zipfile_serialization=False)
    params = {"width_mult": width_mult, "num_classes": num_classes, "batch": batch, "height": height,
              "width": width, "init": init, **files}
    wr.add(name, "model", params, {"input": x, "logits": logits})


def gen_model(wr: Writer):
    add_model(wr, "model_mnv2_w1_random_n3_224", width_mult=1.0, batch=3, height=224, width=224, init="random")
    add_model(wr, "model_mnv2_w1_pretrained_like_n1_224", width_mult=1.0, batch=1, height=224, width=224,
              init="pretrained_like")
    add_model(wr, "model_mnv2_w05_random_n1_160x192", width_mult=0.5, batch=1, height=160, width=192,
              init="random")


# ----------------------------------------------------------------------------------------------
# module-argument inference

class _NestedBlock(torch.nn.Module):
    """A user-defined composite for the module_args cases (see the docstring's op "module_args")."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        nn = torch.nn
        self.conv = nn.Sequential(
            nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()),
            nn.Conv2d(cout, cout, (1, 3), 1, (0, 1), bias=True))
        self.shortcut = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.conv(x)
        skip = x if self.shortcut is None else self.shortcut(x)
        return self.relu(out + skip)


class _NestedNet(torch.nn.Module):
    """Nested Sequentials, MaxPool2d, numeric names and a user-defined composite (op "module_args")."""

    def __init__(self, num_classes=10):
        super().__init__()
        nn = torch.nn
        self.features = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 16, 5, 2, 2, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                          nn.MaxPool2d(3, 2, 1)),
            nn.Sequential(_NestedBlock(16, 16, 1), _NestedBlock(16, 32, 2)),
            nn.Conv2d(32, 48, 3, 1, 2, dilation=2, groups=4),
            nn.MaxPool2d((2, 3), (2, 1), (0, 1), dilation=(1, 2)))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(48, num_classes)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.features(x))))


def _pair(v):
    return [int(v[0]), int(v[1])] if isinstance(v, (tuple, list)) else [int(v), int(v)]


def trace_module_args(model, shape):
    """Every Conv2d and MaxPool2d call of model(zeros(shape)), in call order, as forward hooks see it."""
    names = {m: n for n, m in model.named_modules()}
    convs, pools = [], []

    def conv_hook(m, inputs, output):
        convs.append({"path": names[m], "in_channels": m.in_channels, "out_channels": m.out_channels,
                      "kernel_size": _pair(m.kernel_size), "stride": _pair(m.stride),
                      "padding": _pair(m.padding), "dilation": _pair(m.dilation), "groups": m.groups,
                      "padding_mode": m.padding_mode, "bias": m.bias is not None,
                      "input_shape": list(inputs[0].shape), "output_shape": list(output.shape)})

    def pool_hook(m, inputs, output):
        pools.append({"path": names[m], "kernel_size": _pair(m.kernel_size), "stride": _pair(m.stride),
                      "padding": _pair(m.padding), "dilation": _pair(m.dilation),
                      "input_shape": list(inputs[0].shape), "output_shape": list(output.shape)})

    handles = []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, torch.nn.MaxPool2d):
            assert not m.ceil_mode and not m.return_indices
            handles.append(m.register_forward_hook(pool_hook))
    with torch.no_grad():
        out = model(torch.zeros(*shape))
    for hd in handles:
        hd.remove()
    return convs, pools, list(out.shape)


def gen_module_args(wr: Writer):
    import torchvision
    torch.manual_seed(0)  # the weights play no part; seeded only so that nothing varies
    models = [("mnv2", "mobilenet_v2", torchvision.models.mobilenet_v2().eval(), {"width_mult": 1.0, "num_classes": 1000}),
              ("nested", "nested_net", _NestedNet(10).eval(), {"num_classes": 10})]
    for tag, model_name, model, extra in models:
        for shape in ([1, 3, 224, 224], [3, 3, 160, 192]):
            convs, pools, out_shape = trace_module_args(model, shape)
            name = f"module_args_{tag}_n{shape[0]}_{shape[2]}x{shape[3]}"
            params = {"model": model_name, **extra, "input_shape": shape, "output_shape": out_shape,
                      "convs": convs, "max_pools": pools}
            wr.add(name, "module_args", params, {})

# ----------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output directory (created; must not hold COMPLETE)")
    args = ap.parse_args(argv)
    out = args.out
    os.makedirs(out, exist_ok=True)
    complete = os.path.join(out, "COMPLETE")
    if os.path.exists(complete):
        os.remove(complete)

    # One thread: as fast as two for these sizes, and OpenMP spinning makes several threads crawl
    # (10x slower) when ctest or a build keeps the cores busy.
    torch.set_num_threads(1)
    start = time.time()
    wr = Writer(out)
    gen_conv2d(wr)
    gen_unary(wr)
    gen_add(wr)
    gen_concat(wr)
    gen_matmul(wr)
    gen_linear(wr)
    gen_pool(wr)
    gen_global_avg_pool(wr)
    gen_softmax(wr)
    gen_topk(wr)
    gen_model(wr)
    gen_module_args(wr)

    manifest = {"generator_version": GENERATOR_VERSION, "torch_version": torch.__version__,
                "cases": wr.cases}
    tmp = os.path.join(out, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(out, "manifest.json"))
    with open(complete, "w") as f:
        f.write(f"{len(wr.cases)} cases, {wr.bytes} bytes of array data\n")
    print(f"generate.py: {len(wr.cases)} cases, {wr.bytes / 1e6:.1f} MB in {time.time() - start:.1f} s -> {out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
