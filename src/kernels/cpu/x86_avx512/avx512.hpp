// The AVX-512 tier's kernels (F/BW/VL/DQ with BF16 and VNNI). Declarations only: the definitions are
// compiled with the AVX-512 flags and run only when dispatch.cpp has checked the CPU and OS.
#pragma once

#ifdef __AVX512F__
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>
#endif

#include "kernels/cpu/x86_avx2/avx2.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {

#ifdef __AVX512F__  // the helpers below are for the AVX-512 sources only
// Lanes [0, n) of a 16-lane mask.
inline __mmask16 lanes(size_t n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1); }
// Panel j's lanes (16 columns a panel) of a register tile `cols` columns wide.
inline __mmask16 panel_lanes(size_t cols, size_t j) { return lanes(cols > 16 * j ? cols - 16 * j : 0); }
// Panel j's bias (bias: the tile's first column's), zeros past the tile's columns or where there is none.
inline __m512 panel_bias(const float* bias, size_t cols, size_t j) {
  return bias ? _mm512_maskz_loadu_ps(panel_lanes(cols, j), bias + 16 * j) : _mm512_setzero_ps();
}
// The bounds as the first operands: vmaxps/vminps return the second on a NaN or two zeros, so a NaN passes
// and -0 stays -0, as the reference's std::max(v, lo) and std::min(v, hi) give.
inline __m512 clamp(__m512 v, __m512 lo, __m512 hi) { return _mm512_min_ps(hi, _mm512_max_ps(lo, v)); }

// Every vector of a register tile set to `value` (unrolled: the tile lives in registers).
template <size_t MR, size_t NP, class Vector>
inline void fill_tile(Vector (&tile)[MR][NP], Vector value) {
#pragma GCC unroll 12
  for (size_t r = 0; r < MR; ++r)
    for (size_t j = 0; j < NP; ++j) tile[r][j] = value;
}

// One pair of a bfloat16 tile's reduction: pair p of NP panels of packed weights (kernels::pack_gemm_weights_bf16,
// panel_stride apart) times row r's pair, the dword at a + r * stride bytes, broadcast (vdpbf16ps).
template <size_t MR, size_t NP>
__attribute__((always_inline)) inline void dpbf16_pair(__m512 (&acc)[MR][NP], const uint16_t* panel,
                                                       size_t panel_stride, size_t p, const char* a, size_t stride) {
  __m512bh w[NP];
  for (size_t j = 0; j < NP; ++j)
    w[j] = (__m512bh)_mm512_loadu_si512(reinterpret_cast<const void*>(panel + j * panel_stride + p * 32));
#pragma GCC unroll 12
  for (size_t r = 0; r < MR; ++r) {
    int32_t pair;
    std::memcpy(&pair, a + r * stride, sizeof pair);
    const __m512bh va = (__m512bh)_mm512_set1_epi32(pair);
    for (size_t j = 0; j < NP; ++j) acc[r][j] = _mm512_dpbf16_ps(acc[r][j], va, w[j]);
  }
}

// A register tile's accumulators started from their columns' bias (panel_bias; zeros where bias is null).
template <size_t MR, size_t NP>
inline void start_tile(__m512 (&acc)[MR][NP], const float* bias, size_t cols) {
  for (size_t j = 0; j < NP; ++j) {
    const __m512 start = panel_bias(bias, cols, j);
#pragma GCC unroll 12
    for (size_t r = 0; r < MR; ++r) acc[r][j] = start;
  }
}

// formats::round_to_bfloat16's integer rounding of 16 floats' bits, to nearest even, NaN quieted: the
// bfloat16 bits in each lane's low half.
inline __m512i bf16_bits(__m512i word) {
  const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(word, 16), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(word, _mm512_add_epi32(_mm512_set1_epi32(0x7FFF), odd)), 16);
  const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(word, _mm512_set1_epi32(0x7FFFFFFF)),
                                                _mm512_set1_epi32(0x7F800000));
  const __m512i quiet = _mm512_or_si512(_mm512_srli_epi32(word, 16), _mm512_set1_epi32(0x0040));
  return _mm512_mask_mov_epi32(rounded, nan, quiet);
}
// The same values rounded, as floats.
inline __m512 bf16_rounded(__m512 values) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(bf16_bits(_mm512_castps_si512(values)), 16));
}

