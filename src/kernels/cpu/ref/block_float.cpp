// The reference bfloat8_b block conversions: the formats library's, on tile storage.
#include <cstring>

#include "formats/block_float.hpp"
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

}  // namespace ttnn::kernels
