// bfloat8_b / bfloat4_b: exponent bytes and codes worked out by hand from the float32 bit patterns.
//
// Reminder of the arithmetic used in the comments: with row exponent E and a value's own exponent field
// e, the code magnitude is the 24-bit significand >> (E - e + 24 - bits), rounded to nearest even;
// bfp8 (bits 7) decodes as m * 2^(E-133), bfp4 (bits 3) as m * 2^(E-129).
#include "formats/block_float.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "formats/tilize.hpp"

namespace ttnn::formats {
namespace {

using Block = std::array<float, kBlockSize>;
using Codes = std::array<uint8_t, kBlockSize>;

float f(uint32_t bits) { return std::bit_cast<float>(bits); }
uint32_t u(float value) { return std::bit_cast<uint32_t>(value); }
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

EncodedBlock encode(const Block& values, BlockFloat format) {
  return encode_block(std::span<const float, kBlockSize>(values), format);
}

Block decode(const EncodedBlock& block, BlockFloat format) {
  Block out{};
  decode_block(block, format, std::span<float, kBlockSize>(out));
  return out;
}

void expect_codes(const EncodedBlock& block, uint8_t exponent, const Codes& codes) {
  EXPECT_EQ(block.exponent, exponent);
  for (size_t i = 0; i < kBlockSize; ++i) EXPECT_EQ(block.codes[i], codes[i]) << "value " << i;
}

TEST(BlockFloat, Sizes) {
  EXPECT_EQ(tile_bytes(BlockFloat::bfp8), 1088u);  // 64 + 1024
  EXPECT_EQ(tile_bytes(BlockFloat::bfp4), 576u);   // 64 + 512
  EXPECT_EQ(magnitude_bits(BlockFloat::bfp8), 7);
  EXPECT_EQ(magnitude_bits(BlockFloat::bfp4), 3);
}

// Row max |-3.99..| has exponent field 128 = 0x80, so m = |v| * 32.
TEST(Bfp8, MixedMagnitudeRow) {
  const Block row = {1.0f, 0.5f, 0.25f, -3.0f, 2.0f, 1.5f,
                     0.1f,         // 0x3DCCCCCD: 0xCCCCCD >> 22 = 3, rest 0x0CCCCD < half
                     0.0f, -0.0f,  // zeros: code 0 whatever the sign
                     3.96875f,     // 127/32 exactly
                     3.984375f,    // 0x407F0000: 0xFF0000 >> 17 = 127, rest = half, odd -> 128 -> saturate 127
                     f(0xC07FFFFF),  // -3.9999998: 127 + above half -> 128 -> saturate, sign kept
                     1.015625f,    // 0x3F820000: 0x820000 >> 18 = 32, rest = half, even -> 32
                     1.046875f,    // 0x3F860000: 33, rest = half, odd -> 34
                     f(0x3F820001),  // 32 + just above half -> 33
                     -0.75f};      // 24 | sign
  const EncodedBlock block = encode(row, BlockFloat::bfp8);
  expect_codes(block, 0x80,
               {0x20, 0x10, 0x08, 0xE0, 0x40, 0x30, 0x03, 0x00, 0x00, 0x7F, 0x7F, 0xFF, 0x20, 0x22, 0x21, 0x98});

  const Block back = decode(block, BlockFloat::bfp8);
  EXPECT_EQ(back[0], 1.0f);
  EXPECT_EQ(back[3], -3.0f);
  EXPECT_EQ(back[6], 0.09375f);  // 3/32
  EXPECT_EQ(u(back[8]), 0u);     // -0.0 came back as +0
  EXPECT_EQ(back[10], 3.96875f);
  EXPECT_EQ(back[11], -3.96875f);
  EXPECT_EQ(back[13], 1.0625f);  // 34/32
  EXPECT_EQ(back[15], -0.75f);
}

// Row max 1.0 (field 127 = 0x7F): m = |v| * 64, so 2^-7 is half a step (7 binades below the max).
TEST(Bfp8, SevenAndEightBinadesBelowTheMax) {
  const Block row = {1.0f,
                     f(0x3C000000),  // 2^-7: exactly half -> even -> 0
                     f(0x3C400000),  // 1.5 * 2^-7: 0.75 -> 1
                     f(0x3C000001),  // just above 2^-7: above half -> 1
                     f(0xBC000000),  // -2^-7: 0, sign forced to 0
                     f(0xBC400000),  // -1.5 * 2^-7: 1 with sign
                     f(0x3BFFFFFF),  // just below 2^-7 (8 binades below): 0
                     f(0x3B800000),  // 2^-8: 0
                     f(0x3C800000),  // 2^-6: exactly 1
                     f(0x3CC00000),  // 1.5 * 2^-6: 1.5, tie, odd -> 2
                     f(0x3CA00000),  // 1.25 * 2^-6: 1
                     f(0x3D200000),  // 1.25 * 2^-5: 2.5, tie, even -> 2
                     f(0x0D800000),  // 2^-100: shift far past 24 -> 0
                     f(0x00000001),  // subnormal: counts as zero
                     f(0x00800000),  // FLT_MIN: 0
                     -0.0f};
  const EncodedBlock block = encode(row, BlockFloat::bfp8);
  expect_codes(block, 0x7F,
               {0x40, 0x00, 0x01, 0x01, 0x00, 0x81, 0x00, 0x00, 0x01, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00});
  const Block back = decode(block, BlockFloat::bfp8);
  EXPECT_EQ(back[2], 0.015625f);  // 1 * 2^-6
  EXPECT_EQ(back[5], -0.015625f);
  EXPECT_EQ(back[9], 0.03125f);
}

// Row max |-7.9| has field 129 = 0x81, so for bfp4 m = |v| (scale 2^(129-129) = 1), at most 7.
TEST(Bfp4, MixedMagnitudeRow) {
  const Block row = {-5.0f,
                     2.5f,    // tie, even -> 2
                     3.5f,    // tie, odd -> 4
                     0.5f,    // field 126: shift 24, exactly half -> 0
                     0.75f,   // above half -> 1
                     7.5f,    // 0xF00000 >> 21 = 7, rest = half, odd -> 8 -> saturate 7
                     -7.9f,   // 0xC0FCCCCD: 7 + above half -> 8 -> saturate 7, sign kept
                     6.0f,
                     -1.0f,
                     1.0f,
                     -0.4f,   // rounds to 0: sign forced to 0
                     4.5f,    // tie, even -> 4
                     5.5f,    // tie, odd -> 6
                     0.25f,   // 0
                     1.5f,    // tie, odd -> 2
                     -2.5f};  // 2 with sign
  const EncodedBlock block = encode(row, BlockFloat::bfp4);
  expect_codes(block, 0x81, {0xD, 0x2, 0x4, 0x0, 0x1, 0x7, 0xF, 0x6, 0x9, 0x1, 0x0, 0x4, 0x6, 0x0, 0x2, 0xA});
  const Block back = decode(block, BlockFloat::bfp4);
  EXPECT_EQ(back[0], -5.0f);
  EXPECT_EQ(back[2], 4.0f);
  EXPECT_EQ(back[6], -7.0f);
  EXPECT_EQ(u(back[10]), 0u);
}

// Row max 1.0 (field 127): m = |v| * 4, so 2^-3 is half a step (3 binades below the max).
TEST(Bfp4, ThreeAndFourBinadesBelowTheMaxAndSaturation) {
  const Block row = {1.0f,
                     0.125f,         // exactly half -> 0
                     0.1875f,        // 0.75 -> 1
                     f(0x3DFFFFFF),  // just below 0.125 (4 binades below): 0
                     f(0x3C000000),  // 2^-7: 0
                     1.875f,         // 7.5, tie, odd -> 8 -> saturate 7
                     1.625f,         // 6.5, tie, even -> 6
                     1.375f,         // 5.5, tie, odd -> 6
                     1.125f,         // 4.5, tie, even -> 4
                     -1.75f,         // 7 with sign
                     0.25f,          // 1
                     0.375f,         // 1.5, tie, odd -> 2
                     -0.125f,        // 0, sign forced to 0
                     -0.1875f,       // 1 with sign
                     0.0f, 0.0f};
  const EncodedBlock block = encode(row, BlockFloat::bfp4);
  expect_codes(block, 0x7F, {0x4, 0x0, 0x1, 0x0, 0x0, 0x7, 0x6, 0x6, 0x4, 0xF, 0x1, 0x2, 0x0, 0x9, 0x0, 0x0});
}

// The bfp8 counterpart of the 3-binade case in bfp4 is the 7-binade case above; check bfp4 at 7 too.
TEST(Bfp4, FarBelowTheMaxIsZero) {
  Block row{};
  row[0] = 1.0f;
  row[1] = f(0x3C400000);  // 1.5 * 2^-7
  const EncodedBlock block = encode(row, BlockFloat::bfp4);
  EXPECT_EQ(block.exponent, 0x7F);
  EXPECT_EQ(block.codes[0], 0x4);
  EXPECT_EQ(block.codes[1], 0x0);
}

TEST(BlockFloat, ZeroRowsEncodeAsPositiveZero) {
  for (BlockFloat format : {BlockFloat::bfp8, BlockFloat::bfp4}) {
    Block zeros{};
    Block negative_zeros;
    negative_zeros.fill(-0.0f);
    for (const Block& row : {zeros, negative_zeros}) {
      const EncodedBlock block = encode(row, format);
      expect_codes(block, 0x00, Codes{});
      for (float v : decode(block, format)) EXPECT_EQ(u(v), 0u);
    }
  }
}

TEST(BlockFloat, SubnormalsCountAsZero) {
  const Block subnormals = {f(0x00000001), f(0x807FFFFF), f(0x00400000), f(0x80000001)};
  for (BlockFloat format : {BlockFloat::bfp8, BlockFloat::bfp4}) {
    const EncodedBlock block = encode(subnormals, format);
    expect_codes(block, 0x00, Codes{});
  }
  // Next to the smallest normal (field 1) the subnormal 2^-127 would be 32 in bfp8 but counts as zero.
  Block row{};
  row[0] = f(0x00800000);  // 2^-126: 64
  row[1] = f(0x00400000);  // subnormal 2^-127: 0
  row[2] = f(0x80800000);  // -2^-126
  const EncodedBlock block = encode(row, BlockFloat::bfp8);
  Codes codes{};
  codes[0] = 0x40;
  codes[2] = 0xC0;
  expect_codes(block, 0x01, codes);
  const Block back = decode(block, BlockFloat::bfp8);
  EXPECT_EQ(u(back[0]), 0x00800000u);
  EXPECT_EQ(u(back[2]), 0x80800000u);
}

TEST(BlockFloat, DecodeIsExactInTheSubnormalRange) {
  EncodedBlock block;
  block.exponent = 1;
  block.codes[0] = 0x01;  // 2^(1-133) = 2^-132: float32 subnormal 1 << 17
  block.codes[1] = 0x81;
  block.codes[2] = 0x7F;  // 127 * 2^-132 = 0x00FE0000
  Block back = decode(block, BlockFloat::bfp8);
  EXPECT_EQ(u(back[0]), 0x00020000u);
  EXPECT_EQ(u(back[1]), 0x80020000u);
  EXPECT_EQ(u(back[2]), 0x00FE0000u);
  block.exponent = 0;
  back = decode(block, BlockFloat::bfp8);
  EXPECT_EQ(u(back[0]), 0x00010000u);  // 2^-133
  block.codes[0] = 0x1;
  back = decode(block, BlockFloat::bfp4);
  EXPECT_EQ(u(back[0]), 0x00100000u);  // 2^(0-129) = 2^-129 = 1 << 20
}

// A row with Inf/NaN gets E = 255; bfp8 scale 2^122, so 2^127 is 32 and 2^128 (Inf) is 64.
TEST(Bfp8, InfAndNanRow) {
  const Block row = {kInf, -kInf, f(0x7FC00000), f(0xFFC00000),
                     1.0f,           // far below 2^128: 0
                     f(0x7F000000),  // 2^127: 32
                     f(0x7F400000),  // 1.5 * 2^127: 48
                     f(0x7F7FFFFF),  // FLT_MAX: 63 + above half -> 64, the Inf code
                     f(0xFF000000),  // -2^127
                     f(0x7C000000),  // 2^121: exactly half of 2^122 -> 0
                     f(0x7C400000),  // 1.5 * 2^121: 1
                     f(0x7C800000),  // 2^122: 1
                     0.0f, -0.0f,
                     f(0x7F800001),  // signalling NaN
                     f(0x00000001)};
  const EncodedBlock block = encode(row, BlockFloat::bfp8);
  expect_codes(block, 0xFF,
               {0x40, 0xC0, 0x7F, 0x7F, 0x00, 0x20, 0x30, 0x40, 0xA0, 0x00, 0x01, 0x01, 0x00, 0x00, 0x7F, 0x00});
  const Block back = decode(block, BlockFloat::bfp8);
  EXPECT_EQ(back[0], kInf);
  EXPECT_EQ(back[1], -kInf);
  EXPECT_TRUE(std::isnan(back[2]));
  EXPECT_TRUE(std::isnan(back[3]));
  EXPECT_EQ(u(back[4]), 0u);
  EXPECT_EQ(u(back[5]), 0x7F000000u);
  EXPECT_EQ(u(back[6]), 0x7F400000u);
  EXPECT_EQ(back[7], kInf);
  EXPECT_EQ(u(back[8]), 0xFF000000u);
  EXPECT_EQ(u(back[10]), 0x7C800000u);
  EXPECT_TRUE(std::isnan(back[14]));
}

// bfp4 with E = 255: scale 2^126, so 2^127 is 2 and 2^128 (Inf) is 4.
TEST(Bfp4, InfAndNanRow) {
  Block row{};
  const std::array<float, 11> head = {kInf, -kInf, kNaN, 1.0f,
                                      f(0x7F000000),   // 2^127: 2
                                      f(0x7F400000),   // 1.5 * 2^127: 3
                                      f(0x7F600000),   // 1.75 * 2^127: 3.5, tie, odd -> 4 = Inf code
                                      f(0xFF200000),   // -1.25 * 2^127: 2.5, tie, even -> 2, sign
                                      f(0x7E000000),   // 2^125: half -> 0
                                      f(0x7E400000),   // 1.5 * 2^125: 1
                                      f(0x7E800000)};  // 2^126: 1
  std::copy(head.begin(), head.end(), row.begin());
  const EncodedBlock block = encode(row, BlockFloat::bfp4);
  expect_codes(block, 0xFF, {0x4, 0xC, 0x7, 0x0, 0x2, 0x3, 0x4, 0xA, 0x0, 0x1, 0x1, 0, 0, 0, 0, 0});
  const Block back = decode(block, BlockFloat::bfp4);
  EXPECT_EQ(back[0], kInf);
  EXPECT_EQ(back[1], -kInf);
  EXPECT_TRUE(std::isnan(back[2]));
  EXPECT_EQ(u(back[4]), 0x7F000000u);
  EXPECT_EQ(u(back[5]), 0x7F400000u);
  EXPECT_EQ(back[6], kInf);
  EXPECT_EQ(u(back[7]), 0xFF000000u);
  EXPECT_EQ(u(back[9]), 0x7E800000u);
}

// Codes encode never produces, decoded per the header's rule for E = 255.
TEST(BlockFloat, DecodeAnyCodeInANonFiniteRow) {
  EncodedBlock block;
  block.exponent = 0xFF;
  block.codes[0] = 0xFF;  // all-ones magnitude with sign: NaN
  block.codes[1] = 0x41;  // >= 64: +Inf
  block.codes[2] = 0xC1;  // -Inf
  block.codes[3] = 0x3F;  // 63 * 2^122: finite
  const Block back = decode(block, BlockFloat::bfp8);
  EXPECT_TRUE(std::isnan(back[0]));
  EXPECT_EQ(back[1], kInf);
  EXPECT_EQ(back[2], -kInf);
  EXPECT_EQ(back[3], std::ldexp(63.0f, 122));
}

TEST(BlockFloat, RoundBlockIsEncodeThenDecode) {
  Block row = {1.0f, 0.1f, -3.0f, 1.046875f, f(0x3C000000), -0.0f};
  row[15] = 3.0f;
  Block rounded = row;
  round_block(std::span<float, kBlockSize>(rounded), BlockFloat::bfp8);
  EXPECT_EQ(rounded[0], 1.0f);
  EXPECT_EQ(rounded[1], 0.09375f);
  EXPECT_EQ(rounded[3], 1.0625f);
  EXPECT_EQ(u(rounded[4]), 0u);
  EXPECT_EQ(u(rounded[5]), 0u);
  rounded = row;
  round_block(std::span<float, kBlockSize>(rounded), BlockFloat::bfp4);
  EXPECT_EQ(rounded[1], 0.0f);   // E = 128: m = v * 2, 0.2 -> 0
  EXPECT_EQ(rounded[3], 1.0f);   // 2.09375 -> 2 -> 1.0
}

// Block b of the tile (face b/16, face row b%16) holds +-(j+1) * 2^(b-30) at position j (odd j negative):
// row max 16 * 2^(b-30) has field b + 101, scale 2^(b-32), so the code is 4(j+1) with the sign in bit 7.
// round_alone is round_block's element 0 with the other 15 zero, for every exponent field (the fast
// path's range and the special cases), random significands, both signs, and the carry into the next binade.
TEST(BlockFloat, RoundAloneIsRoundBlockOfOneValue) {
  std::mt19937 random(7);
  std::vector<float> values = {0.0f, -0.0f, kInf, -kInf, kNaN, f(0x00000001u), f(0x807FFFFFu), f(0x3F7FFFFFu),
                               f(0xBFFF0000u), f(0x7F7FFFFFu), f(0x087FFFFFu), f(0x07FFFFFFu)};
  for (uint32_t field = 0; field < 256; ++field)
    for (int i = 0; i < 64; ++i) values.push_back(f((random() & 0x807FFFFFu) | (field << 23)));
  for (const BlockFloat format : {BlockFloat::bfp8, BlockFloat::bfp4})
    for (const float value : values) {
      Block block{};
      block[0] = value;
      round_block(std::span<float, kBlockSize>(block), format);
      const float alone = round_alone(value, format);
      EXPECT_EQ(u(alone), u(block[0])) << "value bits 0x" << std::hex << u(value) << " format " << int(format);
    }
}

TEST(Bfp8, FullTileByteLayout) {
  std::vector<float> values(kTileValues);
  for (size_t b = 0; b < 64; ++b)
    for (size_t j = 0; j < 16; ++j)
      values[b * 16 + j] = std::ldexp(static_cast<float>(j + 1), static_cast<int>(b) - 30) * (j % 2 ? -1.0f : 1.0f);
  std::vector<uint8_t> tile(1088, 0xAA);
  pack_tile(values, BlockFloat::bfp8, tile);
  // Exponent bytes first, one per block in face order.
  EXPECT_EQ(tile[0], 0x65);   // 101
  EXPECT_EQ(tile[1], 0x66);
  EXPECT_EQ(tile[16], 0x75);  // face 1 row 0
  EXPECT_EQ(tile[63], 0xA4);  // face 3 row 15: 164
  for (size_t b = 0; b < 64; ++b) EXPECT_EQ(tile[b], 101 + b);
  // Then the codes, 16 per block.
  EXPECT_EQ(tile[64], 0x04);
  EXPECT_EQ(tile[65], 0x88);
  EXPECT_EQ(tile[66], 0x0C);
  EXPECT_EQ(tile[79], 0xC0);  // j = 15: 64 with sign
  EXPECT_EQ(tile[80], 0x04);  // block 1 starts
  EXPECT_EQ(tile[1087], 0xC0);
  for (size_t b = 0; b < 64; ++b)
    for (size_t j = 0; j < 16; ++j) EXPECT_EQ(tile[64 + b * 16 + j], (4 * (j + 1)) | (j % 2 ? 0x80 : 0));
  // Every value is representable, so unpacking gives them back exactly.
  std::vector<float> back(kTileValues);
  unpack_tile(tile, BlockFloat::bfp8, back);
  EXPECT_EQ(back, values);
}

// Block b holds +-(j%8) * 2^(b-30), negative for j >= 8: max 7 * 2^(b-30) has field b + 99, scale 2^(b-30),
// so code j for j < 8 and 0x8 | (j-8) for j >= 8 (j = 8 is -0: code 0). Two codes a byte, earlier low.
TEST(Bfp4, FullTileByteLayoutAndNibbleOrder) {
  std::vector<float> values(kTileValues);
  for (size_t b = 0; b < 64; ++b)
    for (size_t j = 0; j < 16; ++j)
      values[b * 16 + j] = std::ldexp(static_cast<float>(j % 8), static_cast<int>(b) - 30) * (j >= 8 ? -1.0f : 1.0f);
  std::vector<uint8_t> tile(576, 0xAA);
  pack_tile(values, BlockFloat::bfp4, tile);
  EXPECT_EQ(tile[0], 0x63);   // 99
  EXPECT_EQ(tile[63], 0xA2);  // 162
  for (size_t b = 0; b < 64; ++b) EXPECT_EQ(tile[b], 99 + b);
  const std::array<uint8_t, 8> block_bytes = {0x10, 0x32, 0x54, 0x76, 0x90, 0xBA, 0xDC, 0xFE};
  for (size_t b = 0; b < 64; ++b)
    for (size_t k = 0; k < 8; ++k) EXPECT_EQ(tile[64 + b * 8 + k], block_bytes[k]) << b << " " << k;
  EXPECT_EQ(tile[575], 0xFE);
  std::vector<float> back(kTileValues);
  unpack_tile(tile, BlockFloat::bfp4, back);
  for (size_t i = 0; i < kTileValues; ++i) EXPECT_EQ(back[i], values[i]) << i;  // -0 == +0 compares equal
  EXPECT_EQ(u(back[8]), 0u);
}

// Row-major 32x32 through tilize: one 1.0 at (17, 18) and 0.5 at (17, 19) land in face 3, face row 1,
// columns 2 and 3: exponent byte 3*16 + 1 = 49, data index 3*256 + 16 + 2 = 786 and 787.
TEST(BlockFloat, TilizedElementsLandInTheDocumentedBytes) {
  std::vector<float> matrix(32 * 32, 0.0f);
  matrix[17 * 32 + 18] = 1.0f;
  matrix[17 * 32 + 19] = 0.5f;
  std::vector<float> tiled(kTileValues);
  tilize(matrix.data(), 32, 32, 32, tiled.data());

  std::vector<uint8_t> bfp8(1088);
  pack_tile(tiled, BlockFloat::bfp8, bfp8);
  for (size_t i = 0; i < bfp8.size(); ++i) {
    const uint8_t expected = i == 49 ? 0x7F : i == 64 + 786 ? 0x40 : i == 64 + 787 ? 0x20 : 0x00;
    EXPECT_EQ(bfp8[i], expected) << i;
  }
  std::vector<uint8_t> bfp4(576);
  pack_tile(tiled, BlockFloat::bfp4, bfp4);
  for (size_t i = 0; i < bfp4.size(); ++i) {
    // 786 / 2 = 393: low nibble 4 (1.0), high nibble 2 (0.5).
    const uint8_t expected = i == 49 ? 0x7F : i == 64 + 393 ? 0x24 : 0x00;
    EXPECT_EQ(bfp4[i], expected) << i;
  }
}

// Each face row gets its own power of two 2^(face*16 + row - 32): exponent byte k is 95 + k, proving the
// exponent bytes run face by face, row by row.
TEST(BlockFloat, ExponentBytesRunFaceByFace) {
  std::vector<float> matrix(32 * 32);
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c) matrix[r * 32 + c] = std::ldexp(1.0f, ((r / 16) * 2 + c / 16) * 16 + r % 16 - 32);
  std::vector<float> tiled(kTileValues);
  tilize(matrix.data(), 32, 32, 32, tiled.data());
  std::vector<uint8_t> tile(1088);
  pack_tile(tiled, BlockFloat::bfp8, tile);
  for (size_t k = 0; k < 64; ++k) EXPECT_EQ(tile[k], 95 + k);
  for (size_t i = 64; i < 1088; ++i) EXPECT_EQ(tile[i], 0x40);
}

std::vector<float> random_tile(std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::uniform_int_distribution<int> scale(-30, 30);
  std::uniform_int_distribution<int> special(0, 40);
  std::vector<float> values(kTileValues);
  for (size_t b = 0; b < 64; ++b) {
    const int k = scale(rng);
    for (size_t j = 0; j < 16; ++j) {
      float v = std::ldexp(normal(rng), k);
      switch (special(rng)) {
        case 0: v = 0.0f; break;
        case 1: v = -0.0f; break;
        case 2: v = f(0x00012345); break;
        case 3: v = std::ldexp(normal(rng), k - 12); break;
        default: break;
      }
      values[b * 16 + j] = v;
    }
  }
  return values;
}

TEST(BlockFloat, RandomTilesRoundTripIdempotentlyWithinHalfAStep) {
  std::mt19937 rng(1234);
  for (BlockFloat format : {BlockFloat::bfp8, BlockFloat::bfp4}) {
    const int bits = magnitude_bits(format);
    const float max_mag = static_cast<float>((1 << bits) - 1);
    for (int t = 0; t < 50; ++t) {
      const std::vector<float> values = random_tile(rng);
      std::vector<uint8_t> first(tile_bytes(format)), second(tile_bytes(format));
      std::vector<float> decoded(kTileValues);
      pack_tile(values, format, first);
      unpack_tile(first, format, decoded);
      pack_tile(decoded, format, second);
      ASSERT_EQ(first, second) << "tile " << t;
      for (size_t i = 0; i < kTileValues; ++i) {
        const float step = std::ldexp(1.0f, first[i / 16] - 127 - (bits - 1));
        const float error = std::fabs(values[i] - decoded[i]);
        const bool saturated = std::fabs(decoded[i]) == max_mag * step;
        ASSERT_TRUE(error <= step / 2 || saturated) << values[i] << " -> " << decoded[i];
      }
      // round_block on each block agrees with the tile path.
      std::vector<float> rounded = values;
      for (size_t b = 0; b < 64; ++b)
        round_block(std::span<float>(rounded).subspan(b * 16).first<kBlockSize>(), format);
      ASSERT_EQ(rounded, decoded);
    }
  }
}

}  // namespace
}  // namespace ttnn::formats
