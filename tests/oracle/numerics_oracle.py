#!/usr/bin/python3
"""Numerics oracle for conv2d and linear: both numerics of NUMERICS.md, computed independently of the C++ code.

    /usr/bin/python3 tests/oracle/numerics_oracle.py --out DIR

writes DIR/manifest.json, one .npy file per array, and DIR/COMPLETE last (the conventions of generate.py;
scripts/cached_generate.sh generates into a temporary directory and renames it into place).

Everything follows NUMERICS.md and DESIGN.md ("Data types and numerics") to the bit, with numpy bit
manipulation on float32 values viewed as uint32:
  bf16(v)      float32 -> bfloat16, round to nearest, ties to even;
  rne(v, n)    round the 24-bit significand to n significant bits, ties to even (carries into the exponent);
  trunc(v, n)  keep the top n significant bits, zero the rest;
  bfloat8_b    per 16-value block: E = the largest fp32 exponent field; each magnitude is the 24-bit
               significand (hidden bit included) times 2^-(E - e + 17), rounded to nearest, ties to even,
               as an exact quotient (every bit shifted out counts: a tie is an exact half), saturated at
               127; a zero magnitude is +0. Value = (-1)^s * m * 2^(E - 133).
The block of a TILE tensor is a face row: 16 consecutive values of the last dimension, starting at a
multiple of 16 (padding with zeros never changes a block's exponent).

Chunk sums: NUMERICS.md sums products in float32 in an unspecified order. Here every product is exact in
float64 (at most 24 x 24 significant bits), each sum is taken in float64 and rounded once to float32:
one of the orders the text allows, at least as accurate as any float32 order. accurate: the whole
reduction plus the bias in float64, rounded once. tt_metal: per 32-chunk of k in float64 rounded to
float32; the destination then follows NUMERICS.md step by step (fp32: d = f32(d + s); bf16:
d = bf16(f32(d + s)); bias y = f32(d + b'), then bf16(y) for the bfloat16 destination).
The script checks its expected outputs against a second float32 summation order (sequential float32
sums of float32 products) with the criteria the C++ tests use, so the tests accept any legitimate order.

manifest.json
-------------
    {"generator_version": 1, "numpy_version": "...", "torch_version": "...",
     "dtypes": ["float32", "bfloat16", "bfloat8_b"], "fidelities": ["LoFi", "HiFi2", "HiFi3", "HiFi4"],
     "numerics": ["accurate", "tt_metal_fp32_dest", "tt_metal_bf16_dest"],
     "cases": [{"name": "conv_expand_24to144_k1_10x10", "op": "conv2d" | "linear", "params": {...},
                "arrays": {role: file name in DIR}}]}

All .npy files are '<f4', C order. A configuration is (dtype, fidelity, numerics): activations, weights
and bias in `dtype` (an accurate conv keeps its bias in float32; accurate depthwise weights keep each
channel's sum, NUMERICS.md step 2); `numerics` "accurate" (fp32_dest_acc_en makes no difference) or "tt_metal_fp32_dest"
/ "tt_metal_bf16_dest" (tt_metal with fp32_dest_acc_en true / false). CONFIG below is
"<dtype>.<fidelity>.<numerics>", e.g. "bfloat8_b.LoFi.tt_metal_bf16_dest".

op "conv2d"
    params: kind ("stem", "stem_padded", "expand", "depthwise", "project", "head", "grouped"),
            batch, in_channels, out_channels, input_height, input_width, kernel [kh, kw], stride [sh, sw],
            padding [top, bottom, left, right], dilation [1, 1], groups, output_height, output_width,
            activation ("" or "relu6": fused), has_bias (true)
    arrays:
      input.<dtype>        [1, 1, N*H*W, C] NHWC flattened: the input as stored in <dtype> (float32 values
                           of the stored bits; converting them to <dtype> again changes nothing)
      weight               [C_out, C_in/groups, kh, kw] raw float32 (the batch-norm-folded weights)
      bias                 [C_out] raw float32
      output.CONFIG        [1, 1, N*OH*OW, C_out] the output with output dtype float32
      output_bfloat8_b.CONFIG   (bfloat8_b configurations only) the same output stored in bfloat8_b
                           (blocks of 16 consecutive output channels of one pixel), as float32 values
      dest_bound.CONFIG    (tt_metal_bf16_dest only) per output element the largest |y' - y| of the output y'
                           of any other float32 summation order: the chunk sums may differ by up to
                           n * 2^-24 * sum|products| (n the chunk's non-zero products; 0 where every
                           partial sum is a float32, i.e. sum|products| < 2^24 * the products' common lowest
                           bit), and this interval is carried through every bfloat16 rounding (d' = d again
                           after a rounding no value in it can change). 0 for most elements; about one
                           bfloat16 ulp where a rounding boundary lies within that interval
op "linear"   (y = input @ weight_t + bias; weight_t is operand A, blocked along N as the caller stores it)
    params: M, K, N, activation (""), has_bias (true)
    arrays: input.<dtype> [M, K] as stored in <dtype> (blocks: 16 consecutive k of one row),
            weight_t [K, N] raw float32, bias [N] raw float32 (stored by the test as a [1, N] TILE tensor
            in <dtype>), output.CONFIG / output_bfloat8_b.CONFIG / dest_bound.CONFIG [M, N]

Test criteria (the C++ tests apply them; checked here against the second summation order):
  range = max(expected) - min(expected); float32 output: every |got - expected| <= 1e-5 * range, plus
  dest_bound for tt_metal_bf16_dest (here at most 10% of the elements have dest_bound > 1e-5 * range).
  bfloat8_b output: every |got - expected| <= one step 2^(E-133) of its block (the larger of the two
  blocks' steps) + the float32 bound, and at most 0.1% of the elements differ at all, not counting the
  blocks (16 consecutive output channels) holding an element with dest_bound > 0.

Data: per-output-channel weight scales log-uniform over 2.5 decades (as batch-norm folding gives), so the
direction of bfloat8_b blocks matters; signed inputs (stem, expand) with per-channel scales, non-negative
ReLU6-like inputs (exact zeros, some 6s) elsewhere. Each case draws from its own numpy Generator seeded
with crc32(case name).
"""

