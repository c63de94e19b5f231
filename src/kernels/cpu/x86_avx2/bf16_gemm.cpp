// The bfloat16 GEMM on AVX2+FMA: bfloat16 operands widened to fp32 (exact) and multiplied with FMAs in
// vdpbf16ps's order, with MXCSR's flush-to-zero and denormals-are-zero set for the call, so the result
// equals the reference and the AVX-512 BF16 kernel bit for bit. Weights stream at half the bytes of fp32.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/cpu/flush_denormals.hpp"
#include "kernels/cpu/x86_avx2/avx2.hpp"

namespace ttnn::kernels {
namespace {

inline __m256 even_half(__m256i pairs) { return _mm256_castsi256_ps(_mm256_slli_epi32(pairs, 16)); }
inline __m256 odd_half(__m256i pairs) {
  return _mm256_castsi256_ps(_mm256_and_si256(pairs, _mm256_set1_epi32(int32_t(0xFFFF0000u))));
}

template <size_t MR>
void tile(const GemmBf16Args& args, size_t m0, const uint16_t* panel, size_t n0, size_t cols) {
  __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();  // the sums start from the bias
  if (args.bias) {
    b0 = _mm256_maskload_ps(args.bias + n0, mask_for(std::min<size_t>(cols, 8)));
    b1 = _mm256_maskload_ps(args.bias + n0 + 8, mask_for(cols > 8 ? cols - 8 : 0));
  }
  __m256 acc0[MR], acc1[MR];
  const uint16_t* a[MR];
#pragma GCC unroll 8
  for (size_t r = 0; r < MR; ++r) {
    acc0[r] = b0, acc1[r] = b1;
    a[r] = args.a + (m0 + r) * args.a_row_stride;
  }
  const size_t pairs = bf16_pairs(args.k);
  for (size_t p = 0; p < pairs; ++p) {
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(panel + p * 32));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(panel + p * 32 + 16));
    const __m256 w0_even = even_half(w0), w0_odd = odd_half(w0), w1_even = even_half(w1), w1_odd = odd_half(w1);
#pragma GCC unroll 8
    for (size_t r = 0; r < MR; ++r) {
      int32_t pair;
      std::memcpy(&pair, a[r] + 2 * p, sizeof pair);
      const __m256i va = _mm256_set1_epi32(pair);
      const __m256 a_even = even_half(va), a_odd = odd_half(va);
      acc0[r] = _mm256_fmadd_ps(a_odd, w0_odd, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(a_odd, w1_odd, acc1[r]);
      acc0[r] = _mm256_fmadd_ps(a_even, w0_even, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(a_even, w1_even, acc1[r]);
    }
  }
  const __m256 lo = _mm256_set1_ps(args.clamp_min), hi = _mm256_set1_ps(args.clamp_max);
  const bool round = args.round_to_bf16;
#pragma GCC unroll 8
  for (size_t r = 0; r < MR; ++r) {
    float* out = args.c + (m0 + r) * args.c_row_stride + n0;
    const __m256 v0 = finish(acc0[r], lo, hi, round), v1 = finish(acc1[r], lo, hi, round);
    store_columns16(out, v0, v1, cols);
  }
}

template <size_t MR>
void tail(const GemmBf16Args& args, size_t m0, size_t rows, const uint16_t* panel, size_t n0, size_t cols) {
  if constexpr (MR > 0) {
    if (rows == MR) tile<MR>(args, m0, panel, n0, cols);
    else tail<MR - 1>(args, m0, rows, panel, n0, cols);
  }
}

}  // namespace

void bf16_gemm_minmax_ukernel_4x16__avx2(const GemmBf16Args& args) {
  constexpr size_t kRows = 4;
  const FlushDenormals flush;
  const size_t panel_elems = bf16_panel_elems(args.k);
  for (size_t n0 = 0; n0 < args.n; n0 += 16) {
    const uint16_t* panel = args.packed_w + n0 / 16 * panel_elems;
    const size_t cols = std::min<size_t>(16, args.n - n0);
    size_t m0 = 0;
    for (; m0 + kRows <= args.m; m0 += kRows) tile<kRows>(args, m0, panel, n0, cols);
    if (m0 < args.m) tail<kRows - 1>(args, m0, args.m - m0, panel, n0, cols);
  }
}

namespace {

inline void top_halves(const float* values, size_t count, uint16_t* bits) {
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m256i lo = _mm256_srli_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i)), 16);
    const __m256i hi = _mm256_srli_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i + 8)), 16);
    // packus works within 128-bit lanes: restore the element order afterwards.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(bits + i), packed);
  }
  for (; i < count; ++i) {
    uint32_t word;
    std::memcpy(&word, values + i, sizeof word);
    bits[i] = uint16_t(word >> 16);
  }
}

}  // namespace

void bf16_top_halves_rows__avx2(const float* values, size_t values_stride, size_t rows, size_t cols, uint16_t* bits,
                                size_t bits_stride) {
  for (size_t r = 0; r < rows; ++r) top_halves(values + r * values_stride, cols, bits + r * bits_stride);
}

}  // namespace ttnn::kernels
