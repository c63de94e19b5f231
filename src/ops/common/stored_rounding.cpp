#include "ops/common/stored_rounding.hpp"

#include <algorithm>

#include "formats/bfloat16.hpp"
#include "formats/block_float.hpp"
#include "kernels/kernels.hpp"

namespace ttnn {

void round_as_stored(float* values, size_t rows, size_t cols, size_t stride, DataType dtype) {
  if (dtype == DataType::FLOAT32) return;
  if (dtype == DataType::BFLOAT16) {
    if (stride == cols) return kernels::kernel_table().bf16_round_rows(values, 1, rows * cols, rows * cols);
    return kernels::kernel_table().bf16_round_rows(values, rows, cols, stride);
  }
  if (dtype == DataType::BFLOAT8_B) return kernels::kernel_table().bfp8_round_rows(values, rows, cols, stride);
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