from __future__ import annotations

import os

# One BLAS thread: the matrices are small and the build machines are shared.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

GENERATOR_VERSION = 3
DTYPES = ["float32", "bfloat16", "bfloat8_b"]
FIDELITIES = ["LoFi", "HiFi2", "HiFi3", "HiFi4"]
NUMERICS = ["accurate", "tt_metal_fp32_dest", "tt_metal_bf16_dest"]

# accurate: weights rounded (RNE) to the operand A width; activations read as stored, except at LoFi,
# which rounds them (RNE) to bfloat16 so that its products run as exact bfloat16 dot products.
ACCURATE_WEIGHT_BITS = {"LoFi": 5, "HiFi2": 9, "HiFi3": 9, "HiFi4": None}
ACCURATE_ACT_BITS = {"LoFi": 8, "HiFi2": None, "HiFi3": None, "HiFi4": None}

REL_TOL = 1e-5             # of the expected output's range
MAX_LOOSE_FRACTION = 0.1  # elements whose bfloat16-destination bound exceeds 1e-5 * range
BF8_OUT_DIFF_FRACTION = 0.001


# ----------------------------------------------------------------------------------------------
# bit-level formats (float32 arrays in, float32 arrays out)

def f32(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float32))


def _bits(a) -> np.ndarray:
    return f32(a).view(np.uint32).astype(np.uint64)


def _from_bits(u) -> np.ndarray:
    return np.ascontiguousarray(u.astype(np.uint32)).view(np.float32)


def _check_normal(a, what):
    u = _bits(a)
    sub = (((u >> 23) & 0xFF) == 0) & ((u & 0x7FFFFF) != 0)
    assert not sub.any(), f"{what}: subnormal values are outside what this oracle models"


def rne(v, n: int) -> np.ndarray:
    """Round the significand to n significant bits, ties to even."""
    if n is None or n >= 24:
        return f32(v).copy()
    _check_normal(v, "rne")
    u = _bits(v)
    sh = 24 - n
    u = u + ((1 << (sh - 1)) - 1) + ((u >> sh) & 1)
    return _from_bits((u >> sh) << sh)


def trunc(v, n: int) -> np.ndarray:
    """Keep the top n significant bits (toward zero)."""
    if n is None or n >= 24:
        return f32(v).copy()
    _check_normal(v, "trunc")
    sh = 24 - n
    return _from_bits((_bits(v) >> sh) << sh)


def bf16(v) -> np.ndarray:
    return rne(v, 8)


def bfp8_blocks(v):
    """bfloat8_b of v along its last axis (length a multiple of 16). Returns (values, E per element)."""
    v = f32(v)
    _check_normal(v, "bfloat8_b")
    assert v.shape[-1] % 16 == 0, v.shape
    u = v.view(np.uint32).astype(np.int64).reshape(-1, 16)
    exp = (u >> 23) & 0xFF
    E = exp.max(axis=1, keepdims=True)
    mant = (u & 0x7FFFFF) | np.where(exp != 0, 0x800000, 0)
    # mant < 2^24, so from a shift of 25 on the quotient is below one half: 0. Clipping keeps shifts defined.
    sh = np.minimum(E - exp + 17, 40)
    q = mant >> sh
    rem = mant - (q << sh)
    half = np.int64(1) << (sh - 1)
    q = q + ((rem > half) | ((rem == half) & ((q & 1) == 1))).astype(np.int64)
    q = np.minimum(q, 127)
    neg = ((u >> 31) & 1).astype(bool) & (q > 0)
    mag = q.astype(np.float64) * np.exp2((E - 133).astype(np.float64))
    out = np.where(neg, -mag, mag).astype(np.float32)
    Eb = np.broadcast_to(E, q.shape)
    return out.reshape(v.shape), Eb.reshape(v.shape).copy()


def _pad_last(v, multiple):
    pad = (-v.shape[-1]) % multiple
    if pad == 0:
        return v, 0
    width = [(0, 0)] * (v.ndim - 1) + [(0, pad)]
    return np.pad(v, width), pad


def store(v, dtype: str):
    """Stores v (blocks along the last axis for bfloat8_b). Returns (values, E or None)."""
    v = f32(v)
    if dtype == "float32":
        return v.copy(), None
    if dtype == "bfloat16":
        return bf16(v), None
    assert dtype == "bfloat8_b", dtype
    p, pad = _pad_last(v, 16)
    q, E = bfp8_blocks(p)
    if pad:
        q, E = q[..., :-pad], E[..., :-pad]
    return np.ascontiguousarray(q), np.ascontiguousarray(E)


def bfp8_step(values: np.ndarray) -> np.ndarray:
    """Per element the step 2^(E-133) of its block, recovered from stored bfloat8_b values (along the last
    axis): the block's largest magnitude m * 2^(E-133) has m in [64, 127], so E = its exponent field."""
    p, pad = _pad_last(f32(values), 16)
    blocks = np.abs(p).reshape(-1, 16).max(axis=1, keepdims=True)
    step = np.where(blocks > 0, np.exp2(np.floor(np.log2(np.where(blocks > 0, blocks, 1.0))) - 6), 0.0)
    step = np.broadcast_to(step, (step.shape[0], 16)).reshape(p.shape)
    return step[..., :-pad] if pad else step


