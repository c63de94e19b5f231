// Decoding (and encoding) a bfloat8_b tile's rows in one call (each tier instantiates it with its block decoder, which
// inlines): readers of whole tiles pay one indirect call a tile instead of one a 16-value block.
#pragma once

#include <algorithm>

#include "formats/block_float.hpp"
#include "formats/tilize.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {

template <void (*Decode)(uint8_t exponent, const uint8_t* codes, float* values)>
void bfp8_decode_tile_rows(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1, float* dst,
                           size_t dst_stride) {
  for (uint32_t row = row0; row < row1; ++row, dst += dst_stride) {
    for (uint32_t block = col0 / 16 * 16; block < col1; block += 16) {
      const uint32_t lo = std::max(col0, block), hi = std::min(col1, block + 16);
      const size_t index = formats::face_order_index(row, block);
      const uint8_t* codes = tile + formats::kTileExponentBytes + index;
      if (lo == block && hi == block + 16) {
        Decode(tile[index / 16], codes, dst + (block - col0));
        continue;
      }
      float values[16];
      Decode(tile[index / 16], codes, values);
      for (uint32_t col = lo; col < hi; ++col) dst[col - col0] = values[col - block];  // no libc call
    }
  }
}

// Whole tile rows (32 columns) of `src` (row stride src_stride, first row row0) encoded into a tile's
// storage, both blocks of a row per EncodePair call.
template <void (*EncodePair)(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents)>
void bfp8_encode_tile_rows(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile) {
  uint8_t* codes = tile + formats::kTileExponentBytes;
  for (uint32_t row = row0; row < row1; ++row, src += src_stride) {
    const size_t left = formats::face_order_index(row, 0), right = formats::face_order_index(row, 16);
    uint8_t exponents[2];
    EncodePair(src, codes + left, codes + right, exponents);
    tile[left / 16] = exponents[0];
    tile[right / 16] = exponents[1];
  }
}

// Rows rounded in place as bfloat8_b storage holds them (Bfp8RoundRowsFn), a block at a time through the
// tier's block encoder and decoder.
template <uint8_t (*Encode)(const float* values, uint8_t* codes),
          void (*Decode)(uint8_t exponent, const uint8_t* codes, float* values)>
void bfp8_round_rows(float* values, size_t rows, size_t cols, size_t stride) {
  for (size_t row = 0; row < rows; ++row)
    for (size_t col = 0; col < cols; col += 16) {
      float* at = values + row * stride + col;
      const size_t count = std::min<size_t>(16, cols - col);
      float block[16] = {};
      std::copy_n(at, count, block);
      uint8_t codes[16];
      Decode(Encode(block, codes), codes, block);
      std::copy_n(block, count, at);
    }
}

// Rows encoded into the int8 GEMM's rows (Bfp8EncodeInt8RowsFn), a block at a time through the tier's
// block encoder.
template <uint8_t (*Encode)(const float* values, uint8_t* codes)>
uint8_t bfp8_encode_int8_rows(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                              size_t codes_stride, uint8_t* exponents, size_t exponents_stride, uint8_t code_bias) {
  uint8_t signs = 0;
  for (size_t row = 0; row < rows; ++row)
    for (size_t col = 0; col < cols; col += 16) {
      uint8_t block[16];
      exponents[row * exponents_stride + col / 16] = Encode(src + row * src_stride + col, block);
      int8_t* out = codes + row * codes_stride + col;
      for (size_t i = 0; i < 16; ++i) {
        signs |= block[i];
        const int magnitude = block[i] & 0x7F;
        out[i] = int8_t(uint8_t(block[i] & 0x80 ? -magnitude : magnitude) ^ code_bias);
      }
    }
  return signs & 0x80;
}

// Int8 GEMM rows back to floats (Bfp8DecodeInt8RowsFn): each block's codes, XOR-ed back with code_bias, as
// the sign-magnitude codes a tile holds, through the tier's block decoder.
template <void (*Decode)(uint8_t exponent, const uint8_t* codes, float* values)>
void bfp8_decode_int8_rows(const int8_t* codes, size_t codes_stride, const uint8_t* exponents, size_t exponents_stride,
                           size_t rows, size_t cols, uint8_t code_bias, float* dst, size_t dst_stride) {
  for (size_t row = 0; row < rows; ++row)
    for (size_t col = 0; col < cols; col += 16) {
      const int8_t* in = codes + row * codes_stride + col;
      uint8_t block[16];
      for (size_t i = 0; i < 16; ++i) {
        const int value = int8_t(uint8_t(in[i]) ^ code_bias);
        block[i] = uint8_t(value < 0 ? 0x80 | -value : value);
      }
      Decode(exponents[row * exponents_stride + col / 16], block, dst + row * dst_stride + col);
    }
}

}  // namespace ttnn::kernels
