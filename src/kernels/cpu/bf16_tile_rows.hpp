// A bfloat16 tile's rows to and from floats in one call (each tier instantiates these with its conversions
// of up to 16 values, which inline): a tile row is two face rows of 16 contiguous values.
#pragma once

#include <algorithm>

#include "formats/tilize.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {

// Calls run(face index, first column, count) for the face-row runs of tile row `row` in [col0, col1).
template <class Run>
inline void bf16_face_row_runs(uint32_t row, uint32_t col0, uint32_t col1, Run&& run) {
  for (uint32_t half = col0 / 16 * 16; half < col1; half += 16) {
    const uint32_t lo = std::max(col0, half), hi = std::min(col1, half + 16);
    run(formats::face_order_index(row, lo), lo, hi - lo);
  }
}

template <void (*Decode)(const uint16_t* bits, size_t count, float* values)>
void bf16_decode_tile_rows(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1, float* dst,
                           size_t dst_stride) {
  for (uint32_t row = row0; row < row1; ++row, dst += dst_stride)
    bf16_face_row_runs(row, col0, col1, [&](size_t index, uint32_t col, uint32_t count) {
      Decode(tile + index, count, dst + (col - col0));
    });
}

template <void (*Encode)(const float* values, size_t count, uint16_t* bits)>
void bf16_encode_tile_rows(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                           uint32_t col1, uint16_t* tile) {
  for (uint32_t row = row0; row < row1; ++row, src += src_stride)
    bf16_face_row_runs(row, col0, col1, [&](size_t index, uint32_t col, uint32_t count) {
      Encode(src + (col - col0), count, tile + index);
    });
}

}  // namespace ttnn::kernels
