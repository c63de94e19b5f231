// The AVX2+FMA tier's kernels (XNNPACK-style names). Declarations only: the definitions are compiled with
// -mavx2 -mfma -mf16c and run only when dispatch.cpp has checked the CPU.
#pragma once

#ifdef __AVX2__
#include <immintrin.h>

#include <algorithm>
#endif

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

#ifdef __AVX2__  // helpers for the AVX2 sources only
// mask_for(n): lanes [0, n) set, n in [0, 8].
alignas(32) inline constexpr int32_t kMaskTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
inline __m256i mask_for(size_t n) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMaskTable + 8 - n));
}

// The bounds as the first operands: vmaxps/vminps return the second on a NaN or two zeros, so a NaN passes
// and -0 stays -0, as the reference's std::max(v, lo) and std::min(v, hi) give.
inline __m256 clamp8(__m256 v, __m256 lo, __m256 hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, v)); }

// A GEMM tile row's 16 columns (two vectors) into `out`, the first `cols` of them.
inline void store_columns16(float* out, __m256 v0, __m256 v1, size_t cols) {
  if (cols == 16) {
    _mm256_storeu_ps(out, v0);
    _mm256_storeu_ps(out + 8, v1);
  } else {
    _mm256_maskstore_ps(out, mask_for(std::min<size_t>(cols, 8)), v0);
    _mm256_maskstore_ps(out + 8, mask_for(cols > 8 ? cols - 8 : 0), v1);
  }
}

// formats::round_to_bfloat16's integer rounding of 8 floats, to nearest even, NaN quieted: the bfloat16 bits
// in each lane's low half.
inline __m256i bf16_bits(__m256 values) {
  const __m256i bits = _mm256_castps_si256(values);
  const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
  const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(bits, _mm256_add_epi32(_mm256_set1_epi32(0x7FFF), odd)), 16);
  const __m256i quiet_nan = _mm256_or_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(0x0040));
  const __m256i magnitude = _mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFFFF));
  const __m256i is_nan = _mm256_cmpgt_epi32(magnitude, _mm256_set1_epi32(0x7F800000));
  return _mm256_blendv_epi8(rounded, quiet_nan, is_nan);
}
// The same values rounded, as floats.
inline __m256 bf16_rounded(__m256 values) { return _mm256_castsi256_ps(_mm256_slli_epi32(bf16_bits(values), 16)); }
// formats::round_significand to `bits` (> 0) on 8 lanes: zeros and subnormals keep only their sign, Inf and
// NaN stay as they are.
struct SignificandCut8 {
  int drop = 0;  // bits dropped: 0, no cut (only the count is held, as in the AVX-512 tier)
  explicit SignificandCut8(int bits) : drop(bits > 0 ? 24 - std::min(bits, 24) : 0) {}
  __m256 operator()(__m256 value) const {
    const __m256i keep = _mm256_set1_epi32(int(~((1u << drop) - 1u)));
    const __m256i half_minus_one = _mm256_set1_epi32(int((1u << (drop - 1)) - 1u));
    const __m256i u = _mm256_castps_si256(value), exponent_mask = _mm256_set1_epi32(0x7F800000);
    const __m256i exponent = _mm256_and_si256(u, exponent_mask);
    const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, drop), _mm256_set1_epi32(1));
    const __m256i rounded = _mm256_and_si256(_mm256_add_epi32(_mm256_add_epi32(u, half_minus_one), odd), keep);
    const __m256i is_zero = _mm256_cmpeq_epi32(exponent, _mm256_setzero_si256());
    const __m256i is_special = _mm256_cmpeq_epi32(exponent, exponent_mask);
    __m256i result = _mm256_blendv_epi8(rounded, _mm256_and_si256(u, _mm256_set1_epi32(int(0x80000000u))), is_zero);
    return _mm256_castsi256_ps(_mm256_blendv_epi8(result, u, is_special));
  }
};

