// bfloat16: the top 16 bits of an IEEE float32, rounded to nearest, ties to even.
#pragma once

#include <cstdint>
#include <span>

namespace ttnn::formats {

// Round to nearest even; NaN stays NaN (quiet, sign kept); +-Inf stays +-Inf; values that round past
// the largest finite bfloat16 become +-Inf, as IEEE rounding does.
uint16_t float_to_bfloat16(float value);
float bfloat16_to_float(uint16_t bits);
// `value` rounded to bfloat16 and back.
float round_to_bfloat16(float value);

void float_to_bfloat16(std::span<const float> in, std::span<uint16_t> out);
void bfloat16_to_float(std::span<const uint16_t> in, std::span<float> out);

}  // namespace ttnn::formats