// formats::round_significand to `bits` (> 0) on 16 lanes: zeros and subnormals keep only their sign, Inf
// and NaN stay as they are.
struct SignificandCut16 {
  int drop = 0;  // bits dropped: 0, no cut
  explicit SignificandCut16(int bits) : drop(bits > 0 ? 24 - std::min(bits, 24) : 0) {}
  __m512 operator()(__m512 value) const {
    const __m512i u = _mm512_castps_si512(value), exponent_mask = _mm512_set1_epi32(0x7F800000);
    const __m512i exponent = _mm512_and_si512(u, exponent_mask);
    const __m512i keep = _mm512_set1_epi32(int(~((1u << drop) - 1u)));
    const __m512i half_minus_one = _mm512_set1_epi32(int((1u << (drop - 1)) - 1u));
    const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(u, unsigned(drop)), _mm512_set1_epi32(1));
    __m512i result = _mm512_and_si512(_mm512_add_epi32(_mm512_add_epi32(u, half_minus_one), odd), keep);
    result = _mm512_mask_and_epi32(result, _mm512_cmpeq_epi32_mask(exponent, _mm512_setzero_si512()), u,
                                   _mm512_set1_epi32(int(0x80000000u)));
    return _mm512_castsi512_ps(_mm512_mask_mov_epi32(result, _mm512_cmpeq_epi32_mask(exponent, exponent_mask), u));
  }
};

// The bfloat16 words of bf16_rounded for values that are not subnormal (vcvtneps2bf16 reads those as zero):
// fewer instructions. NaNs are quieted as bf16_bits quiets them.
inline __m256i bf16_words_normal(__m512 values) { return (__m256i)_mm512_cvtneps_pbh(values); }
// The same as floats.
inline __m512 bf16_rounded_normal(__m512 values) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bf16_words_normal(values)), 16));
}

inline constexpr int kSubnormalClass = 0x20;  // vfpclassps category

// An epilogue on 16 lanes: the clamp, then (kRound) the bfloat16 rounding. The step is chosen at compile time
// (tested per vector, its branch split the depthwise kernels' straight-line blocks); a function of values
// rather than an object, so callers keep the bounds in registers. Rounded vectors without a subnormal (all
// but the rarest) take the short way.
template <bool kRound>
inline __m512 finish(__m512 v, __m512 lo, __m512 hi) {
  v = clamp(v, lo, hi);
  if constexpr (kRound) {
    if (_mm512_fpclass_ps_mask(v, kSubnormalClass) == 0) [[likely]]
      return bf16_rounded_normal(v);
    v = bf16_rounded(v);
  }
  return v;
}

// finish<true>'s outputs as their bfloat16 words: vcvtneps2bf16's words as they come, without widening them
// back.
inline __m256i finish_words(__m512 v, __m512 lo, __m512 hi) {
  const __m512 clamped = clamp(v, lo, hi);
  if (_mm512_fpclass_ps_mask(clamped, kSubnormalClass) == 0) [[likely]]
    return bf16_words_normal(clamped);
  return _mm512_cvtepi32_epi16(bf16_bits(_mm512_castps_si512(clamped)));
}

