// Reading and writing rows of a tensor's 2D physical view as float32, whatever its dtype, layout and
// sharding. The generic path that data-movement ops and reference kernels build on.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/buffer_layout.hpp"

namespace ttnn {

// Copies view rows [row_begin, row_end), columns [col_begin, col_end), into `dst` (row stride `dst_stride`).
void read_rows(const BufferLayout& layout, const std::byte* bytes, uint64_t row_begin, uint64_t row_end,
               uint64_t col_begin, uint64_t col_end, float* dst, size_t dst_stride);

// Stores `src` (row stride `src_stride`) into view rows [row_begin, row_end), columns [col_begin, col_end),
// converting to the buffer's dtype. Tiles only partly covered are read, updated and written back.
void write_rows(const BufferLayout& layout, std::byte* bytes, uint64_t row_begin, uint64_t row_end,
                uint64_t col_begin, uint64_t col_end, const float* src, size_t src_stride);

// Stores zeros into view rows [row_begin, row_end), columns [col_begin, col_end) (col_end at most the logical
// width): write_rows with a source of zeros, without converting them (a tile's padding rows, say).
void zero_rows(const BufferLayout& layout, std::byte* bytes, uint64_t row_begin, uint64_t row_end, uint64_t col_begin,
               uint64_t col_end);

// The logical tensor (row-major float32) <-> the full physical view, with TILE padding as zeros.
void logical_to_physical(const TensorSpec& spec, const float* logical, float* physical);
void physical_to_logical(const TensorSpec& spec, const float* physical, float* logical);

}  // namespace ttnn
