// Conversion between a row-major 2D array and 32x32 tiles of four 16x16 faces.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ttnn::formats {

// Position of element (row, col) of a 32x32 tile in face order (face*256 + face_row*16 + face_col).
constexpr size_t face_order_index(size_t row, size_t col) {
  const size_t face = (row / 16) * 2 + (col / 16);
  return face * 256 + (row % 16) * 16 + (col % 16);
}

// `src` is rows x cols row-major with row stride `src_stride` elements; `dst` receives
// ceil(rows/32) x ceil(cols/32) tiles in row-major tile order, 1024 elements each in face order; the
// padding beyond rows/cols is filled with `pad`. Instantiated (in tilize.cpp) for float, uint16_t and
// uint8_t; add an explicit instantiation there for another element type.
template <class T>
void tilize(const T* src, size_t rows, size_t cols, size_t src_stride, T* dst, T pad = T{});

// Inverse of tilize: writes the rows x cols region back to row-major `dst` with row stride `dst_stride`.
template <class T>
void untilize(const T* src, size_t rows, size_t cols, T* dst, size_t dst_stride);

}  // namespace ttnn::formats
