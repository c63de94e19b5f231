// bfloat8_b blocks held in AVX-512 registers, a block a vector: each block's exponent field from a transposing
// tree over up to sixteen blocks, and rounding the blocks as bfloat8_b stores them. Shared by the block
// conversions (block_float.cpp) and the int8 GEMM's epilogue (bfp8_gemm.cpp), so both give the reference's
// bits.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/cpu/x86_avx512/avx512.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {

inline constexpr uint32_t kExponentMask = 0x7F800000u;

// Per-block scalars stored from a vector are broadcast from memory afterwards: a broadcast load runs on a
// load port. Without this the compiler, knowing the stored vector, extracts each lane from the register
// instead, two shuffles a broadcast on the port the epilogue's permutes and half the FMAs need (the int8
// GEMM ran 3% slower so).
template <typename Array>
inline void read_from_memory_again(Array& stored) {
  static_assert(std::is_array_v<Array>, "the stored values themselves, not a pointer to them");
  asm volatile("" : "+m"(stored));
}

// Sixteen vectors' maxima as one vector (signed 32-bit lanes): a transposing tree, 3 instructions a pair at
// each level instead of a 4-level reduction per vector. Lane 4L + e holds the maximum of v[L + 4e].
inline __m512i maxima_of_16(const __m512i (&v)[16]) {
  __m512i pairs[8], quads[4], octs[2];
  for (size_t i = 0; i < 8; ++i)  // 256-bit halves: lanes 0-7 from v[2i], 8-15 from v[2i + 1]
    pairs[i] = _mm512_max_epi32(_mm512_shuffle_i64x2(v[2 * i], v[2 * i + 1], 0x44),
                                _mm512_shuffle_i64x2(v[2 * i], v[2 * i + 1], 0xEE));
  for (size_t i = 0; i < 4; ++i)  // 128-bit lane L: v[4i + L]
    quads[i] = _mm512_max_epi32(_mm512_shuffle_i64x2(pairs[2 * i], pairs[2 * i + 1], 0x88),
                                _mm512_shuffle_i64x2(pairs[2 * i], pairs[2 * i + 1], 0xDD));
  for (size_t i = 0; i < 2; ++i)  // lane L: dwords 0-1 v[8i + L], dwords 2-3 v[8i + 4 + L]
    octs[i] = _mm512_max_epi32(_mm512_unpacklo_epi64(quads[2 * i], quads[2 * i + 1]),
                               _mm512_unpackhi_epi64(quads[2 * i], quads[2 * i + 1]));
  const __m512 a = _mm512_castsi512_ps(octs[0]), b = _mm512_castsi512_ps(octs[1]);
  return _mm512_max_epi32(_mm512_castps_si512(_mm512_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0))),
                          _mm512_castps_si512(_mm512_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))));
}

// Lane i of a block-per-lane vector from maxima_of_16's lane 4 (i % 4) + i / 4; the same permutation
// regroups four packed blocks' dwords block after block in face_codes.
inline __m512i face_order() { return _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15); }

// Each block's largest magnitude's bits, lane i for block i, from its 16 magnitudes' bits.
inline __m512i block_maxima(const __m512i (&magnitude)[16]) {
  return _mm512_permutexvar_epi32(face_order(), maxima_of_16(magnitude));
}

// Each block's exponent field (in place, bits 23-30), lane i for block i, from its 16 magnitudes' bits.
inline __m512i block_fields(const __m512i (&magnitude)[16]) {
  return _mm512_and_si512(block_maxima(magnitude), _mm512_set1_epi32(int(kExponentMask)));
}

// How sixteen blocks (magnitudes' bits, block i in magnitude[i]) round as bfloat8_b stores them, without the
// codes. A block whose largest magnitude has exponent field E keeps multiples of u = 2^(E - 133): adding and
// subtracting M = 1.5 * 2^(E - 110) (whose ulp is u) rounds a magnitude to the nearest multiple, ties to even
// (the rounding mode embedded, whatever MXCSR says), and 128u is clamped to 127u: the encoder's units, clamped
// then rounded, scaled back. Subnormals round to 0 as the encoder reads them. The sign is kept where the
// result is not 0. Blocks of 0 (zeros and subnormals only) give +0: they round with the M of E = 8, whose
// unit 2^-125 takes every subnormal to 0. Inf/NaN blocks, tiny scales (0 < E < 16) and those whose M would
// overflow (E > 237: magnitudes above 2^110) are `special`: the reference rounds them.
struct BlockRounding {
  __mmask16 special = 0;
  // Blocks whose largest magnitude rounds up to 128u (the top 7 bits of its significand all ones and the rest
  // at least half): only there can the clamp to 127u change a value (rounding keeps the order of magnitudes).
  __mmask16 rounds_up = 0;
  alignas(64) float shift[16], largest[16];  // M and 127u = 1.984375 * 2^(E - 127) per block (0 for 0 blocks)

