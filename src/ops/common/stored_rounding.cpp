#include "ops/common/stored_rounding.hpp"

#include <algorithm>

#include "formats/bfloat16.hpp"
#include "formats/block_float.hpp"
#include "kernels/kernels.hpp"

namespace ttnn {

void round_as_stored(float* values, size_t rows, size_t cols, size_t stride, DataType dtype) {
  if (dtype == DataType::FLOAT32) return;
  if (dtype == DataType::BFLOAT16) {
    for (size_t row = 0; row < rows; ++row)
      for (float* v = values + row * stride; v != values + row * stride + cols; ++v) *v = formats::round_to_bfloat16(*v);
    return;
  }
  const auto format = dtype == DataType::BFLOAT8_B ? formats::BlockFloat::bfp8 : formats::BlockFloat::bfp4;
  const kernels::KernelTable& table = kernels::kernel_table();  // bfloat8_b blocks: bit-exact, vectorised
  for (size_t row = 0; row < rows; ++row)
    for (size_t col = 0; col < cols; col += 16) {
      float* at = values + row * stride + col;
      if (format == formats::BlockFloat::bfp8 && col + 32 <= cols) {  // two whole blocks in place
        uint8_t codes[2][16], exponents[2];
        table.bfp8_encode_pair(at, codes[0], codes[1], exponents);
        table.bfp8_decode(exponents[0], codes[0], at);
        table.bfp8_decode(exponents[1], codes[1], at + 16);
        col += 16;
        continue;
      }
      float block[16] = {};
      const size_t count = std::min<size_t>(16, cols - col);
      std::copy_n(at, count, block);
      if (format == formats::BlockFloat::bfp8) {
        uint8_t codes[16];
        table.bfp8_decode(table.bfp8_encode(block, codes), codes, block);
      } else {
        formats::decode_block(formats::encode_block(block, format), format, block);
      }
      std::copy_n(block, count, at);
    }
}

}  // namespace ttnn