def self_test_formats():
    """Hand-worked values from DESIGN.md's rules and NUMERICS.md's notation."""
    def q(block):
        return bfp8_blocks(np.array(block + [0.0] * (16 - len(block)), dtype=np.float32))[0][:len(block)]

    # Block max 1.0: E = 127, one unit = 2^-6.
    assert list(q([1.0, 0.5, -0.25, 0.015625])) == [1.0, 0.5, -0.25, 0.015625]
    # 1 + 2^-7 is half a unit above 64 units: tie, even -> 64 units; 1 + 3 * 2^-7 -> 65.5 -> 66 units.
    assert list(q([1.0 + 2 ** -7])) == [1.0]
    assert list(q([1.0 + 3 * 2 ** -7])) == [66 / 64]
    # 1.99999988 (significand all ones) rounds to 128 units: saturates at 127.
    assert list(q([np.float32(2.0) - np.float32(2 ** -23)])) == [127 / 64]
    # Block max 3.0: E = 128, unit 2^-5; 0.01 is 0.32 units -> +0 (and -0.01 -> +0, not -0); -0.05 is
    # 1.6 units -> -2 units.
    r = q([3.0, 0.01, -0.01, -0.05])
    assert list(r) == [3.0, 0.0, 0.0, -2 * 2 ** -5] and not np.signbit(r[2]), r
    # A tie decided by a bit below the first shift: 0x820001 * 2^-24 in a block with max 1.0 is
    # 32.5 + 2^-18 units -> 33 (an exact quotient, not a truncating shift then a rounding).
    v = np.float32(0x820001 * 2.0 ** -24)
    assert list(q([1.0, float(v)])) == [1.0, 33 / 64], q([1.0, float(v)])
    # Exactly 32.5 units: tie to even 32.
    assert list(q([1.0, 0.5078125])) == [1.0, 0.5]
    # Exponents differing by 30: the small value vanishes.
    assert list(q([2.0 ** 10, 2.0 ** -20])) == [1024.0, 0.0]

    # bf16 RNE, rne and trunc on significands.
    assert bf16(np.float32(1 + 2 ** -8)) == 1.0                       # tie -> even
    assert bf16(np.float32(1 + 3 * 2 ** -8)) == 1 + 2 ** -6           # tie -> even (up)
    assert bf16(np.float32(1 + 2 ** -8 + 2 ** -20)) == 1 + 2 ** -7    # above the tie
    assert rne(np.float32(1.96875), 5) == 2.0                         # 1.11111 -> 10.000 (carry)
    assert rne(np.float32(1.09375), 5) == 1.125                       # 1.00011 tie -> 1.0010
    assert rne(np.float32(-1.03125), 5) == -1.0                       # 1.00001 -> 1.0000
    assert trunc(np.float32(1.96875), 5) == 1.9375
    assert trunc(np.float32(-1.99), 7) == -1.984375                     # 1.1111110101.. -> 1.111111
    assert trunc(np.float32(0.0), 7) == 0.0


# ----------------------------------------------------------------------------------------------
# the two numerics

def im2col_tt(x_nhwc, n, h, w, c, kh, kw, stride, pad):
    """[P, taps * C] with k = t * C + c, t = ky * kw + kx (TT-NN's order); zero outside the image."""
    x = x_nhwc.reshape(n, h, w, c).astype(np.float64)
    xp = np.pad(x, ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)))
    oh = (h + pad[0] + pad[1] - kh) // stride[0] + 1
    ow = (w + pad[2] + pad[3] - kw) // stride[1] + 1
    cols = []
    for ky in range(kh):
        for kx in range(kw):
            cols.append(xp[:, ky:ky + (oh - 1) * stride[0] + 1:stride[0], kx:kx + (ow - 1) * stride[1] + 1:stride[1], :])
    col = np.stack(cols, axis=3)  # [n, oh, ow, taps, c]
    return col.reshape(n * oh * ow, kh * kw * c), oh, ow


def tt_weight_matrix(W, groups):
    """TT-NN's [K, out] matrix, K = taps * in, row t * in + c holding c's group's output channels."""
    out, ipg, kh, kw = W.shape
    cin = ipg * groups
    opg = out // groups
    M = np.zeros((kh * kw * cin, out), dtype=np.float32)
    for ky in range(kh):
        for kx in range(kw):
            t = ky * kw + kx
            for g in range(groups):
                M[t * cin + g * ipg:t * cin + (g + 1) * ipg, g * opg:(g + 1) * opg] = W[g * opg:(g + 1) * opg, :, ky, kx].T
    return M


STORED_BITS = {"float32": 24, "bfloat16": 8, "bfloat8_b": 7}


def float_grid_other(raw, q, n):
    """Per element the value on the far side of raw from q on the n-significant-bit float grid; q itself
    where raw is on the grid or q is not one of raw's two neighbours."""
    a = np.abs(raw.astype(np.float64))
    _, e = np.frexp(np.where(a > 0, a, 1.0))            # a = f * 2^e, f in [0.5, 1)
    ulp = np.ldexp(1.0, e - n)
    lo = np.floor(a / ulp) * ulp
    hi = lo + ulp
    return _far_side(raw, q, lo, hi, (a > 0) & (lo != a))


def _far_side(raw, q, lo, hi, flippable):
    qa = np.abs(q.astype(np.float64))
    other = np.where(qa == lo, hi, np.where(qa == hi, lo, qa))
    other = np.where(flippable, other, qa)
    return f32(np.where(raw < 0, -other, other))


