// Row-major <-> tiled (32x32 tiles, four 16x16 faces each) conversion.
#include "formats/tilize.hpp"

#include <algorithm>

namespace ttnn::formats {
namespace {

constexpr size_t kTile = 32;
constexpr size_t kFace = 16;
constexpr size_t kTileElements = kTile * kTile;

constexpr size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

}  // namespace

// Work in face rows: 16 elements contiguous in both layouts, so each is one copy plus a padding fill.
template <class T>
void tilize(const T* src, size_t rows, size_t cols, size_t src_stride, T* dst, T pad) {
  const size_t tile_rows = ceil_div(rows, kTile);
  const size_t tile_cols = ceil_div(cols, kTile);
  for (size_t tr = 0; tr < tile_rows; ++tr) {
    for (size_t tc = 0; tc < tile_cols; ++tc) {
      T* tile = dst + (tr * tile_cols + tc) * kTileElements;
      for (size_t r = 0; r < kTile; ++r) {
        const size_t row = tr * kTile + r;
        for (size_t c = 0; c < kTile; c += kFace) {
          T* out = tile + face_order_index(r, c);
          const size_t col = tc * kTile + c;
          const size_t valid = (row < rows && col < cols) ? std::min(kFace, cols - col) : 0;
          // Only form a source pointer for rows/cols that exist (past the end would be undefined).
          if (valid != 0) std::copy_n(src + row * src_stride + col, valid, out);
          std::fill(out + valid, out + kFace, pad);
        }
      }
    }
  }
}

template <class T>
void untilize(const T* src, size_t rows, size_t cols, T* dst, size_t dst_stride) {
  const size_t tile_cols = ceil_div(cols, kTile);
  for (size_t row = 0; row < rows; ++row) {
    const size_t tr = row / kTile;
    const size_t r = row % kTile;
    for (size_t col = 0; col < cols; col += kFace) {
      // `col` steps by 16 from 0, so it is always at a face-row boundary.
      const size_t tc = col / kTile;
      const T* tile = src + (tr * tile_cols + tc) * kTileElements;
      std::copy_n(tile + face_order_index(r, col % kTile), std::min(kFace, cols - col),
                  dst + row * dst_stride + col);
    }
  }
}

template void tilize<float>(const float*, size_t, size_t, size_t, float*, float);
template void tilize<uint16_t>(const uint16_t*, size_t, size_t, size_t, uint16_t*, uint16_t);
template void tilize<uint8_t>(const uint8_t*, size_t, size_t, size_t, uint8_t*, uint8_t);
template void untilize<float>(const float*, size_t, size_t, float*, size_t);
template void untilize<uint16_t>(const uint16_t*, size_t, size_t, uint16_t*, size_t);
template void untilize<uint8_t>(const uint8_t*, size_t, size_t, uint8_t*, size_t);

}  // namespace ttnn::formats
