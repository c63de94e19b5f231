// The reference conversions between floats and tile storage (bfloat8_b blocks, bfloat16): the formats library's.
#include <cmath>
#include <cstring>

#include "formats/bfloat16.hpp"
#include "formats/block_float.hpp"
#include "formats/fidelity.hpp"
#include "kernels/cpu/bf16_tile_rows.hpp"
#include "kernels/cpu/bfp8_tile_rows.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {

uint8_t bfp8_encode_ref(const float* values, uint8_t* codes) {
  const formats::EncodedBlock block =
      formats::encode_block(std::span<const float, formats::kBlockSize>(values, formats::kBlockSize), formats::BlockFloat::bfp8);
  std::memcpy(codes, block.codes, formats::kBlockSize);
  return block.exponent;
}

void bfp8_decode_ref(uint8_t exponent, const uint8_t* codes, float* values) {
  formats::EncodedBlock block;
  block.exponent = exponent;
  std::memcpy(block.codes, codes, formats::kBlockSize);
  formats::decode_block(block, formats::BlockFloat::bfp8, std::span<float, formats::kBlockSize>(values, formats::kBlockSize));
}

void bf16_encode_ref(const float* values, size_t count, uint16_t* bits) {
  formats::float_to_bfloat16(std::span<const float>(values, count), std::span<uint16_t>(bits, count));
}

void bf16_decode_ref(const uint16_t* bits, size_t count, float* values) {
  formats::bfloat16_to_float(std::span<const uint16_t>(bits, count), std::span<float>(values, count));
}

void bf16_round_rows_ref(float* values, size_t rows, size_t cols, size_t stride) {
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < cols; ++i) values[r * stride + i] = formats::round_to_bfloat16(values[r * stride + i]);
}

void bf16_add_rows_ref(const float* a, size_t a_stride, const uint16_t* b, size_t b_stride, size_t rows, size_t cols,
                       float lo, float hi, uint16_t* out, size_t out_stride) {
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < cols; ++i) {
      // Where both are NaN, a's is kept (as x86's vector addition keeps its first operand's).
      const float x = a[r * a_stride + i], sum = std::isnan(x) ? x : x + formats::bfloat16_to_float(b[r * b_stride + i]);
      out[r * out_stride + i] = formats::float_to_bfloat16(sum < lo ? lo : (sum > hi ? hi : sum));
    }
}

void bf16_decode_tile_rows_ref(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                               float* dst, size_t dst_stride) {
  bf16_decode_tile_rows<bf16_decode_ref>(tile, row0, row1, col0, col1, dst, dst_stride);
}

void bf16_encode_tile_rows_ref(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                               uint32_t col1, uint16_t* tile) {
  bf16_encode_tile_rows<bf16_encode_ref>(src, src_stride, row0, row1, col0, col1, tile);
}

void round_significand_ref(float* values, size_t count, int bits) {
  formats::round_significand(std::span<float>(values, count), bits);
}

void bfp8_encode_pair_ref(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents) {
  exponents[0] = bfp8_encode_ref(values, codes0);
  exponents[1] = bfp8_encode_ref(values + 16, codes1);
}

void bfp8_decode_tile_rows_ref(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                            float* dst, size_t dst_stride) {
  bfp8_decode_tile_rows<bfp8_decode_ref>(tile, row0, row1, col0, col1, dst, dst_stride);
}

uint8_t bfp8_tile_rows_to_int8_ref(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t blocks, int8_t* codes,
                                   size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                   uint8_t code_bias) {
  uint8_t signs = 0;
  for (uint32_t row = row0; row < row1; ++row, codes += codes_stride, exponents += exponents_stride)
    for (uint32_t block = 0; block < blocks; ++block) {
      const size_t index = formats::face_order_index(row, block * 16);  // the face row's first value
      exponents[block] = tile[index / 16];
      const uint8_t* from = tile + formats::kTileExponentBytes + index;
      for (size_t i = 0; i < 16; ++i) {
        signs |= from[i];
        const int magnitude = from[i] & 0x7F;
        codes[block * 16 + i] = int8_t(uint8_t(from[i] & 0x80 ? -magnitude : magnitude) ^ code_bias);
      }
    }
  return signs;
}

void bfp8_encode_tile_rows_ref(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile) {
  bfp8_encode_tile_rows<bfp8_encode_pair_ref>(src, src_stride, row0, row1, tile);
}

void bfp8_round_rows_ref(float* values, size_t rows, size_t cols, size_t stride) {
  bfp8_round_rows<bfp8_encode_ref, bfp8_decode_ref>(values, rows, cols, stride);
}

void bfp8_decode_int8_rows_ref(const int8_t* codes, size_t codes_stride, const uint8_t* exponents,
                               size_t exponents_stride, size_t rows, size_t cols, uint8_t code_bias, float* dst,
                               size_t dst_stride) {
  bfp8_decode_int8_rows<bfp8_decode_ref>(codes, codes_stride, exponents, exponents_stride, rows, cols, code_bias, dst,
                                         dst_stride);
}

uint8_t bfp8_encode_int8_rows_ref(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                                  size_t codes_stride, uint8_t* exponents, size_t exponents_stride, uint8_t code_bias) {
  return bfp8_encode_int8_rows<bfp8_encode_ref>(src, src_stride, rows, cols, codes, codes_stride, exponents,
                                                exponents_stride, code_bias);
}

void f32_planes_to_pixels_ref(const float* planes, size_t plane_stride, size_t channels, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i)
    for (size_t ch = 0; ch < channels; ++ch) out[i * channels + ch] = planes[ch * plane_stride + i];
}

void bf16_planes_to_pixels_ref(const float* planes, size_t plane_stride, size_t channels, size_t count,
                               uint16_t* out) {
  for (size_t i = 0; i < count; ++i)
    for (size_t ch = 0; ch < channels; ++ch) out[i * channels + ch] = formats::float_to_bfloat16(planes[ch * plane_stride + i]);
}

}  // namespace ttnn::kernels
