// The bfloat8_b GEMM on AMX tiles: each row group's int8 codes expanded to the bfloat16 values they stand
// for (code * 2^(E - 133): 7 bits and a power of two, exact), then the bfloat16 tile product against the
// same weights packed as bfloat16 panels (GemmBfp8Args::packed_w_bf16), then the int8 GEMM's epilogue
// (bias, clamp, rounding to bfloat8_b in registers). The products are exact as in the int8 GEMM; the tiles
// add them in their own order instead of block by block, so the sums are within the bfloat16 GEMM's bound
// (GemmBf16Args), not the int8 GEMM's bits. The expansion is one pass over the activations a call, so the
// op runs this kernel on wide convs only (bfp8_gemm_on_tiles_min_n), where the tiles' speed repays it.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/bfp8_gemm.hpp"
#include "kernels/cpu/x86_amx/tiles.hpp"
#include "kernels/cpu/x86_avx512/bfp8_blocks.hpp"

namespace ttnn::kernels {
namespace {

using amx::ActivationRows;
using amx::kChunk;

// Rows [m0, m0 + rows) of the activations as bfloat16 values into scratch, whole chunks, zeros past k and
// past the last row. A code's value is the code (biased codes first lose their +128) times its block's scale;
// vcvtneps2bf16 keeps it exactly (a subnormal one, a block exponent below 7, reads as zero, as the tiles
// would read it anyway).
ActivationRows expanded_rows(const GemmBfp8Args& args, size_t m0, size_t rows, size_t chunks, uint16_t* scratch) {
  const size_t group_rows = amx::group_rows(rows), padded = chunks * kChunk, blocks = args.k / kBfp8Block;
  const __m128i bias = _mm_set1_epi8(char(args.activations == Int8Activations::biased ? 0x80 : 0));
  for (size_t r = 0; r < group_rows; ++r) {
    uint16_t* dst = scratch + r * padded;
    if (r >= rows) {
      std::fill(dst, dst + padded, uint16_t(0));
      continue;
    }
    const int8_t* codes = args.a + (m0 + r) * args.a_row_stride;
    const uint8_t* exponents = args.a_exponents + (m0 + r) * args.a_exponents_row_stride;
    for (size_t b = 0; b < blocks; ++b) {
      const __m128i loaded = _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + b * kBfp8Block));
      const __m512 codes_as_floats = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_xor_si128(loaded, bias)));
      const __m512 values = _mm512_mul_ps(codes_as_floats, _mm512_set1_ps(kBfp8ExponentScales[exponents[b]]));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + b * kBfp8Block), (__m256i)_mm512_cvtneps_pbh(values));
    }
    std::fill(dst + args.k, dst + padded, uint16_t(0));
  }
  return {scratch, padded};
}

}  // namespace

void bfp8_gemm_minmax_ukernel_32x32__amx(const GemmBfp8Args& args) {
  // Eight rows of two panels an epilogue: the sixteen blocks one rounding tree takes (bfp8_blocks.hpp).
  amx::gemm<8>(
      args.m, args.k, args.n, args.packed_w_bf16,
      [&](size_t m0, size_t rows, size_t chunks, uint16_t* scratch) {
        return expanded_rows(args, m0, rows, chunks, scratch);
      },
      [&](auto& acc, size_t row, size_t n0, size_t cols) {
        using Acc = decltype(acc);
        float* const c = args.c + row * args.c_row_stride + n0;
        __mmask16 mask[amx::kAccPanels<Acc>];
        add_bias_and_clamp(acc, mask, cols, args.bias ? args.bias + n0 : nullptr, args.clamp_min, args.clamp_max);
        if (args.round_to_bfp8) return store_all_rounded(acc, mask, c, args.c_row_stride, args.clamp_min);
        for (size_t r = 0; r < amx::kAccRows<Acc>; ++r)
          for (size_t j = 0; j < amx::kAccPanels<Acc>; ++j)
            _mm512_mask_storeu_ps(c + r * args.c_row_stride + 16 * j, mask[j], acc[r][j]);
      });
}

}  // namespace ttnn::kernels
