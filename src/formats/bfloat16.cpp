// bfloat16 <-> float32 conversion (round to nearest, ties to even).
#include "formats/bfloat16.hpp"

#include <bit>
#include <cassert>
#include <cstddef>

namespace ttnn::formats {

uint16_t float_to_bfloat16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
    // NaN: rounding could carry the payload into Inf (or drop it entirely); keep the sign and the top
    // payload bits and force the quiet bit so the result is always a quiet NaN.
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  }
  // Adding 0x7FFF rounds up anything above half; adding the kept LSB too makes a tie round up only
  // when the kept part is odd (ties to even). A carry ripples into the exponent naturally, so the
  // largest finite values round to Inf exactly as IEEE rounding does, and Inf stays Inf.
  const uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

float bfloat16_to_float(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

void float_to_bfloat16(std::span<const float> in, std::span<uint16_t> out) {
  assert(out.size() >= in.size());
  // The scalar rule above, written as selects so the compiler vectorises the loop.
  for (size_t i = 0; i < in.size(); ++i) {
    const uint32_t bits = std::bit_cast<uint32_t>(in[i]);
    const uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    const uint32_t nan = (bits >> 16) | 0x0040u;
    out[i] = static_cast<uint16_t>((bits & 0x7FFFFFFFu) > 0x7F800000u ? nan : rounded);
  }
}

void bfloat16_to_float(std::span<const uint16_t> in, std::span<float> out) {
  assert(out.size() >= in.size());
  for (size_t i = 0; i < in.size(); ++i) out[i] = bfloat16_to_float(in[i]);
}

}  // namespace ttnn::formats
