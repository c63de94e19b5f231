// The reference kernels' epilogue: the clamp (std::max then std::min: a NaN passes, -0 stays -0), then the
// bfloat16 rounding of a value kept as bfloat16 stores it (kernels.hpp).
#pragma once

#include <algorithm>
#include <cmath>

#include "formats/bfloat16.hpp"

namespace ttnn::kernels {

// vdpbf16ps reads subnormal inputs as zero and flushes subnormal results to zero, keeping the sign: the
// bfloat16 products' rule (GemmBf16Args, DwconvArgs::bf16_pairs).
inline float flush(float value) { return std::fpclassify(value) == FP_SUBNORMAL ? std::copysign(0.0f, value) : value; }

inline float finish_output(float value, float clamp_min, float clamp_max, bool round_to_bf16) {
  const float clamped = std::min(std::max(value, clamp_min), clamp_max);
  return round_to_bf16 ? formats::round_to_bfloat16(clamped) : clamped;
}

}  // namespace ttnn::kernels
