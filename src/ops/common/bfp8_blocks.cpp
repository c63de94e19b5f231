#include "ops/common/bfp8_blocks.hpp"

#include <algorithm>

#include "kernels/kernels.hpp"

namespace ttnn {

bool read_bfp8_blocks(const BufferLayout& layout, const std::byte* bytes, uint64_t row_begin, uint64_t row_end,
                      size_t blocks, int8_t* codes, size_t codes_stride, uint8_t* exponents, size_t exponents_stride) {
  const kernels::KernelTable& table = kernels::kernel_table();
  uint8_t signs = 0;
  const uint64_t cols = blocks * 16;
  // Tile by tile: one kernel call converts the tile's rows of this band.
  for (uint64_t band = row_begin / 32 * 32; band < row_end; band += 32) {
    const uint64_t r0 = std::max(band, row_begin), r1 = std::min(band + 32, row_end);
    for (uint64_t tile_col = 0; tile_col < cols; tile_col += 32) {
      const auto* tile = reinterpret_cast<const uint8_t*>(bytes + layout.offset(band, tile_col));
      const auto halves = uint32_t(std::min<uint64_t>(2, (cols - tile_col) / 16));
      signs |= table.bfp8_tile_rows_to_int8(tile, uint32_t(r0 - band), uint32_t(r1 - band), halves,
                                            codes + (r0 - row_begin) * codes_stride + tile_col, codes_stride,
                                            exponents + (r0 - row_begin) * exponents_stride + tile_col / 16,
                                            exponents_stride);
    }
  }
  return (signs & 0x80) == 0;
}

}  // namespace ttnn
