// bfloat16: the top 16 bits of an IEEE float32, rounded to nearest, ties to even.
#pragma once

#include <bit>
#include <cstdint>
#include <span>

namespace ttnn::formats {

// Round to nearest even; NaN stays NaN (quiet, sign kept); +-Inf stays +-Inf; values that round past
// the largest finite bfloat16 become +-Inf, as IEEE rounding does.
uint16_t float_to_bfloat16(float value);
float bfloat16_to_float(uint16_t bits);
// `value` rounded to bfloat16 and back; inline and branch-free, so loops over it vectorise.
inline float round_to_bfloat16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint32_t rounded = ((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16) << 16;
  const uint32_t quiet_nan = ((bits >> 16) | 0x0040u) << 16;  // as float_to_bfloat16 keeps NaNs
  return std::bit_cast<float>((bits & 0x7FFFFFFFu) > 0x7F800000u ? quiet_nan : rounded);
}

void float_to_bfloat16(std::span<const float> in, std::span<uint16_t> out);
void bfloat16_to_float(std::span<const uint16_t> in, std::span<float> out);

}  // namespace ttnn::formats
