#include "ops/common/stored_rounding.hpp"

#include <algorithm>

#include "formats/bfloat16.hpp"
#include "formats/block_float.hpp"
#include "kernels/kernels.hpp"

namespace ttnn {

namespace {

// bfloat8_b: 32-row bands of 32-column tiles through the tile kernels (a stack tile, encoded and decoded
// whole); a last tile narrower than 32 columns is staged with its padding columns zero, as stored.
void round_bfp8(float* values, size_t rows, size_t cols, size_t stride) {
  const kernels::KernelTable& table = kernels::kernel_table();
  alignas(64) uint8_t tile[formats::kTileExponentBytes + formats::kTileValues];
  alignas(64) float padded[formats::kTileValues];
  for (size_t r0 = 0; r0 < rows; r0 += 32) {
    const auto n = uint32_t(std::min<size_t>(32, rows - r0));
    for (size_t c0 = 0; c0 < cols; c0 += 32) {
      const auto width = uint32_t(std::min<size_t>(32, cols - c0));
      float* at = values + r0 * stride + c0;
      const float* from = at;
      size_t from_stride = stride;
      if (width < 32) {
        for (uint32_t r = 0; r < n; ++r) {
          std::copy_n(at + r * stride, width, padded + r * 32);
          std::fill(padded + r * 32 + width, padded + (r + 1) * 32, 0.0f);
        }
        from = padded, from_stride = 32;
      }
      table.bfp8_encode_tile_rows(from, from_stride, 0, n, tile);
      table.bfp8_decode_tile_rows(tile, 0, n, 0, width, at, stride);
    }
  }
}

}  // namespace

void round_as_stored(float* values, size_t rows, size_t cols, size_t stride, DataType dtype) {
  if (dtype == DataType::FLOAT32) return;
  if (dtype == DataType::BFLOAT16) {
    for (size_t row = 0; row < rows; ++row)
      for (float* v = values + row * stride; v != values + row * stride + cols; ++v) *v = formats::round_to_bfloat16(*v);
    return;
  }
  if (dtype == DataType::BFLOAT8_B) return round_bfp8(values, rows, cols, stride);
  for (size_t row = 0; row < rows; ++row)
    for (size_t col = 0; col < cols; col += 16) {
      float block[16] = {};
      const size_t count = std::min<size_t>(16, cols - col);
      float* at = values + row * stride + col;
      std::copy_n(at, count, block);
      formats::decode_block(formats::encode_block(block, formats::BlockFloat::bfp4), formats::BlockFloat::bfp4, block);
      std::copy_n(block, count, at);
    }
}

void round_each_as_stored(std::span<float> values, DataType dtype) {
  if (dtype == DataType::FLOAT32) return;
  if (dtype == DataType::BFLOAT16) {
    for (float& v : values) v = formats::round_to_bfloat16(v);
    return;
  }
  const formats::BlockFloat format = dtype == DataType::BFLOAT8_B ? formats::BlockFloat::bfp8 : formats::BlockFloat::bfp4;
  for (float& v : values) v = formats::round_alone(v, format);
}

}  // namespace ttnn
