// The reference kernels' epilogue: the clamp (std::max then std::min: a NaN passes, -0 stays -0), then the
// bfloat16 rounding of a value kept as bfloat16 stores it, then a reader's cut (kernels.hpp).
#pragma once

#include <algorithm>

#include "formats/bfloat16.hpp"
#include "formats/fidelity.hpp"

namespace ttnn::kernels {

inline float finish_output(float value, float clamp_min, float clamp_max, bool round_to_bf16, int cut_bits) {
  const float clamped = std::min(std::max(value, clamp_min), clamp_max);
  const float stored = round_to_bf16 ? formats::round_to_bfloat16(clamped) : clamped;
  // A cut of 24 bits or more drops nothing and is no cut (subnormals kept), as in the SIMD tiers.
  return cut_bits > 0 && cut_bits < 24 ? formats::round_significand(stored, cut_bits) : stored;
}

}  // namespace ttnn::kernels