  void of(const __m512i (&magnitude)[16]) {
    const __m512i maxima = block_maxima(magnitude);
    const __m512i field = _mm512_and_si512(maxima, _mm512_set1_epi32(int(kExponentMask)));
    const __m512i row = _mm512_srli_epi32(field, 23);
    const __mmask16 zero = _mm512_cmpeq_epi32_mask(row, _mm512_setzero_si512());
    special = _mm512_mask_cmplt_epi32_mask(~zero, row, _mm512_set1_epi32(16)) |
              _mm512_cmpgt_epi32_mask(row, _mm512_set1_epi32(237));
    rounds_up = _mm512_mask_cmpge_epu32_mask(~zero, _mm512_and_si512(maxima, _mm512_set1_epi32(0x7FFFFF)),
                                             _mm512_set1_epi32(0x7F0000));
    const __m512i shift_field = _mm512_mask_mov_epi32(field, zero, _mm512_set1_epi32(8 << 23));
    _mm512_store_ps(shift, _mm512_castsi512_ps(_mm512_or_epi32(_mm512_add_epi32(shift_field, _mm512_set1_epi32(17 << 23)),
                                                               _mm512_set1_epi32(0x400000))));
    _mm512_store_ps(largest, _mm512_castsi512_ps(_mm512_maskz_or_epi32(~zero, field, _mm512_set1_epi32(0x7E0000))));
    read_from_memory_again(shift);
    read_from_memory_again(largest);
  }

  // Block i's values rounded, for values >= 0: no sign to handle (a -0, which a clamp at 0 keeps, gives
  // (-0 + M) - M = +0, the encoder's zero). kClampTop false: the block does not round up (rounds_up).
  template <bool kClampTop = true>
  __m512 round_nonnegative(size_t i, __m512 value) const {
    constexpr int kNearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    const __m512 m = _mm512_set1_ps(shift[i]);
    const __m512 snapped = _mm512_sub_round_ps(_mm512_add_round_ps(value, m, kNearest), m, kNearest);
    if constexpr (!kClampTop) return snapped;
    return _mm512_min_ps(snapped, _mm512_set1_ps(largest[i]));
  }

  // Block i's values rounded (a block that is not special): the magnitudes, with the sign back where the
  // result is not 0 (the encoder drops the sign of a zero magnitude).
  template <bool kClampTop = true>
  __m512 round(size_t i, __m512 value) const {
    const __m512 rounded = round_nonnegative<kClampTop>(i, _mm512_abs_ps(value));
    const __mmask16 nonzero = _mm512_cmpneq_ps_mask(rounded, _mm512_setzero_ps());
    return _mm512_castsi512_ps(_mm512_mask_ternarylogic_epi32(_mm512_castps_si512(rounded), nonzero,
                                                              _mm512_castps_si512(value),
                                                              _mm512_set1_epi32(int(0x80000000u)), 0xF8));
  }
};

// A tile's columns present (mask[j]: panel j's, `cols` in all), and its accumulators plus the bias of their
// columns (none when `bias` is null: no addition, which would turn a -0 sum into +0), clamped, in place: the
// epilogue before store_rounded.
template <size_t MR, size_t NP>
__attribute__((always_inline)) inline void add_bias_and_clamp(__m512 (&acc)[MR][NP], __mmask16 (&mask)[NP], size_t cols,
                                                              const float* bias, float clamp_min, float clamp_max) {
  const __m512 lo = _mm512_set1_ps(clamp_min), hi = _mm512_set1_ps(clamp_max);
  for (size_t j = 0; j < NP; ++j) {
    mask[j] = panel_lanes(cols, j);
    const __m512 b = panel_bias(bias, cols, j);
#pragma GCC unroll 12
    for (size_t r = 0; r < MR; ++r) acc[r][j] = clamp(bias ? _mm512_add_ps(acc[r][j], b) : acc[r][j], lo, hi);
  }
}

