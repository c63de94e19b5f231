#include "ops/common/bfp8_blocks.hpp"

#include <algorithm>

#include "formats/block_float.hpp"
#include "formats/tilize.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ttnn {
namespace {

// One face row: 16 sign-magnitude codes to two's complement; returns the codes OR-ed (bit 7: a sign).
inline uint8_t convert_face_row(const uint8_t* from, int8_t* to) {
#if defined(__SSE2__)
  const __m128i codes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from));
  const __m128i negative = _mm_cmplt_epi8(codes, _mm_setzero_si128());  // bit 7 set
  const __m128i magnitude = _mm_and_si128(codes, _mm_set1_epi8(0x7F));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(to), _mm_sub_epi8(_mm_xor_si128(magnitude, negative), negative));
  return uint8_t(_mm_movemask_epi8(codes) != 0 ? 0x80 : 0);
#else
  uint8_t signs = 0;
  for (size_t i = 0; i < 16; ++i) {
    signs |= from[i];
    to[i] = bfp8_code_to_int8(from[i]);
  }
  return signs;
#endif
}

}  // namespace

bool read_bfp8_blocks(const BufferLayout& layout, const std::byte* bytes, uint64_t row_begin, uint64_t row_end,
                      size_t blocks, int8_t* codes, size_t codes_stride, uint8_t* exponents, size_t exponents_stride) {
  uint8_t signs = 0;
  const uint64_t cols = blocks * 16;
  // Tile by tile: each tile's address is computed once for the rows of its band.
  for (uint64_t band = row_begin / 32 * 32; band < row_end; band += 32) {
    const uint64_t r0 = std::max(band, row_begin), r1 = std::min(band + 32, row_end);
    for (uint64_t tile_col = 0; tile_col < cols; tile_col += 32) {
      const auto* tile = reinterpret_cast<const uint8_t*>(bytes + layout.offset(band, tile_col));
      const uint64_t halves = std::min<uint64_t>(2, (cols - tile_col) / 16);
      for (uint64_t row = r0; row < r1; ++row) {
        int8_t* code_row = codes + (row - row_begin) * codes_stride + tile_col;
        uint8_t* exponent_row = exponents + (row - row_begin) * exponents_stride + tile_col / 16;
        for (uint64_t half = 0; half < halves; ++half) {
          const size_t index = formats::face_order_index(row - band, half * 16);  // the face row's first value
          exponent_row[half] = tile[index / 16];
          signs |= convert_face_row(tile + formats::kTileExponentBytes + index, code_row + half * 16);
        }
      }
    }
  }
  return (signs & 0x80) == 0;
}

}  // namespace ttnn
