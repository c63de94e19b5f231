// bfloat8_b activations as the int8 GEMM reads them (kernels/bfp8_gemm.hpp): straight from the tiles,
// each face row's 16 sign-magnitude codes as two's-complement int8 and its exponent byte, no decoding.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/buffer_layout.hpp"
#include "kernels/bfp8_gemm.hpp"

namespace ttnn {

// XOR-ed into a two's-complement code: the value + 128 as an unsigned byte, what the GEMM reads of signed values.
inline constexpr uint8_t kSignedBias = 0x80;

// Columns rounded up to whole bfloat8_b blocks of 16 (a last block of fewer values is padded with zeros).
constexpr uint32_t bfp8_blocks_width(uint32_t columns) { return (columns + 15) / 16 * 16; }

// A bfloat8_b code (sign bit and 7-bit magnitude) as the two's-complement int8 the int8 GEMM reads.
constexpr int8_t bfp8_code_to_int8(uint8_t code) {
  const int8_t magnitude = int8_t(code & 0x7F);
  return code & 0x80 ? int8_t(-magnitude) : magnitude;
}

// Rows [row_begin, row_end) of a bfloat8_b TILE tensor's 2D view, columns [0, 16 * blocks): codes into
// `codes` ([rows][16 * blocks], row stride codes_stride bytes) and exponents into `exponents` ([rows][blocks],
// row stride exponents_stride), in the form the int8 GEMM reads: every value >= 0 (nonnegative), or some
// negative and every code biased by +128 (biased), as returned.
kernels::Int8Activations read_bfp8_blocks(const BufferLayout& layout, const std::byte* bytes, uint64_t row_begin,
                                 uint64_t row_end, size_t blocks, int8_t* codes, size_t codes_stride,
                                 uint8_t* exponents, size_t exponents_stride);

}  // namespace ttnn