// Rows [R0, R0 + G) of a tile's outputs v (each vector a block: v[r][j] holds columns 16j.. of row r of c,
// whose first column starts a block) rounded as bfloat8_b stores them while in registers, then stored;
// lanes past the columns (mask) read as zeros. Rows with a special block (rare) are stored as they are and
// rounded by the reference, with subnormals kept whatever the caller's MXCSR says (as the reference runs
// elsewhere): no branch per block. kNonnegative: every value is >= 0 or NaN (a clamp at 0 passes NaN; a NaN
// with its sign bit set, as Inf - Inf gives, must still make its block special, so the magnitudes drop the
// sign bit here too).
template <bool kNonnegative, size_t R0, size_t G, size_t MR, size_t NP>
__attribute__((always_inline)) inline void store_rounded(const __m512 (&v)[MR][NP], const __mmask16 (&mask)[NP],
                                                         float* c, size_t c_row_stride) {
  static_assert(G * NP <= 16 && R0 + G <= MR);
  __m512i magnitude[16];
#pragma GCC unroll 16
  for (size_t i = 0; i < 16; ++i) {
    const __m512i bits = _mm512_castps_si512(v[R0 + i / NP % G][i % NP]);
    magnitude[i] = i >= G * NP ? _mm512_setzero_si512()
                               : _mm512_maskz_and_epi32(mask[i % NP], bits, _mm512_set1_epi32(0x7FFFFFFF));
  }
  BlockRounding rounding;
  rounding.of(magnitude);
  if (rounding.special == 0) {
    // Most groups of sixteen blocks have none that rounds up to 128 units (each block 1 in 128): no clamp.
    const auto store = [&](auto clamp_top) __attribute__((always_inline)) {
      constexpr bool kClampTop = decltype(clamp_top)::value;
#pragma GCC unroll 16
      for (size_t i = 0; i < G * NP; ++i) {
        const size_t r = R0 + i / NP, j = i % NP;
        const __m512 value = kNonnegative ? rounding.template round_nonnegative<kClampTop>(i, v[r][j])
                                          : rounding.template round<kClampTop>(i, v[r][j]);
        _mm512_mask_storeu_ps(c + r * c_row_stride + 16 * j, mask[j], value);
      }
    };
    if (rounding.rounds_up == 0) store(std::false_type{});
    else store(std::true_type{});
    return;
  }
  const unsigned csr = _mm_getcsr();  // FTZ and DAZ off for the reference (bf16_conv_rows flushes)
  _mm_setcsr(csr & ~0x8040u);
  for (size_t r = R0; r < R0 + G; ++r)
    for (size_t j = 0; j < NP; ++j) {
      _mm512_mask_storeu_ps(c + r * c_row_stride + 16 * j, mask[j], v[r][j]);
      bfp8_round_rows_ref(c + r * c_row_stride + 16 * j, 1, size_t(__builtin_popcount(mask[j])), c_row_stride);
    }
  _mm_setcsr(csr);
}

// Every row of a tile rounded and stored as store_rounded does, sixteen blocks at a time.
template <bool kNonnegative, size_t R0 = 0, size_t MR, size_t NP>
__attribute__((always_inline)) inline void store_all_rounded(const __m512 (&v)[MR][NP], const __mmask16 (&mask)[NP],
                                                             float* c, size_t c_row_stride) {
  if constexpr (R0 < MR) {
    constexpr size_t kGroup = 16 / NP < MR - R0 ? 16 / NP : MR - R0;
    store_rounded<kNonnegative, R0, kGroup>(v, mask, c, c_row_stride);
    store_all_rounded<kNonnegative, R0 + kGroup>(v, mask, c, c_row_stride);
  }
}

// The same for a tile clamped at clamp_min: values >= 0 (or NaN) take the path without sign handling.
template <size_t MR, size_t NP>
__attribute__((always_inline)) inline void store_all_rounded(const __m512 (&v)[MR][NP], const __mmask16 (&mask)[NP],
                                                             float* c, size_t c_row_stride, float clamp_min) {
  if (clamp_min >= 0.0f) store_all_rounded<true>(v, mask, c, c_row_stride);
  else store_all_rounded<false>(v, mask, c, c_row_stride);
}

}  // namespace ttnn::kernels