// The GEMM tiles' epilogue: acc (+ bias unless the accumulators started from it), clamped, rounded to
// bfloat16 when round_to_bf16 (outputs of a flushing GEMM: none is subnormal), stored to `cols` columns of
// the tile's panels.
template <size_t MR, size_t NP, bool kBiasFirst>
inline void store_tile(const float* bias, float clamp_min, float clamp_max, bool round_to_bf16, float* c,
                       size_t c_row_stride, size_t cols, __m512 (&acc)[MR][NP]) {
  const __m512 lo = _mm512_set1_ps(clamp_min), hi = _mm512_set1_ps(clamp_max);
  __m512 b[NP];
  __mmask16 m[NP];
  for (size_t j = 0; j < NP; ++j) {
    b[j] = panel_bias(kBiasFirst ? nullptr : bias, cols, j);
    m[j] = panel_lanes(cols, j);
  }
#pragma GCC unroll 12
  for (size_t r = 0; r < MR; ++r) {
    float* out = c + r * c_row_stride;
    for (size_t j = 0; j < NP; ++j) {
      // No bias, no addition: adding +0 would turn a -0 sum into +0, which the reference keeps.
      __m512 v = kBiasFirst || !bias ? acc[r][j] : _mm512_add_ps(acc[r][j], b[j]);
      v = clamp(v, lo, hi);
      if (round_to_bf16) v = bf16_rounded_normal(v);
      if (m[j] == 0xFFFF) _mm512_storeu_ps(out + 16 * j, v);
      else _mm512_mask_storeu_ps(out + 16 * j, m[j], v);
    }
  }
}

// The same epilogue for a tile whose sums started from the bias, stored as the outputs' bfloat16 words
// (rounded: outputs of a flushing GEMM, none subnormal): GemmBf16Args::c_words.
template <size_t MR, size_t NP>
inline void store_tile_words(float clamp_min, float clamp_max, uint16_t* c, size_t c_row_stride, size_t cols,
                             __m512 (&acc)[MR][NP]) {
  const __m512 lo = _mm512_set1_ps(clamp_min), hi = _mm512_set1_ps(clamp_max);
  __mmask16 m[NP];
  for (size_t j = 0; j < NP; ++j) m[j] = panel_lanes(cols, j);
#pragma GCC unroll 12
  for (size_t r = 0; r < MR; ++r) {
    uint16_t* out = c + r * c_row_stride;
    for (size_t j = 0; j < NP; ++j) {
      const __m256i words = bf16_words_normal(clamp(acc[r][j], lo, hi));
      if (m[j] == 0xFFFF) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16 * j), words);
      else _mm256_mask_storeu_epi16(out + 16 * j, m[j], words);
    }
  }
}

// tile(std::integral_constant<size_t, rows>) for a runtime rows in [1, MR].
template <size_t MR, typename Tile>
inline void tail_rows(size_t rows, Tile tile) {
  if constexpr (MR > 0) {
    if (rows == MR) tile(std::integral_constant<size_t, MR>{});
    else tail_rows<MR - 1>(rows, tile);
  }
}

// The height of the register tile that starts at row m0 of m: MR, except that a last tile of fewer than
// kShort rows and the full one before it are two tiles of about equal height. A tile of a row or two has too
// few accumulator chains to hide the multiply-adds' latency: a 7x7 conv's 49 rows ran their last one at a
// third of the others' speed. Which tile a row falls in never changes its value.
template <size_t MR, size_t kShort>
constexpr size_t tile_height(size_t m, size_t m0) {
  const size_t rest = m - m0;
  if (rest <= MR) return rest;
  return rest >= MR + kShort ? MR : (rest + 1) / 2;
}

// Rows [0, m) in tile_height's tiles: tile(std::integral_constant<size_t, rows>, m0) for each.
template <size_t MR, size_t kShort, typename Tile>
inline void row_tiles(size_t m, Tile tile) {
  for (size_t m0 = 0; m0 < m;) {
    const size_t rows = tile_height<MR, kShort>(m, m0);
    tail_rows<MR>(rows, [&](auto mr) { tile(mr, m0); });
    m0 += rows;
  }
}

#endif

// Packed fp32 weights: 12 rows x two 16-channel panels (24 accumulators), one embedded broadcast per row.
void f32_gemm_minmax_ukernel_12x32__avx512f(const GemmPackedArgs& args);
// Packed bfloat16 weights: 12 rows x two panels of vdpbf16ps, a pair of the reduction per instruction.
void bf16_gemm_minmax_ukernel_12x32__avx512bf16(const GemmBf16Args& args);
// The same arithmetic with fp32 FMAs on widened weights, reading the activations as floats (a_values):
// faster on CPUs whose vdpbf16ps runs below the FMA rate.
void bf16_gemm_minmax_ukernel_12x32__avx512f(const GemmBf16Args& args);
void bf16_top_halves__avx512(const float* values, size_t count, uint16_t* bits);  // one row
void bf16_top_halves_rows__avx512(const float* values, size_t values_stride, size_t rows, size_t cols, uint16_t* bits,
                                  size_t bits_stride);
