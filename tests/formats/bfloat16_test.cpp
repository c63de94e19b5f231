// bfloat16 conversion: bit patterns worked out by hand from the float32 encodings.
#include "formats/bfloat16.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

namespace ttnn::formats {
namespace {

float f(uint32_t bits) { return std::bit_cast<float>(bits); }
uint32_t u(float value) { return std::bit_cast<uint32_t>(value); }

TEST(Bfloat16, ExactValuesKeepTheirTopHalf) {
  EXPECT_EQ(float_to_bfloat16(1.0f), 0x3F80);    // 0x3F800000
  EXPECT_EQ(float_to_bfloat16(-1.0f), 0xBF80);   // 0xBF800000
  EXPECT_EQ(float_to_bfloat16(2.5f), 0x4020);    // 0x40200000
  EXPECT_EQ(float_to_bfloat16(0.0f), 0x0000);
  EXPECT_EQ(float_to_bfloat16(-0.0f), 0x8000);   // sign of zero kept
}

TEST(Bfloat16, RoundsToNearest) {
  // pi = 0x40490FDB: the dropped half 0x0FDB is below 0x8000, so round down.
  EXPECT_EQ(float_to_bfloat16(f(0x40490FDB)), 0x4049);
  EXPECT_EQ(float_to_bfloat16(f(0x3F807FFF)), 0x3F80);  // just below half: down
  EXPECT_EQ(float_to_bfloat16(f(0x3F808001)), 0x3F81);  // just above half: up
  EXPECT_EQ(float_to_bfloat16(f(0xBF808001)), 0xBF81);  // negative: magnitude rounds the same way
}

TEST(Bfloat16, TiesGoToEvenBothWays) {
  EXPECT_EQ(float_to_bfloat16(f(0x3F808000)), 0x3F80);  // kept 0x3F80 even: tie stays
  EXPECT_EQ(float_to_bfloat16(f(0x3F818000)), 0x3F82);  // kept 0x3F81 odd: tie goes up
  EXPECT_EQ(float_to_bfloat16(f(0xBF808000)), 0xBF80);
  EXPECT_EQ(float_to_bfloat16(f(0xBF818000)), 0xBF82);
  // Tie whose round-up carries out of the mantissa into the exponent: 0x3FFF8000 -> 0x4000 (2.0).
  EXPECT_EQ(float_to_bfloat16(f(0x3FFF8000)), 0x4000);
}

TEST(Bfloat16, OverflowGoesToInfinity) {
  EXPECT_EQ(float_to_bfloat16(f(0x7F7F7FFF)), 0x7F7F);  // stays the largest finite bfloat16
  EXPECT_EQ(float_to_bfloat16(f(0x7F7F8000)), 0x7F80);  // tie, kept 0x7F7F odd -> up -> +Inf
  EXPECT_EQ(float_to_bfloat16(f(0x7F7FFFFF)), 0x7F80);  // FLT_MAX -> +Inf
  EXPECT_EQ(float_to_bfloat16(f(0xFF7FFFFF)), 0xFF80);  // -FLT_MAX -> -Inf
  EXPECT_EQ(float_to_bfloat16(std::numeric_limits<float>::infinity()), 0x7F80);
  EXPECT_EQ(float_to_bfloat16(-std::numeric_limits<float>::infinity()), 0xFF80);
}

TEST(Bfloat16, NanStaysQuietNanWithSign) {
  EXPECT_EQ(float_to_bfloat16(f(0x7FC00000)), 0x7FC0);
  EXPECT_EQ(float_to_bfloat16(f(0xFFC00000)), 0xFFC0);
  // Signalling NaN whose payload is only in the dropped half: truncation alone would give Inf.
  EXPECT_EQ(float_to_bfloat16(f(0x7F800001)), 0x7FC0);
  EXPECT_EQ(float_to_bfloat16(f(0xFF800001)), 0xFFC0);
  // All-ones payload: rounding up would carry past the exponent; top payload bits are kept instead.
  EXPECT_EQ(float_to_bfloat16(f(0x7FFFFFFF)), 0x7FFF);
}

TEST(Bfloat16, SubnormalsRoundLikeAnyOtherBits) {
  EXPECT_EQ(float_to_bfloat16(f(0x00008000)), 0x0000);  // tie, kept 0 even
  EXPECT_EQ(float_to_bfloat16(f(0x00018000)), 0x0002);  // tie, kept 1 odd
  EXPECT_EQ(float_to_bfloat16(f(0x007FFFFF)), 0x0080);  // largest subnormal rounds to the smallest normal
  EXPECT_EQ(float_to_bfloat16(f(0x80008001)), 0x8001);  // negative, above half
}

TEST(Bfloat16, ToFloatPlacesBitsHigh) {
  EXPECT_EQ(u(bfloat16_to_float(0x3F80)), 0x3F800000u);
  EXPECT_EQ(u(bfloat16_to_float(0x4049)), 0x40490000u);  // 3.140625
  EXPECT_EQ(bfloat16_to_float(0x4049), 3.140625f);
  EXPECT_EQ(u(bfloat16_to_float(0x8000)), 0x80000000u);
  EXPECT_EQ(u(bfloat16_to_float(0xFF80)), 0xFF800000u);
  EXPECT_EQ(u(bfloat16_to_float(0x0001)), 0x00010000u);  // a float32 subnormal
}

TEST(Bfloat16, RoundTripHelper) {
  EXPECT_EQ(u(round_to_bfloat16(f(0x3F808008))), 0x3F810000u);  // 1.0078125
  EXPECT_EQ(u(round_to_bfloat16(f(0x3F808000))), 0x3F800000u);
  EXPECT_EQ(u(round_to_bfloat16(-0.0f)), 0x80000000u);
  // The inline helper is the conversion there and back for every kind of value (NaN payloads, Inf, carries).
  for (uint64_t bits = 0; bits <= 0xFFFFFFFFu; bits += 0x10001) {
    const float value = f(uint32_t(bits));
    EXPECT_EQ(u(round_to_bfloat16(value)), u(bfloat16_to_float(float_to_bfloat16(value)))) << std::hex << bits;
  }
}

TEST(Bfloat16, EveryBfloat16RoundTripsExactly) {
  for (uint32_t b = 0; b <= 0xFFFF; ++b) {
    const uint16_t bits = static_cast<uint16_t>(b);
    const bool nan = (bits & 0x7F80) == 0x7F80 && (bits & 0x7F) != 0;
    const uint16_t back = float_to_bfloat16(bfloat16_to_float(bits));
    if (nan) {
      EXPECT_EQ(back, bits | 0x0040) << b;  // quieted, payload and sign kept
    } else {
      ASSERT_EQ(back, bits) << b;
    }
  }
}

TEST(Bfloat16, SpanOverloads) {
  const std::vector<float> in = {1.0f, f(0x3F818000), -0.0f, f(0x7F7FFFFF)};
  std::vector<uint16_t> bf(in.size());
  float_to_bfloat16(in, bf);
  EXPECT_EQ(bf, (std::vector<uint16_t>{0x3F80, 0x3F82, 0x8000, 0x7F80}));
  std::vector<float> back(bf.size());
  bfloat16_to_float(bf, back);
  EXPECT_EQ(u(back[0]), 0x3F800000u);
  EXPECT_EQ(u(back[1]), 0x3F820000u);
  EXPECT_EQ(u(back[2]), 0x80000000u);
  EXPECT_EQ(u(back[3]), 0x7F800000u);
}

}  // namespace
}  // namespace ttnn::formats
