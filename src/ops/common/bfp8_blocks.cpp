#include "ops/common/bfp8_blocks.hpp"

#include "formats/block_float.hpp"
#include "formats/tilize.hpp"

namespace ttnn {

bool read_bfp8_blocks(const BufferLayout& layout, const std::byte* bytes, uint64_t row_begin, uint64_t row_end,
                      size_t blocks, int8_t* codes, size_t codes_stride, uint8_t* exponents, size_t exponents_stride) {
  uint8_t signs = 0;
  for (uint64_t row = row_begin; row < row_end; ++row) {
    const uint64_t band = row / 32 * 32;
    int8_t* code_row = codes + (row - row_begin) * codes_stride;
    uint8_t* exponent_row = exponents + (row - row_begin) * exponents_stride;
    for (size_t block = 0; block < blocks; ++block) {
      const uint64_t col = block * 16, tile_col = col / 32 * 32;
      const auto* tile = reinterpret_cast<const uint8_t*>(bytes + layout.offset(band, tile_col));
      const size_t index = formats::face_order_index(row - band, col - tile_col);  // a face row's first value
      exponent_row[block] = tile[index / 16];
      const uint8_t* from = tile + formats::kTileExponentBytes + index;
      int8_t* to = code_row + col;
      for (size_t i = 0; i < 16; ++i) {  // sign and magnitude to two's complement
        const uint8_t code = from[i];
        signs |= code;
        const int8_t magnitude = int8_t(code & 0x7F);
        to[i] = code & 0x80 ? int8_t(-magnitude) : magnitude;
      }
    }
  }
  return (signs & 0x80) == 0;
}

}  // namespace ttnn
