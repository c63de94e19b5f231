// Significand truncation/rounding: expected bit patterns worked out by hand.
#include "formats/fidelity.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

namespace ttnn::formats {
namespace {

float f(uint32_t bits) { return std::bit_cast<float>(bits); }
uint32_t u(float value) { return std::bit_cast<uint32_t>(value); }

uint32_t trunc_bits(uint32_t bits, int n) { return u(truncate_significand(f(bits), n)); }
uint32_t round_bits(uint32_t bits, int n) { return u(round_significand(f(bits), n)); }

// pi = 0x40490FDB, mantissa 100 1001 0000 1111 1101 1011 (23 bits) after the hidden 1.
constexpr uint32_t kPi = 0x40490FDB;

TEST(Fidelity, TruncatePi) {
  EXPECT_EQ(trunc_bits(kPi, 5), 0x40480000u);   // keep 4 mantissa bits 1001 -> 3.125
  EXPECT_EQ(trunc_bits(kPi, 7), 0x40480000u);   // 100100 -> 3.125
  EXPECT_EQ(trunc_bits(kPi, 8), 0x40490000u);   // 1001001 -> 3.140625
  EXPECT_EQ(trunc_bits(kPi, 9), 0x40490000u);   // 10010010
  EXPECT_EQ(trunc_bits(kPi, 13), 0x40490800u);  // low 11 bits (0x7DB) cleared
  EXPECT_EQ(trunc_bits(kPi, 24), kPi);
  EXPECT_EQ(truncate_significand(f(kPi), 8), 3.140625f);
}

TEST(Fidelity, RoundPi) {
  EXPECT_EQ(round_bits(kPi, 5), 0x40480000u);   // dropped 0x10FDB < half 0x40000: down
  EXPECT_EQ(round_bits(kPi, 7), 0x404A0000u);   // dropped 0x10FDB > half 0x10000: up -> 3.15625
  EXPECT_EQ(round_bits(kPi, 8), 0x40490000u);   // dropped 0x0FDB < 0x8000
  EXPECT_EQ(round_bits(kPi, 9), 0x40490000u);   // dropped 0x0FDB < 0x4000
  EXPECT_EQ(round_bits(kPi, 13), 0x40491000u);  // dropped 0x7DB > 0x400: 0x490800 + 0x800
  EXPECT_EQ(round_bits(kPi, 24), kPi);
}

TEST(Fidelity, TruncationIsTowardZeroForNegatives) {
  EXPECT_EQ(trunc_bits(kPi | 0x80000000u, 5), 0xC0480000u);  // -3.125
  EXPECT_EQ(trunc_bits(0xBFFFFFFF, 8), 0xBFFF0000u);          // -1.9999999 -> -1.9921875
}

TEST(Fidelity, RoundCarriesIntoTheExponent) {
  EXPECT_EQ(round_bits(0x3FFFFFFF, 8), 0x40000000u);   // 1.9999999 -> 2.0
  EXPECT_EQ(round_bits(0xBFFFFFFF, 5), 0xC0000000u);   // -1.9999999 -> -2.0
  EXPECT_EQ(round_bits(0x3F7FFFFF, 13), 0x3F800000u);  // 0.99999994 -> 1.0
  EXPECT_EQ(trunc_bits(0x3F7FFFFF, 13), 0x3F7FF800u);
  EXPECT_EQ(round_bits(0x3FFFFFFF, 24), 0x3FFFFFFFu);
}

TEST(Fidelity, RoundOverflowGivesInfinity) {
  EXPECT_EQ(round_bits(0x7F7FFFFF, 8), 0x7F800000u);  // FLT_MAX
  EXPECT_EQ(round_bits(0xFF7FFFFF, 9), 0xFF800000u);
  EXPECT_EQ(trunc_bits(0x7F7FFFFF, 8), 0x7F7F0000u);  // truncation never overflows
}

TEST(Fidelity, TiesGoToEven) {
  // 5 bits: half of the dropped 19 bits is 0x40000.
  EXPECT_EQ(round_bits(0x3F840000, 5), 0x3F800000u);  // 1.00001b: kept 1.0000 even -> 1.0
  EXPECT_EQ(round_bits(0x3F8C0000, 5), 0x3F900000u);  // 1.00011b: kept 1.0001 odd -> 1.125
  EXPECT_EQ(round_bits(0xBF8C0000, 5), 0xBF900000u);  // negative tie, same magnitude
  // 7 bits: half is 0x10000.
  EXPECT_EQ(round_bits(0x3F810000, 7), 0x3F800000u);
  EXPECT_EQ(round_bits(0x3F830000, 7), 0x3F840000u);
  // 8 bits: half is 0x8000 (same as bfloat16).
  EXPECT_EQ(round_bits(0x3F808000, 8), 0x3F800000u);
  EXPECT_EQ(round_bits(0x3F818000, 8), 0x3F820000u);
  // 9 bits: half is 0x4000.
  EXPECT_EQ(round_bits(0x3F804000, 9), 0x3F800000u);
  EXPECT_EQ(round_bits(0x3F80C000, 9), 0x3F810000u);
  // 13 bits: half is 0x400.
  EXPECT_EQ(round_bits(0x3F800400, 13), 0x3F800000u);
  EXPECT_EQ(round_bits(0x3F800C00, 13), 0x3F801000u);
  // Tie whose round-up carries into the exponent: 1.1111 kept (odd), dropped 1 -> 10.0000b = 2.0.
  EXPECT_EQ(round_bits(0x3FFC0000, 5), 0x40000000u);
}

TEST(Fidelity, ZeroInfNanUnchanged) {
  for (int n : {5, 7, 8, 9, 13, 24}) {
    for (uint32_t bits : {0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00001u, 0xFF812345u}) {
      EXPECT_EQ(trunc_bits(bits, n), bits) << n;
      EXPECT_EQ(round_bits(bits, n), bits) << n;
    }
  }
}

TEST(Fidelity, SubnormalsBecomeSignedZero) {
  for (int n : {5, 8, 24}) {
    EXPECT_EQ(trunc_bits(0x00400000, n), 0x00000000u);
    EXPECT_EQ(round_bits(0x00400000, n), 0x00000000u);
    EXPECT_EQ(round_bits(0x807FFFFF, n), 0x80000000u);  // would round to the smallest normal if kept
    EXPECT_EQ(trunc_bits(0x80000001, n), 0x80000000u);
  }
  // The smallest normal is kept.
  EXPECT_EQ(round_bits(0x00800000, 5), 0x00800000u);
}

TEST(Fidelity, OneBitKeepsOnlyThePowerOfTwo) {
  EXPECT_EQ(trunc_bits(0x3FE00000, 1), 0x3F800000u);  // 1.75 -> 1
  EXPECT_EQ(round_bits(0x3FE00000, 1), 0x40000000u);  // 1.75 -> 2 (above half)
  EXPECT_EQ(round_bits(0x3FA00000, 1), 0x3F800000u);  // 1.25 -> 1 (below half)
}

}  // namespace
}  // namespace ttnn::formats

namespace ttnn::formats {
namespace {

TEST(Fidelity, SpanTruncationEqualsTheScalarRuleOnEveryKindOfValue) {
  std::vector<float> values;
  for (uint32_t bits : {0x00000000u, 0x80000000u, 0x00000001u, 0x807FFFFFu, 0x00800000u, 0x3F800001u, 0xBFFFFFFFu,
                        0x7F7FFFFFu, 0x7F800000u, 0xFF800000u, 0x7FC00001u, 0x40490FDBu, 0xC2F6E979u})
    values.push_back(std::bit_cast<float>(bits));
  for (uint32_t i = 0; i < 1000; ++i) values.push_back(std::bit_cast<float>(i * 2654435761u));
  for (int bits : {1, 5, 7, 8, 13, 24}) {
    std::vector<float> span_result = values;
    truncate_significand(span_result, bits);
    for (size_t i = 0; i < values.size(); ++i)
      ASSERT_EQ(std::bit_cast<uint32_t>(span_result[i]), std::bit_cast<uint32_t>(truncate_significand(values[i], bits)))
          << "bits=" << bits << " value bits=" << std::hex << std::bit_cast<uint32_t>(values[i]);
  }
}

}  // namespace
}  // namespace ttnn::formats
