#include "ops/common/bfp8_blocks.hpp"

#include <algorithm>

#include "kernels/kernels.hpp"

namespace ttnn {
namespace {

// `rows` rows of the first `cols` codes, converted without the bias, given it.
void add_bias(int8_t* codes, size_t codes_stride, uint64_t rows, uint64_t cols) {
  for (uint64_t row = 0; row < rows; ++row)
    for (uint64_t col = 0; col < cols; ++col) codes[row * codes_stride + col] ^= int8_t(kSignedBias);
}

}  // namespace

kernels::Int8Activations read_bfp8_blocks(const BufferLayout& layout, const std::byte* bytes, uint64_t row_begin,
                                 uint64_t row_end, size_t blocks, int8_t* codes, size_t codes_stride,
                                 uint8_t* exponents, size_t exponents_stride) {
  const kernels::KernelTable& table = kernels::kernel_table();
  const uint64_t cols = blocks * 16;
  uint8_t code_bias = 0;
  // Tile by tile: one kernel call converts the tile's rows of this band. Codes go out as they are until a
  // negative value shows up; from then on biased by +128 (what the GEMM reads of signed activations), the
  // ones converted before biased once. A signed block (an expand conv's input) meets a negative value in
  // its first tile, so it is converted once, as the GEMM reads it, instead of converted and then biased.
  for (uint64_t band = row_begin / 32 * 32; band < row_end; band += 32) {
    const uint64_t r0 = std::max(band, row_begin), r1 = std::min(band + 32, row_end);
    for (uint64_t tile_col = 0; tile_col < cols; tile_col += 32) {
      const auto* tile = reinterpret_cast<const uint8_t*>(bytes + layout.offset(band, tile_col));
      const auto halves = uint32_t(std::min<uint64_t>(2, (cols - tile_col) / 16));
      int8_t* tile_codes = codes + (r0 - row_begin) * codes_stride + tile_col;
      const uint8_t signs = table.bfp8_tile_rows_to_int8(tile, uint32_t(r0 - band), uint32_t(r1 - band), halves,
                                                         tile_codes, codes_stride,
                                                         exponents + (r0 - row_begin) * exponents_stride + tile_col / 16,
                                                         exponents_stride, code_bias);
      if (code_bias != 0 || (signs & 0x80) == 0) continue;
      code_bias = kSignedBias;
      add_bias(codes, codes_stride, r0 - row_begin, cols);  // the bands before, then this band's tiles so far
      add_bias(codes + (r0 - row_begin) * codes_stride, codes_stride, r1 - r0, tile_col + 16 * halves);
    }
  }
  return code_bias != 0 ? kernels::Int8Activations::biased : kernels::Int8Activations::nonnegative;
}

}  // namespace ttnn
