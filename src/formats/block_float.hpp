// Block-float formats bfloat8_b and bfloat4_b, bit-exact to DESIGN.md.
//
// A 32x32 tile is four 16x16 faces; each face row of 16 values shares one 8-bit exponent E (bias 127),
// the largest float32 exponent field in the row. Each value is a sign bit and an unsigned magnitude m of
// 7 bits (bfloat8_b) or 3 bits (bfloat4_b) with no hidden bit: value = (-1)^s * m * 2^(E - 127 - (bits-1)).
// Encoding shifts the 24-bit significand right by (E - own exponent) and rounds to nearest, ties to even,
// at the magnitude's width; a magnitude that rounds past the maximum saturates (127 or 7); a zero magnitude
// forces the sign to 0 (so -0.0 encodes as +0).
// Non-finite inputs: float32 subnormals count as zero. A row holding Inf or NaN gets E = 255; +-Inf encodes
// as magnitude 1 << (bits-1) and decodes to +-Inf; NaN encodes as the all-ones magnitude with sign 0 and
// decodes to a quiet NaN; the row's finite values are encoded against E = 255 like any others (so they
// flush to zero unless within the magnitude's width of 2^128). Decoding a row with E = 255: the all-ones
// magnitude is a quiet NaN (either sign), any other magnitude >= 1 << (bits-1) is +-Inf (as
// m * 2^(128-(bits-1)) >= 2^128: a finite value that rounds up to 2^128, e.g. FLT_MAX, decodes as Inf),
// smaller magnitudes are finite.
//
// Tile storage: 64 exponent bytes (face 0 rows 0-15, then face 1, 2, 3), then the data: bfloat8_b one
// byte per value (bit 7 sign, bits 6-0 magnitude), 1024 bytes; bfloat4_b one nibble per value (bit 3 sign,
// bits 2-0 magnitude), two values a byte with the earlier value in the low nibble, 512 bytes. Values are in
// face order: face by face, each face row-major. Totals: 1088 and 576 bytes a tile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ttnn::formats {

enum class BlockFloat : uint8_t { bfp8, bfp4 };

inline constexpr size_t kBlockSize = 16;          // values sharing one exponent (a face row)
inline constexpr size_t kTileValues = 1024;       // 32 x 32
inline constexpr size_t kTileExponentBytes = 64;  // one per face row

constexpr int magnitude_bits(BlockFloat format) { return format == BlockFloat::bfp8 ? 7 : 3; }
constexpr size_t tile_bytes(BlockFloat format) { return format == BlockFloat::bfp8 ? 1088 : 576; }

// One block of 16 values. `codes[i]` holds the sign in bit (bits) and the magnitude below it,
// i.e. the same code that is stored in the tile (one per byte, also for bfp4).
struct EncodedBlock {
  uint8_t exponent = 0;
  uint8_t codes[kBlockSize] = {};
};
EncodedBlock encode_block(std::span<const float, kBlockSize> values, BlockFloat format);
void decode_block(const EncodedBlock& block, BlockFloat format, std::span<float, kBlockSize> out);

// `values` are 1024 floats in face order (see tilize.hpp); `tile` is tile_bytes(format) bytes.
void pack_tile(std::span<const float> values, BlockFloat format, std::span<uint8_t> tile);
void unpack_tile(std::span<const uint8_t> tile, BlockFloat format, std::span<float> values);

// Quantise and dequantise 16 values in place (what storing them in the format does to them).
void round_block(std::span<float, kBlockSize> values, BlockFloat format);

// What storing `value` alone in a block (the other 15 zero) makes of it: round_block's result for
// element 0, on the value's own exponent, without the block (TT-NN's grouped depthwise weights hold one
// value a block).
float round_alone(float value, BlockFloat format);

}  // namespace ttnn::formats