// The conv-rows kernels (ConvRowsArgs) straight from the input rows: 12 pixels x two panels, each tap's
// value broadcast from its row. bf16_conv_rows__avx512f widens the weights once a call and runs the bfloat16
// GEMM's order with fp32 FMAs (the tier's choice where the FMAs outrun vdpbf16ps: see table.cpp).
void f32_conv_rows__avx512f(const ConvRowsArgs& args);
void bf16_conv_rows__avx512f(const ConvRowsArgs& args);
// The same bits on vdpbf16ps: each pair of the reduction broadcast as one dword from the kernel rows as
// bfloat16 words (pairs across two rows made per pixel first): for CPUs where vdpbf16ps outruns the FMAs.
void bf16_conv_rows__avx512bf16(const ConvRowsArgs& args);
// Channels innermost, 16 per vector (masked tail); 3x3 interior pixels unrolled with weights in registers.
void f32_dwconv_minmax_ukernel_up16x__avx512f(const DwconvArgs& args);
// Its calls with DwconvArgs::bf16_pairs (3x3, dilation 1): vdpbf16ps on pairs of rows.
void f32_dwconv_pairs__avx512bf16(const DwconvArgs& args);
// bfloat8_b blocks, one vector each, bit-identical to the reference (rare rows take the AVX2 tier's path).
uint8_t bfp8_encode__avx512(const float* values, uint8_t* codes);
void bfp8_encode_pair__avx512(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents);
void bfp8_decode__avx512(uint8_t exponent, const uint8_t* codes, float* values);
uint8_t bfp8_tile_rows_to_int8__avx512(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t blocks, int8_t* codes,
                                       size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                       uint8_t code_bias);
void bfp8_encode_tile_rows__avx512(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile);
void bfp8_decode_tile_rows__avx512(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                  float* dst, size_t dst_stride);
void round_significand__avx512(float* values, size_t count, int bits);
// Int8 GEMM rows back to floats, a block a vector.
void bfp8_decode_int8_rows__avx512(const int8_t* codes, size_t codes_stride, const uint8_t* exponents,
                                   size_t exponents_stride, size_t rows, size_t cols, uint8_t code_bias, float* dst,
                                   size_t dst_stride);
// bfloat16 with 16 lanes a vector (masked tails), tile rows a face row a vector.
void bf16_encode__avx512(const float* values, size_t count, uint16_t* bits);
void bf16_decode__avx512(const uint16_t* bits, size_t count, float* values);
void bf16_round_rows__avx512(float* values, size_t rows, size_t cols, size_t stride);
void bf16_add_rows__avx512(const float* a, size_t a_stride, const uint16_t* b, size_t b_stride, size_t rows,
                           size_t cols, float lo, float hi, uint16_t* out, size_t out_stride);
void f32_planes_to_pixels__avx512(const float* planes, size_t plane_stride, size_t channels, size_t count,
                                  float* out);
void bf16_planes_to_pixels__avx512(const float* planes, size_t plane_stride, size_t channels, size_t count,
                                   uint16_t* out);
void bf16_decode_tile_rows__avx512(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                   float* dst, size_t dst_stride);
void bf16_encode_tile_rows__avx512(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                                   uint32_t col1, uint16_t* tile);
void bfp8_round_rows__avx512(float* values, size_t rows, size_t cols, size_t stride);
uint8_t bfp8_encode_int8_rows__avx512(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                                      size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                      uint8_t code_bias);
// Register-only peak loops: fp32 FMA, vdpbf16ps (4 flops a lane), vpdpbusd (8 ops a lane).
double f32_fma_peak__avx512f(uint64_t iterations);
double bf16_dot_peak__avx512bf16(uint64_t iterations);
double int8_dot_peak__avx512vnni(uint64_t iterations);

}  // namespace ttnn::kernels
