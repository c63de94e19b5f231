// Significand truncation / rounding used to model the multiplier's math fidelity.
#include "formats/fidelity.hpp"

#include <algorithm>
#include <bit>

namespace ttnn::formats {
namespace {

constexpr uint32_t kSignMask = 0x80000000u;
constexpr uint32_t kExponentMask = 0x7F800000u;

// Bits of the 23-bit stored mantissa that `bits` significant bits (hidden bit included) drop.
int dropped_bits(int bits) { return 24 - std::clamp(bits, 1, 24); }

}  // namespace

float truncate_significand(float value, int bits) {
  const uint32_t u = std::bit_cast<uint32_t>(value);
  const uint32_t exponent = u & kExponentMask;
  if (exponent == kExponentMask) return value;                      // Inf, NaN: unchanged
  if (exponent == 0) return std::bit_cast<float>(u & kSignMask);    // zero, subnormal -> signed zero
  const int drop = dropped_bits(bits);
  // Clearing low mantissa bits of sign-magnitude is truncation toward zero.
  return std::bit_cast<float>(u & ~((1u << drop) - 1u));
}

void truncate_significand(std::span<float> values, int bits) {
  const uint32_t keep = ~((1u << dropped_bits(bits)) - 1u);
  // The scalar rule as selects, so the compiler vectorises the loop.
  for (float& value : values) {
    const uint32_t u = std::bit_cast<uint32_t>(value);
    const uint32_t exponent = u & kExponentMask;
    const uint32_t truncated = exponent == 0 ? (u & kSignMask) : (u & keep);
    value = std::bit_cast<float>(exponent == kExponentMask ? u : truncated);
  }
}

float round_significand(float value, int bits) {
  const uint32_t u = std::bit_cast<uint32_t>(value);
  const uint32_t exponent = u & kExponentMask;
  if (exponent == kExponentMask) return value;
  if (exponent == 0) return std::bit_cast<float>(u & kSignMask);
  const int drop = dropped_bits(bits);
  if (drop == 0) return value;
  // Same trick as bfloat16: add just under half, plus the kept LSB so ties go to even. A carry out of
  // the mantissa bumps the exponent (leaving a zero mantissa), and past the largest exponent gives Inf.
  const uint32_t half_minus_one = (1u << (drop - 1)) - 1u;
  const uint32_t rounded = u + half_minus_one + ((u >> drop) & 1u);
  return std::bit_cast<float>(rounded & ~((1u << drop) - 1u));
}

void round_significand(std::span<float> values, int bits) {
  const int drop = dropped_bits(bits);
  if (drop == 0) return;
  const uint32_t keep = ~((1u << drop) - 1u), half_minus_one = (1u << (drop - 1)) - 1u;
  for (float& value : values) {  // the scalar rule as selects, vectorised by the compiler
    const uint32_t u = std::bit_cast<uint32_t>(value);
    const uint32_t exponent = u & kExponentMask;
    const uint32_t rounded = (u + half_minus_one + ((u >> drop) & 1u)) & keep;
    const uint32_t result = exponent == 0 ? (u & kSignMask) : rounded;
    value = std::bit_cast<float>(exponent == kExponentMask ? u : result);
  }
}

}  // namespace ttnn::formats
