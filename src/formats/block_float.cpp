// bfloat8_b / bfloat4_b: encoding and decoding of 16-value blocks and of whole tiles.
#include "formats/block_float.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <limits>

namespace ttnn::formats {
namespace {

constexpr uint32_t kExponentField = 0xFFu;

uint32_t exponent_field(uint32_t bits) { return (bits >> 23) & kExponentField; }

// 2^k as a float for -149 <= k <= 127, built from bits (exact, including the subnormal range that
// decoding rows with small exponents reaches).
float pow2(int k) {
  if (k >= -126) return std::bit_cast<float>(static_cast<uint32_t>(k + 127) << 23);
  return std::bit_cast<float>(1u << (k + 149));
}

// Magnitude code of one finite, normal value whose exponent field is `own` in a row with exponent `row`:
// the 24-bit significand shifted right by (row - own) + (24 - bits), rounded to nearest, ties to even.
uint32_t round_magnitude(uint32_t bits, uint32_t own, uint32_t row, int mag_bits) {
  const uint32_t significand = (bits & 0x7FFFFFu) | 0x800000u;
  const uint32_t shift = (row - own) + static_cast<uint32_t>(24 - mag_bits);  // >= 17
  // Past 24 the half-way point 2^(shift-1) exceeds any significand, so the result is 0 (and shifting a
  // 32-bit value by 32 or more would be undefined).
  if (shift > 24) return 0;
  const uint32_t half = 1u << (shift - 1);
  const uint32_t remainder = significand & ((1u << shift) - 1u);
  uint32_t q = significand >> shift;
  if (remainder > half || (remainder == half && (q & 1u))) ++q;
  return q;
}

}  // namespace

// Rows of finite values (every row but those holding Inf/NaN, and those so tiny that the scale to units
// would overflow) take a branch-free path the compiler
// vectorises: scaling by a power of two is exact, and adding then subtracting 1.5 * 2^23 rounds to the
// nearest integer, ties to even, exactly like shifting the significand with RNE. Values that scale below
// one half (including subnormals) round to zero, as the shift would.
void encode_finite_row(std::span<const float, kBlockSize> values, uint32_t row, int mag_bits, EncodedBlock& block) {
  const float to_units = pow2(static_cast<int>(mag_bits - 1) - (static_cast<int>(row) - 127));
  const float max_mag = static_cast<float>((1u << mag_bits) - 1u);
  const uint8_t sign_bit = static_cast<uint8_t>(1u << mag_bits);
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23
  for (size_t i = 0; i < kBlockSize; ++i) {
    const uint32_t bits = std::bit_cast<uint32_t>(values[i]);
    // Subnormals count as zero (see the header).
    const float magnitude = (bits & 0x7F800000u) ? std::bit_cast<float>(bits & 0x7FFFFFFFu) : 0.0f;
    float units = magnitude * to_units;
    units = (units + kRound) - kRound;
    units = units < max_mag ? units : max_mag;
    const auto mag = static_cast<uint8_t>(units);
    const uint8_t sign = (bits >> 31) && mag ? sign_bit : 0;
    block.codes[i] = static_cast<uint8_t>(sign | mag);
  }
}

EncodedBlock encode_block(std::span<const float, kBlockSize> values, BlockFloat format) {
  const int mag_bits = magnitude_bits(format);
  const uint32_t max_mag = (1u << mag_bits) - 1u;
  const uint32_t sign_bit = 1u << mag_bits;

  // Pass 1: the shared exponent. Zero and subnormals have field 0, so they never raise it; Inf and NaN
  // have field 255, which marks the row as non-finite.
  uint32_t row = 0;
  for (float v : values) {
    const uint32_t e = exponent_field(std::bit_cast<uint32_t>(v));
    if (e > row) row = e;
  }

  // Pass 2: one code per value.
  EncodedBlock block;
  block.exponent = static_cast<uint8_t>(row);
  if (row != kExponentField && row >= 16) {
    encode_finite_row(values, row, mag_bits, block);
    return block;
  }
  for (size_t i = 0; i < kBlockSize; ++i) {
    const uint32_t bits = std::bit_cast<uint32_t>(values[i]);
    const uint32_t own = exponent_field(bits);
    const uint32_t sign = (bits >> 31) ? sign_bit : 0u;
    uint32_t code = 0;  // zero and subnormals: magnitude 0, sign forced to 0
    if (own == kExponentField) {
      const bool is_nan = (bits & 0x7FFFFFu) != 0;
      code = is_nan ? max_mag : (sign | (1u << (mag_bits - 1)));
    } else if (own != 0) {
      uint32_t mag = round_magnitude(bits, own, row, mag_bits);
      if (mag > max_mag) mag = max_mag;  // only a carry out of the row's largest binade gets here
      if (mag != 0) code = sign | mag;
    }
    block.codes[i] = static_cast<uint8_t>(code);
  }
  return block;
}

void decode_block(const EncodedBlock& block, BlockFloat format, std::span<float, kBlockSize> out) {
  const int mag_bits = magnitude_bits(format);
  const uint32_t max_mag = (1u << mag_bits) - 1u;
  const uint32_t sign_bit = 1u << mag_bits;
  const bool non_finite_row = block.exponent == kExponentField;
  // One power of two per block; m * scale is exact for every m and E (at worst a float32 subnormal).
  const float scale = pow2(static_cast<int>(block.exponent) - 127 - (mag_bits - 1));
  constexpr float kInf = std::numeric_limits<float>::infinity();
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

  if (!non_finite_row) {  // branch-free: the compiler vectorises it
    for (size_t i = 0; i < kBlockSize; ++i) {
      const uint32_t code = block.codes[i];
      const float v = static_cast<float>(code & max_mag) * scale;
      out[i] = (code & sign_bit) ? -v : v;
    }
    return;
  }
  for (size_t i = 0; i < kBlockSize; ++i) {
    const uint32_t code = block.codes[i];
    const uint32_t mag = code & max_mag;
    const bool negative = (code & sign_bit) != 0;
    float v;
    if (non_finite_row && mag == max_mag) {
      v = kNaN;
    } else if (non_finite_row && mag >= (1u << (mag_bits - 1))) {
      v = kInf;  // m * 2^(255-127-(bits-1)) >= 2^128: the Inf code, or a finite value that rounded to it
    } else {
      v = static_cast<float>(mag) * scale;
    }
    out[i] = negative ? -v : v;
  }
}

void round_block(std::span<float, kBlockSize> values, BlockFloat format) {
  const EncodedBlock block = encode_block(values, format);
  decode_block(block, format, values);
}

float round_alone(float value, BlockFloat format) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint32_t own = exponent_field(bits);
  if (own < 16 || own == kExponentField) {  // tiny, subnormal, zero, Inf and NaN: the block's own rules
    std::array<float, kBlockSize> block{};
    block[0] = value;
    round_block(block, format);
    return block[0];
  }
  // encode_finite_row for one value, its row exponent its own: the magnitude scales to [2^(bits-1), 2^bits)
  // units, rounds to nearest even and clamps (a carry out of the binade), then scales back exactly.
  const int mag_bits = magnitude_bits(format);
  const float to_units = pow2(mag_bits - 1 - (static_cast<int>(own) - 127));
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23
  float units = (std::bit_cast<float>(bits & 0x7FFFFFFFu) * to_units + kRound) - kRound;
  units = std::min(units, static_cast<float>((1u << mag_bits) - 1u));
  const float magnitude = units * pow2(static_cast<int>(own) - 127 - (mag_bits - 1));
  return (bits >> 31) ? -magnitude : magnitude;
}