def keep_row_sums(raw, q, other):
    """NUMERICS.md accurate step 2: along the last axis, flips roundings to `other` (least added error first,
    then lowest index) while each brings the row's total error, summed in float64 in index order, strictly
    closer to zero. Vectorised across rows; the per-row arithmetic is the sequential one."""
    shape = q.shape
    raw = raw.reshape(-1, shape[-1]).astype(np.float64)
    q = q.reshape(-1, shape[-1]).astype(np.float64).copy()
    other = other.reshape(-1, shape[-1]).astype(np.float64)
    rows, k = q.shape
    err = q - raw
    residual = np.zeros(rows)
    for j in range(k):
        residual = residual + err[:, j]
    cost = np.abs(other - raw) - np.abs(err)
    order = np.lexsort((np.broadcast_to(np.arange(k), (rows, k)), cost), axis=-1)
    r = np.arange(rows)
    for p in range(k):
        i = order[:, p]
        step = other[r, i] - q[r, i]
        nxt = residual + step
        flip = (step != 0) & (np.abs(nxt) < np.abs(residual))
        q[r[flip], i[flip]] = other[r[flip], i[flip]]
        residual = np.where(flip, nxt, residual)
    return f32(q.reshape(shape))


def accurate_weights(W, groups, dtype, fidelity):
    """Prepared accurate weights W'' mapped back to [out, in/groups, kh, kw] (the reduction order does not
    matter to an unordered fp32 sum; the [out, K] layout decides only the bfloat8_b blocks)."""
    out, ipg, kh, kw = W.shape
    taps = kh * kw
    if groups > 1 and ipg == 1 and groups == out:
        # Depthwise: stored as TT-NN's grouped layout stores it, one non-zero per block, so every weight
        # is quantised on its own exponent; then rounded (a lone value needs no range clamp).
        alone = np.zeros((W.size, 16), dtype=np.float32)
        alone[:, 0] = f32(W).ravel()
        stored = store(alone, dtype)[0][:, 0]
        rounded = rne(stored, ACCURATE_WEIGHT_BITS[fidelity])
        bits = min(STORED_BITS[dtype], ACCURATE_WEIGHT_BITS[fidelity] or 24)
        raw = f32(W).ravel()
        kept = keep_row_sums(raw.reshape(out, taps), rounded.reshape(out, taps),
                             float_grid_other(raw, rounded, bits).reshape(out, taps))
        return kept.reshape(W.shape)
    if dtype == "bfloat8_b" and ipg >= 8:
        S = -(-ipg // 16) * 16
        K = S * taps
    elif dtype == "bfloat8_b":
        S = ipg
        K = -(-(S * taps) // 16) * 16
    else:
        S = ipg
        K = S * taps
    M = np.zeros((out, K), dtype=np.float32)
    pos = np.zeros((taps, ipg), dtype=np.int64)
    for ky in range(kh):
        for kx in range(kw):
            t = ky * kw + kx
            M[:, t * S:t * S + ipg] = W[:, :, ky, kx]
            pos[t] = t * S + np.arange(ipg)
    stored, E = store(M, dtype)
    bits = ACCURATE_WEIGHT_BITS[fidelity]
    rounded = rne(stored, bits)
    if dtype == "bfloat8_b" and bits is not None and bits < 7:
        # Beyond the block's 127 units: the largest bits-bit magnitude, same sign.
        unit = np.exp2((E - 133).astype(np.float64))
        over = np.abs(rounded.astype(np.float64)) > 127 * unit
        largest = (((1 << bits) - 1) << (7 - bits)) * unit
        rounded = np.where(over, np.copysign(largest, rounded), rounded).astype(np.float32)
    Wr = np.zeros_like(W)
    for ky in range(kh):
        for kx in range(kw):
            Wr[:, :, ky, kx] = rounded[:, pos[ky * kw + kx]]
    return Wr


def stored_bias(b, dtype):
    return store(f32(b).reshape(1, -1), dtype)[0].reshape(-1)


def activate(y, activation):
    if activation == "relu6":
        return np.minimum(np.maximum(y, np.float32(0)), np.float32(6)).astype(np.float32)
    assert activation == ""
    return y


def tt_operands(A, fidelity):
    """Per fidelity the (weight, activation-transform) pairs whose products are summed: the products of
    NUMERICS.md's tt_metal step 3 as a list of (A part, B part function)."""
    A5, A9 = trunc(A, 5), trunc(A, 9)
    if fidelity == "LoFi":
        return [(A5, lambda B: trunc(B, 7))]
    if fidelity == "HiFi2":
        return [(A9, lambda B: trunc(B, 7))]
    if fidelity == "HiFi3":
        return [(A9, lambda B: trunc(B, 7)),
                (A5, lambda B: (trunc(B, 13).astype(np.float64) - trunc(B, 7).astype(np.float64)).astype(np.float32))]
    return [(A9, lambda B: trunc(B, 13))]


def tt_chunk_sums(Bcol, A, fidelity, order="float64"):
    """Chunk sums [chunks, P, out] as float32. Bcol [P, K] stored activations, A [K, out] stored weights.
    order "float64": exact products, float64 sums, one rounding to float32 (the oracle's order); also returns
    the largest error any float32 order can make, n * 2^-24 * sum|products| + 2^-24 |sum| with n the
    chunk's non-zero products (adding a zero is exact);
    "float32_sequential": float32 products added one by one in float32 (a second legitimate order)."""
    P, K = Bcol.shape
    out = A.shape[1]
    nch = -(-K // 32)
    Kp = nch * 32
    Bp = np.zeros((P, Kp), dtype=np.float32)
    Bp[:, :K] = Bcol
    parts = []
    for Apart, bfun in tt_operands(A, fidelity):
        Ap = np.zeros((Kp, out), dtype=np.float32)
        Ap[:K] = Apart
        parts.append((Ap, bfun(Bp)))
    if order == "float64":
        total = np.zeros((nch, P, out))
        abs_total = np.zeros((nch, P, out))
        count = np.zeros((nch, P, out))
        quantum = np.full((nch, P, out), _NO_BITS)
        for Ap, Bt in parts:
            b3 = Bt.astype(np.float64).reshape(P, nch, 32).transpose(1, 0, 2)
            a3 = Ap.astype(np.float64).reshape(nch, 32, out)
            total += np.matmul(b3, a3)
            abs_total += np.matmul(np.abs(b3), np.abs(a3))
            count += np.matmul((b3 != 0).astype(np.float64), (a3 != 0).astype(np.float64))
            lb, la = _lowest_bit(b3), _lowest_bit(a3)
            for j in range(32):
                quantum = np.minimum(quantum, lb[:, :, j][:, :, None] + la[:, j, :][:, None, :])
        sums = total.astype(np.float32)
        error = count * 2.0 ** -24 * abs_total + 2.0 ** -24 * np.abs(total)
        # Every product is a multiple of 2^quantum; below 2^(24 + quantum) every partial sum is a float32, so
        # every order gives the exact sum.
        exact = abs_total < np.ldexp(1.0, np.minimum(quantum, 1000) + 24) * (1 - 2.0 ** -40)
        return sums, np.where(exact, 0.0, error)
    assert order == "float32_sequential"
    acc = np.zeros((nch, P, out), dtype=np.float32)
    for j in range(32):
        for Ap, Bt in parts:
            b = Bt.reshape(P, nch, 32)[:, :, j].T[:, :, None]          # [nch, P, 1]
            a = Ap.reshape(nch, 32, out)[:, j, :][:, None, :]           # [nch, 1, out]
            acc = (acc + (b * a).astype(np.float32)).astype(np.float32)  # products exact in float32
    return acc, None


_NO_BITS = 1 << 20  # the lowest-bit exponent of a zero: larger than any sum of real ones


def _lowest_bit(v):
    """Exponent of the lowest set significand bit of each float32 value (_NO_BITS for zero)."""
    u = f32(v).view(np.uint32).astype(np.int64)
    exp = (u >> 23) & 0xFF
    mant = (u & 0x7FFFFF) | 0x800000
    low = mant & -mant
    tz = np.frexp(low.astype(np.float64))[1] - 1
    return np.where(f32(v) == 0, _NO_BITS, exp - 150 + tz)


def _bf16_of_float64(v):
    """RNE at 8 significant bits of float64 values (exact: np.rint rounds ties to even)."""
    m, e = np.frexp(v)
    return np.ldexp(np.rint(np.ldexp(m, 8)), e - 8)


def tt_destination(chunks, bias, fp32_dest, error=None):
    """NUMERICS.md tt_metal steps 4-5. Returns (y before the activation, dest_bound); dest_bound (bfloat16
    destination only) is per element the largest |y' - y| of any y' that another float32 summation order
    gives, the chunk sums being off by at most `error`: the deviation is carried through every bfloat16
    rounding as an interval and is 0 again after a rounding that no value in the interval can change."""
    d = np.zeros(chunks.shape[1:], dtype=np.float32)
    b = f32(bias)[None, :]
    if fp32_dest:
        for s in chunks:
            d = (d + s).astype(np.float32)
        return (d + b).astype(np.float32), None
    dev = np.zeros(d.shape)
    for i, s in enumerate(chunks):
        t = d.astype(np.float64) + s                    # exact; rounded to float32, then to bfloat16
        d = bf16((d + s).astype(np.float32))
        if error is not None:
            # Another order: d' within dev of d, s' within error of s, each rounded to float32.
            # Both zero: the same float32 inputs, so the same bits.
            slack = np.where((dev > 0) | (error[i] > 0), dev + error[i] + 2.0 ** -23 * (np.abs(t) + dev + error[i]), 0.0)
            lo, hi = _bf16_of_float64(t - slack), _bf16_of_float64(t + slack)
            dev = np.maximum(hi - d, d - lo)
    t = d.astype(np.float64) + b
    y = bf16((d + b).astype(np.float32))
    if error is None:
        return y, None
    # d' = d where dev is 0: the same float32 sum and rounding.
    slack = np.where(dev > 0, dev + 2.0 ** -23 * (np.abs(t) + dev), 0.0)
    lo, hi = _bf16_of_float64(t - slack), _bf16_of_float64(t + slack)
    return y, np.maximum(hi - y, y - lo)


# ----------------------------------------------------------------------------------------------
# criteria (mirrored by tests/ops/conv2d_numerics_test.cpp)

def element_bound(expected, dest_bound=None):
    """Per element the largest |got - expected| a correct implementation can show (float32 output)."""
    expected = f32(expected).astype(np.float64)
    bound = np.full(expected.shape, REL_TOL * (expected.max() - expected.min()))
    return bound if dest_bound is None else bound + f32(dest_bound)


def criterion(got, expected, dest_bound=None):
    """Returns (ok, message) for a float32 output."""
    err = np.abs(f32(got).astype(np.float64) - f32(expected)).ravel()
    bound = element_bound(expected, dest_bound).ravel()
    worst = int((err / bound).argmax())
    return bool((err <= bound).all()), f"worst err/bound {err[worst] / bound[worst]:.3g} at {worst}"


def criterion_bf8(got, expected, bound, dest_bound=None):
    """bfloat8_b output [rows, channels]: each element within one step of its block plus the float32 bound;
    at most 0.1% of the elements differ, not counting blocks with an element whose dest_bound is not 0."""
    got, expected = f32(got), f32(expected)
    step = np.maximum(bfp8_step(got), bfp8_step(expected))
    err = np.abs(got.astype(np.float64) - expected)
    exempt = np.zeros(err.shape, dtype=bool)
    if dest_bound is not None:
        fp, pad = _pad_last(f32(dest_bound) != 0, 16)
        blocks = np.broadcast_to(fp.reshape(-1, 16).any(axis=1, keepdims=True), (fp.size // 16, 16)).reshape(fp.shape)
        exempt = blocks[..., :-pad] if pad else blocks
    differ = float(((err > 0) & ~exempt).mean())
    ok = differ <= BF8_OUT_DIFF_FRACTION and bool((err <= step + bound).all())
    return ok, f"{differ * 100:.3f}% differ"


# ----------------------------------------------------------------------------------------------
# cases

class Writer:
    def __init__(self, out: str):
        self.out = out
        self.cases = []
        self.bytes = 0
        self.configs = 0

    def add(self, name, op, params, arrays):
        assert all(c["name"] != name for c in self.cases), name
        files = {}
        for role, a in arrays.items():
            a = np.ascontiguousarray(f32(a).astype("<f4"))
            assert np.isfinite(a).all(), (name, role)
            fname = f"{name}.{role}.npy"
            np.save(os.path.join(self.out, fname), a, allow_pickle=False)
            self.bytes += a.nbytes
            files[role] = fname
        self.cases.append({"name": name, "op": op, "params": params, "arrays": files})


def log_uniform(g, n, lo_exp, hi_exp):
    return np.power(10.0, g.uniform(lo_exp, hi_exp, size=n))


def bn_folded_weights(g, out, ipg, kh, kw):
    """Weights after batch-norm folding: per output channel scales log-uniform over 2.5 decades."""
    fan_in = ipg * kh * kw
    W = g.standard_normal((out, ipg, kh, kw)) / np.sqrt(fan_in)
    scale = log_uniform(g, out, -2.0, 0.5)
    W = W * scale[:, None, None, None]
    b = 0.5 * g.standard_normal(out) * np.sqrt(scale)
    return f32(W), f32(b)


def make_input(g, n, c, h, w, signed):
    """NCHW input: signed N(0, 1) with per-channel scales, or ReLU6-like (exact zeros, some 6s)."""
    ch = log_uniform(g, c, -0.5, 0.5)[None, :, None, None]
    if signed:
        x = g.standard_normal((n, c, h, w)) * ch
    else:
        x = np.clip((g.standard_normal((n, c, h, w)) * 2.0 + 0.7) * ch, 0.0, 6.0)
    return f32(x)


class Stats:
    def __init__(self):
        self.lines = []


def run_case(wr, name, op, geo, W, b, x_nhwc, activation, stats, blocks_matter=False):
    """Computes every configuration for one case (conv2d with geo, or linear with geo=None and W [K, N])."""
    arrays = {}
    outs = {}
    bounds = {}
    is_conv = op == "conv2d"
    for dtype in DTYPES:
        xs, _ = store(x_nhwc, dtype)              # activations: blocks of 16 channels of one pixel
        arrays[f"input.{dtype}"] = xs.reshape((1, 1) + xs.shape) if is_conv else xs
        bq = stored_bias(b, dtype)
        if is_conv:
            n, h, w, cin = geo["batch"], geo["input_height"], geo["input_width"], geo["in_channels"]
            kh, kw = geo["kernel"]
            Bcol, _, _ = im2col_tt(xs, n, h, w, cin, kh, kw, geo["stride"], geo["padding"])
            A, _ = store(tt_weight_matrix(W, geo["groups"]), dtype)
            Bcol = f32(Bcol)
        else:
            Bcol = xs
            A, _ = store(W, dtype)                 # [K, N], blocks along N as the caller stores it
        for fid in FIDELITIES:
            for num in NUMERICS:
                key = f"{dtype}.{fid}.{num}"
                dest_bound = None
                if num == "accurate":
                    xa = rne(xs, ACCURATE_ACT_BITS[fid]).astype(np.float64)
                    if is_conv:
                        Wa = accurate_weights(W, geo["groups"], dtype, fid)
                        xt = torch.from_numpy(xa.reshape(n, h, w, cin)).permute(0, 3, 1, 2)
                        xt = F.pad(xt, (geo["padding"][2], geo["padding"][3], geo["padding"][0], geo["padding"][1]))
                        yt = F.conv2d(xt, torch.from_numpy(Wa.astype(np.float64)), None, stride=tuple(geo["stride"]),
                                      groups=geo["groups"])
                        y64 = yt.permute(0, 2, 3, 1).reshape(-1, W.shape[0]).numpy()
                    else:
                        y64 = xa @ rne(A, ACCURATE_WEIGHT_BITS[fid]).astype(np.float64)
                    # accurate convs keep their bias in float32; linear's is the caller's tensor.
                    bias = f32(b) if is_conv else bq
                    y = (y64 + bias.astype(np.float64)[None, :]).astype(np.float32)
                else:
                    chunks, error = tt_chunk_sums(Bcol, A, fid)
                    y, dest_bound = tt_destination(chunks, bq, num == "tt_metal_fp32_dest", error)
                    # A second legitimate float32 order must pass the tests' criteria.
                    alt_chunks, _ = tt_chunk_sums(Bcol, A, fid, order="float32_sequential")
                    alt, _ = tt_destination(alt_chunks, bq, num == "tt_metal_fp32_dest")
                    alt = activate(alt, activation)
                y = activate(y, activation)
                outs[key] = y
                shape4 = (1, 1) + y.shape if is_conv else y.shape
                arrays[f"output.{key}"] = y.reshape(shape4)
                tol = REL_TOL * float(y.max() - y.min())
                if dest_bound is not None:
                    arrays[f"dest_bound.{key}"] = dest_bound.reshape(shape4)
                    loose = float((dest_bound > tol).mean())
                    stats.lines.append(f"{name} {key}: dest_bound > 0 at {(dest_bound > 0).mean() * 100:.2f}%, "
                                       f"> 1e-5 * range at {loose * 100:.2f}%")
                    assert loose <= MAX_LOOSE_FRACTION, (name, key, loose)
                    bounds[key] = dest_bound
                bound = element_bound(y, dest_bound)
                if num != "accurate":
                    ok, msg = criterion(alt, y, dest_bound)
                    assert ok, f"{name} {key}: a float32-sequential order fails the criterion: {msg}"
                    stats.lines.append(f"{name} {key} float32 order: {msg}")
                if dtype == "bfloat8_b":
                    yq, _ = store(y, "bfloat8_b")  # output blocks: 16 consecutive output channels
                    arrays[f"output_bfloat8_b.{key}"] = yq.reshape(shape4)
                    if num != "accurate":
                        altq, _ = store(alt, "bfloat8_b")
                        ok, msg = criterion_bf8(altq, yq, bound, dest_bound)
                        assert ok, f"{name} {key}: bfloat8_b output of a float32-sequential order fails: {msg}"
                        stats.lines.append(f"{name} {key} bfloat8_b output: {msg}")
                wr.configs += 1

    # Self-checks: the settings must be visible, and the criteria must reject the wrong numerics.
    def differ(a, b_):
        return float(np.abs(outs[a].astype(np.float64) - outs[b_]).max())
    for dtype in DTYPES:
        for num in NUMERICS:
            assert differ(f"{dtype}.LoFi.{num}", f"{dtype}.HiFi4.{num}") > 0, (name, dtype, num, "LoFi == HiFi4")
        for fid in FIDELITIES:
            exp_bf = outs[f"{dtype}.{fid}.tt_metal_bf16_dest"]
            ok, msg = criterion(outs[f"{dtype}.{fid}.tt_metal_fp32_dest"], exp_bf, bounds[f"{dtype}.{fid}.tt_metal_bf16_dest"])
            assert not ok, f"{name} {dtype} {fid}: fp32 destination passes the bf16-destination criterion: {msg}"
    # A conv's numerics block the weights differently at every fidelity; linear's blocks are the caller's and
    # a depthwise conv's weights have blocks of their own in both, so there only LoFi differs (rne vs trunc
    # at 5 bits; bfloat8_b's 7 bits pass HiFi2-4 unchanged in both).
    depthwise = is_conv and geo["groups"] > 1 and W.shape[1] == 1 and geo["groups"] == W.shape[0]
    for fid in FIDELITIES if is_conv and not depthwise else ["LoFi"]:
        acc, tt = f"bfloat8_b.{fid}.accurate", f"bfloat8_b.{fid}.tt_metal_fp32_dest"
        assert not criterion(outs[acc], outs[tt])[0], (name, fid, "accurate passes tt_metal")
        assert not criterion(outs[tt], outs[acc])[0], (name, fid, "tt_metal passes accurate")
    # Block orientation: with spread per-channel scales, accurate (blocks along the reduction) is closer to
    # the float32 result than tt_metal (blocks along the output channels), except where tt_metal's blocks
    # hold one weight (depthwise) and in the stem, whose 3 channels make most blocks span several taps.
    ref = outs["float32.HiFi4.accurate"].astype(np.float64)
    err_acc = np.abs(outs["bfloat8_b.HiFi4.accurate"] - ref).mean()
    err_tt = np.abs(outs["bfloat8_b.HiFi4.tt_metal_fp32_dest"] - ref).mean()
    stats.lines.append(f"{name} bfloat8_b HiFi4 mean error vs float32: accurate {err_acc:.3g}, tt_metal {err_tt:.3g}")
    if blocks_matter:
        assert err_tt > 1.5 * err_acc, (name, err_acc, err_tt)
    return arrays


def add_conv(wr, stats, name, kind, *, cin, cout, h, w, k, s, p, groups, activation, signed, batch=1,
             pad_channels_to=None):
    g = np.random.default_rng(zlib.crc32(name.encode()) & 0x7FFFFFFF)
    if pad_channels_to:
        # The same stem data as the 3-channel case, zero-padded to pad_channels_to input channels.
        g = np.random.default_rng(zlib.crc32(pad_channels_to[1].encode()) & 0x7FFFFFFF)
    ipg = cin // groups
    W, b = bn_folded_weights(g, cout, ipg, k, k)
    x = make_input(g, batch, cin, h, w, signed)
    if pad_channels_to:
        c16 = pad_channels_to[0]
        W = f32(np.concatenate([W, np.zeros((cout, c16 - cin, k, k), np.float32)], axis=1))
        x = f32(np.concatenate([x, np.zeros((batch, c16 - cin, h, w), np.float32)], axis=1))
        cin = ipg = c16
    oh = (h + 2 * p - k) // s + 1
    ow = (w + 2 * p - k) // s + 1
    geo = {"kind": kind, "batch": batch, "in_channels": cin, "out_channels": cout, "input_height": h,
           "input_width": w, "kernel": [k, k], "stride": [s, s], "padding": [p, p, p, p], "dilation": [1, 1],
           "groups": groups, "output_height": oh, "output_width": ow, "activation": activation,
           "has_bias": True}
    x_nhwc = f32(x.transpose(0, 2, 3, 1).reshape(batch * h * w, cin))

    # The im2col path must agree with torch's conv (exact float64 products and sums, no rounding anywhere).
    col, _, _ = im2col_tt(x_nhwc, batch, h, w, cin, k, k, [s, s], [p] * 4)
    mine = col @ tt_weight_matrix(W, groups).astype(np.float64)
    ref = F.conv2d(torch.from_numpy(x.astype(np.float64)), torch.from_numpy(W.astype(np.float64)), None,
                   stride=s, padding=p, groups=groups).permute(0, 2, 3, 1).reshape(-1, cout).numpy()
    assert np.abs(mine - ref).max() <= 1e-12 * max(1.0, np.abs(ref).max()), name

    arrays = run_case(wr, name, "conv2d", geo, W, b, x_nhwc, activation, stats,
                      blocks_matter=kind in ("expand", "project", "head"))
    arrays["weight"] = W
    arrays["bias"] = b
    wr.add(name, "conv2d", geo, arrays)


def add_linear(wr, stats, name, m, k, n):
    g = np.random.default_rng(zlib.crc32(name.encode()) & 0x7FFFFFFF)
    # A classifier after global pooling of ReLU6 activations: non-negative inputs, per-output scales.
    x = f32(np.clip(g.standard_normal((m, k)) * 1.5 + 1.0, 0.0, 6.0) * log_uniform(g, k, -0.5, 0.5)[None, :])
    scale = log_uniform(g, n, -2.0, 0.5)
    Wt = f32(g.standard_normal((k, n)) / np.sqrt(k) * scale[None, :])
    b = f32(0.3 * g.standard_normal(n))
    params = {"M": m, "K": k, "N": n, "activation": "", "has_bias": True}
    arrays = run_case(wr, name, "linear", None, Wt, b, x, "", stats)
    arrays["weight_t"] = Wt
    arrays["bias"] = b
    wr.add(name, "linear", params, arrays)


# The C++ test lists these names (tests/ops/conv2d_numerics_test.cpp, kCases): keep both in step.
def generate(wr, stats):
    stem = "conv_stem_3to32_k3s2p1_16x16"
    add_conv(wr, stats, stem, "stem", cin=3, cout=32, h=16, w=16, k=3, s=2, p=1, groups=1,
             activation="relu6", signed=True)
    add_conv(wr, stats, "conv_stem_padded_16to32_k3s2p1_16x16", "stem_padded", cin=3, cout=32, h=16, w=16, k=3,
             s=2, p=1, groups=1, activation="relu6", signed=True, pad_channels_to=(16, stem))
    add_conv(wr, stats, "conv_expand_24to144_k1_10x10", "expand", cin=24, cout=144, h=10, w=10, k=1, s=1, p=0,
             groups=1, activation="relu6", signed=True)
    add_conv(wr, stats, "conv_depthwise_144_k3s1p1_10x10", "depthwise", cin=144, cout=144, h=10, w=10, k=3, s=1,
             p=1, groups=144, activation="relu6", signed=False)
    add_conv(wr, stats, "conv_depthwise_96_k3s2p1_11x11", "depthwise", cin=96, cout=96, h=11, w=11, k=3, s=2,
             p=1, groups=96, activation="relu6", signed=False)
    add_conv(wr, stats, "conv_project_144to24_k1_10x10", "project", cin=144, cout=24, h=10, w=10, k=1, s=1, p=0,
             groups=1, activation="", signed=False)
    add_conv(wr, stats, "conv_head_320to1280_k1_4x4", "head", cin=320, cout=1280, h=4, w=4, k=1, s=1, p=0,
             groups=1, activation="relu6", signed=False)
    # in/groups 8: accurate blocks are one tap's 16 channels (8 used); in/groups 4: blocks run across taps.
    add_conv(wr, stats, "conv_grouped_32to32_g4_k3s1p1_8x8", "grouped", cin=32, cout=32, h=8, w=8, k=3, s=1, p=1,
             groups=4, activation="", signed=False)
    add_conv(wr, stats, "conv_grouped_32to32_g8_k3s1p1_8x8", "grouped", cin=32, cout=32, h=8, w=8, k=3, s=1, p=1,
             groups=8, activation="", signed=False)
    add_linear(wr, stats, "linear_1280to1000_m2", 2, 1280, 1000)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output directory (created; must not hold COMPLETE)")
    ap.add_argument("--verbose", action="store_true", help="print the criterion margins per configuration")
    args = ap.parse_args(argv)
    out = args.out
    os.makedirs(out, exist_ok=True)
    complete = os.path.join(out, "COMPLETE")
    if os.path.exists(complete):
        os.remove(complete)
    torch.set_num_threads(1)
    start = time.time()
    self_test_formats()
    wr = Writer(out)
    stats = Stats()
    generate(wr, stats)
    if args.verbose:
        print("\n".join(stats.lines), file=sys.stderr)
    manifest = {"generator_version": GENERATOR_VERSION, "numpy_version": np.__version__,
                "torch_version": torch.__version__, "dtypes": DTYPES, "fidelities": FIDELITIES,
                "numerics": NUMERICS, "cases": wr.cases}
    tmp = os.path.join(out, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(out, "manifest.json"))
    with open(complete, "w") as f:
        f.write(f"{len(wr.cases)} cases, {wr.configs} configurations, {wr.bytes} bytes of array data\n")
    print(f"numerics_oracle.py: {len(wr.cases)} cases, {wr.configs} configurations, {wr.bytes / 1e6:.1f} MB "
          f"in {time.time() - start:.1f} s -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