// An epilogue on 8 lanes: the clamp, then (round_to_bf16) the bfloat16 rounding.
inline __m256 finish(__m256 v, __m256 lo, __m256 hi, bool round_to_bf16) {
  v = clamp8(v, lo, hi);
  return round_to_bf16 ? bf16_rounded(v) : v;
}

// The same step chosen at compile time (the depthwise loops: no branch per output vector).
template <bool kRound>
inline __m256 finish(__m256 v, __m256 lo, __m256 hi) {
  v = clamp8(v, lo, hi);
  if constexpr (kRound) v = bf16_rounded(v);
  return v;
}
#endif

// Weights [n][k]: 2 rows x 4 output channels, k in steps of 8 with horizontal sums at the end.
void f32_gemm_minmax_ukernel_2x4c8__avx2(const GemmArgs& args);
// Packed weights: MR rows x one 16-channel panel, one broadcast + two FMAs per row and k.
void f32_gemm_minmax_ukernel_4x16__avx2(const GemmPackedArgs& args);
void f32_gemm_minmax_ukernel_6x16__avx2(const GemmPackedArgs& args);
// Channels innermost, 16 (then 8, then a masked tail) channels per step; 3-wide rows unrolled.
void f32_dwconv_minmax_ukernel_up16x__avx2(const DwconvArgs& args);
// 10 independent 8-lane FMA chains (enough to cover the FMA latency on two ports).
double f32_fma_peak__avx2(uint64_t iterations);
// bfloat8_b blocks 8 lanes at a time; rows the vector path does not cover (Inf/NaN, exponents so small the
// scale is subnormal) take the reference path.
uint8_t bfp8_encode__avx2(const float* values, uint8_t* codes);
void bfp8_encode_pair__avx2(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents);
void bfp8_decode__avx2(uint8_t exponent, const uint8_t* codes, float* values);
void bfp8_encode_tile_rows__avx2(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile);
void bfp8_round_rows__avx2(float* values, size_t rows, size_t cols, size_t stride);
uint8_t bfp8_encode_int8_rows__avx2(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                                    size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                    uint8_t code_bias);
void bfp8_decode_tile_rows__avx2(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                  float* dst, size_t dst_stride);
void bfp8_decode_int8_rows__avx2(const int8_t* codes, size_t codes_stride, const uint8_t* exponents,
                                 size_t exponents_stride, size_t rows, size_t cols, uint8_t code_bias, float* dst,
                                 size_t dst_stride);
void bf16_encode__avx2(const float* values, size_t count, uint16_t* bits);
void bf16_decode__avx2(const uint16_t* bits, size_t count, float* values);
void bf16_round_rows__avx2(float* values, size_t rows, size_t cols, size_t stride);
void bf16_add_rows__avx2(const float* a, size_t a_stride, const uint16_t* b, size_t b_stride, size_t rows, size_t cols,
                         float lo, float hi, uint16_t* out, size_t out_stride);
void bf16_decode_tile_rows__avx2(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                 float* dst, size_t dst_stride);
void bf16_encode_tile_rows__avx2(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                                 uint32_t col1, uint16_t* tile);
void round_significand__avx2(float* values, size_t count, int bits);
// bfloat16 operands widened to fp32 and multiplied in vdpbf16ps's order under FTZ/DAZ (bit-identical to it).
void bf16_gemm_minmax_ukernel_4x16__avx2(const GemmBf16Args& args);
// The conv-rows kernels (ConvRowsArgs): the GEMMs above on patches gathered a few pixels at a time.
void f32_conv_rows__avx2(const ConvRowsArgs& args);
void bf16_conv_rows__avx2(const ConvRowsArgs& args);
void bf16_top_halves_rows__avx2(const float* values, size_t values_stride, size_t rows, size_t cols, uint16_t* bits,
                                size_t bits_stride);

}  // namespace ttnn::kernels