void pack_tile(std::span<const float> values, BlockFloat format, std::span<uint8_t> tile) {
  assert(values.size() >= kTileValues);
  assert(tile.size() >= tile_bytes(format));
  uint8_t* data = tile.data() + kTileExponentBytes;
  for (size_t b = 0; b < kTileExponentBytes; ++b) {
    // Block b is face b/16, face row b%16: face order makes it 16 consecutive values.
    const EncodedBlock block = encode_block(values.subspan(b * kBlockSize).first<kBlockSize>(), format);
    tile[b] = block.exponent;
    if (format == BlockFloat::bfp8) {
      for (size_t i = 0; i < kBlockSize; ++i) data[b * kBlockSize + i] = block.codes[i];
    } else {
      // Two codes a byte, the earlier value in the low nibble.
      uint8_t* out = data + b * (kBlockSize / 2);
      for (size_t i = 0; i < kBlockSize; i += 2) {
        out[i / 2] = static_cast<uint8_t>(block.codes[i] | (block.codes[i + 1] << 4));
      }
    }
  }
}

void unpack_tile(std::span<const uint8_t> tile, BlockFloat format, std::span<float> values) {
  assert(tile.size() >= tile_bytes(format));
  assert(values.size() >= kTileValues);
  const uint8_t* data = tile.data() + kTileExponentBytes;
  for (size_t b = 0; b < kTileExponentBytes; ++b) {
    EncodedBlock block;
    block.exponent = tile[b];
    if (format == BlockFloat::bfp8) {
      for (size_t i = 0; i < kBlockSize; ++i) block.codes[i] = data[b * kBlockSize + i];
    } else {
      const uint8_t* in = data + b * (kBlockSize / 2);
      for (size_t i = 0; i < kBlockSize; i += 2) {
        block.codes[i] = static_cast<uint8_t>(in[i / 2] & 0x0Fu);
        block.codes[i + 1] = static_cast<uint8_t>(in[i / 2] >> 4);
      }
    }
    decode_block(block, format, values.subspan(b * kBlockSize).first<kBlockSize>());
  }
}

}  // namespace ttnn::formats
