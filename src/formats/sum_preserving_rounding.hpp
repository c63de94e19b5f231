// Rounding a weight vector without losing its sum.
//
// Rounded to nearest one by one, the weights of an output channel lose their sum by a random walk of
// rounding errors, and a smooth input (neighbouring pixels of a depthwise conv's 3x3 window) sees exactly
// that sum: after batch-norm folding a depthwise channel's taps can be large and nearly cancel, so its
// output error is many times the weights' own. Rounding each weight to one of its
// two neighbours on the stored grid (never further than a grid step) but choosing them so the row's total
// error is close to zero keeps the storage and removes that error. NUMERICS.md ("accurate", step 2) gives
// the rule exactly; on trained MobileNetV2 weights it takes bfloat16 + HiFi4 from PCC 0.9998 to 0.9999+.
// Dense convs keep nearest rounding: their reductions run across unlike channels (NUMERICS.md).
#pragma once

#include <span>

namespace ttnn::formats {

// The other neighbour of `raw` on the grid of `bits`-significant-bit floats: the grid value on the far side
// of `raw` from `rounded`, which must be one of raw's two neighbours. Returns `rounded` when `raw` is on
// the grid or `rounded` is not one of its neighbours (zero from a subnormal, Inf).
float other_float_neighbour(float raw, float rounded, int bits);

// Per row of `row_length` values: starting from `rounded`, moves values to their neighbour in `other`, the
// cheapest first (least added error, then lowest index), each only if it brings the row's total rounding
// error sum(rounded - raw) strictly closer to zero. Sums run in double, in index order, so the result is
// deterministic (the oracle reproduces it bit for bit).
void keep_row_sums(std::span<const float> raw, std::span<float> rounded, std::span<const float> other,
                   size_t row_length);

}  // namespace ttnn::formats
