// AVX2+FMA GEMM micro-kernels with the bias + clamp epilogue fused. Compiled with the AVX2 flags only.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "kernels/cpu/x86_avx2/avx2.hpp"

namespace ttnn::kernels {
namespace {

// ---- packed weights: MR x 16 ----

template <size_t MR>
void packed_tile(const GemmPackedArgs& args, size_t m0, const float* panel, size_t n0, size_t cols) {
  __m256 acc0[MR], acc1[MR];
  __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
  if (args.bias) {
    if (cols == 16) {
      b0 = _mm256_loadu_ps(args.bias + n0);
      b1 = _mm256_loadu_ps(args.bias + n0 + 8);
    } else {
      b0 = _mm256_maskload_ps(args.bias + n0, mask_for(std::min<size_t>(cols, 8)));
      b1 = _mm256_maskload_ps(args.bias + n0 + 8, mask_for(cols > 8 ? cols - 8 : 0));
    }
  }
  const float* a[MR];
#pragma GCC unroll 8
  for (size_t r = 0; r < MR; ++r) {
    acc0[r] = b0;
    acc1[r] = b1;
    a[r] = args.a + (m0 + r) * args.a_row_stride;
  }
  const size_t k = args.k;
  for (size_t kk = 0; kk < k; ++kk) {
    const __m256 w0 = _mm256_loadu_ps(panel + kk * 16);
    const __m256 w1 = _mm256_loadu_ps(panel + kk * 16 + 8);
#pragma GCC unroll 8
    for (size_t r = 0; r < MR; ++r) {
      const __m256 va = _mm256_broadcast_ss(a[r] + kk);
      acc0[r] = _mm256_fmadd_ps(va, w0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(va, w1, acc1[r]);
    }
  }
  const __m256 lo = _mm256_set1_ps(args.clamp_min), hi = _mm256_set1_ps(args.clamp_max);
#pragma GCC unroll 8
  for (size_t r = 0; r < MR; ++r) {
    float* out = args.c + (m0 + r) * args.c_row_stride + n0;
    const __m256 v0 = clamp8(acc0[r], lo, hi), v1 = clamp8(acc1[r], lo, hi);
    store_columns16(out, v0, v1, cols);
  }
}

template <size_t MR>
void packed_tail(const GemmPackedArgs& args, size_t m0, size_t rows, const float* panel, size_t n0, size_t cols) {
  if constexpr (MR > 0) {
    if (rows == MR) packed_tile<MR>(args, m0, panel, n0, cols);
    else packed_tail<MR - 1>(args, m0, rows, panel, n0, cols);
  }
}

// Panel-outer: one panel (k x 16 floats) stays in L1 while the rows stream past it.
template <size_t MR>
void gemm_packed(const GemmPackedArgs& args) {
  for (size_t n0 = 0; n0 < args.n; n0 += 16) {
    const float* panel = args.packed_w + n0 * args.k;
    const size_t cols = std::min<size_t>(16, args.n - n0);
    size_t m0 = 0;
    for (; m0 + MR <= args.m; m0 += MR) packed_tile<MR>(args, m0, panel, n0, cols);
    if (m0 < args.m) packed_tail<MR - 1>(args, m0, args.m - m0, panel, n0, cols);
  }
}

// ---- weights [n][k]: 2 x 4, k vectorised ----

inline __m128 hsum4(__m256 s0, __m256 s1, __m256 s2, __m256 s3) {
  const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(s0, s1), _mm256_hadd_ps(s2, s3));
  return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

// Missing rows and columns of an edge tile repeat row/column 0 and are not stored.
void dot_tile(const GemmArgs& args, size_t m0, size_t rows, size_t n0, size_t cols) {
  const float* a0 = args.a + m0 * args.a_row_stride;
  const float* a1 = rows > 1 ? a0 + args.a_row_stride : a0;
  const float* w[4];
  for (size_t c = 0; c < 4; ++c) w[c] = args.w + (n0 + (c < cols ? c : 0)) * args.w_row_stride;
  __m256 s00 = _mm256_setzero_ps(), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
  const size_t k = args.k;
  size_t kk = 0;
  auto step = [&](__m256 x0, __m256 x1, __m256 v0, __m256 v1, __m256 v2, __m256 v3) {
    s00 = _mm256_fmadd_ps(x0, v0, s00);
    s01 = _mm256_fmadd_ps(x0, v1, s01);
    s02 = _mm256_fmadd_ps(x0, v2, s02);
    s03 = _mm256_fmadd_ps(x0, v3, s03);
    s10 = _mm256_fmadd_ps(x1, v0, s10);
    s11 = _mm256_fmadd_ps(x1, v1, s11);
    s12 = _mm256_fmadd_ps(x1, v2, s12);
    s13 = _mm256_fmadd_ps(x1, v3, s13);
  };
  for (; kk + 8 <= k; kk += 8)
    step(_mm256_loadu_ps(a0 + kk), _mm256_loadu_ps(a1 + kk), _mm256_loadu_ps(w[0] + kk), _mm256_loadu_ps(w[1] + kk),
         _mm256_loadu_ps(w[2] + kk), _mm256_loadu_ps(w[3] + kk));
  if (kk < k) {
    const __m256i m = mask_for(k - kk);
    step(_mm256_maskload_ps(a0 + kk, m), _mm256_maskload_ps(a1 + kk, m), _mm256_maskload_ps(w[0] + kk, m),
         _mm256_maskload_ps(w[1] + kk, m), _mm256_maskload_ps(w[2] + kk, m), _mm256_maskload_ps(w[3] + kk, m));
  }
  const __m128i cmask = _mm256_castsi256_si128(mask_for(cols));
  __m128 bias = _mm_setzero_ps();
  if (args.bias) bias = _mm_maskload_ps(args.bias + n0, cmask);
  const __m128 lo = _mm_set1_ps(args.clamp_min), hi = _mm_set1_ps(args.clamp_max);
  const __m128 r0 = _mm_min_ps(hi, _mm_max_ps(lo, _mm_add_ps(hsum4(s00, s01, s02, s03), bias)));
  float* c0 = args.c + m0 * args.c_row_stride + n0;
  if (cols == 4) _mm_storeu_ps(c0, r0);
  else _mm_maskstore_ps(c0, cmask, r0);
  if (rows > 1) {
    const __m128 r1 = _mm_min_ps(hi, _mm_max_ps(lo, _mm_add_ps(hsum4(s10, s11, s12, s13), bias)));
    float* c1 = c0 + args.c_row_stride;
    if (cols == 4) _mm_storeu_ps(c1, r1);
    else _mm_maskstore_ps(c1, cmask, r1);
  }
}

}  // namespace

void f32_gemm_minmax_ukernel_4x16__avx2(const GemmPackedArgs& args) { gemm_packed<4>(args); }
void f32_gemm_minmax_ukernel_6x16__avx2(const GemmPackedArgs& args) { gemm_packed<6>(args); }

void f32_gemm_minmax_ukernel_2x4c8__avx2(const GemmArgs& args) {
  for (size_t m0 = 0; m0 < args.m; m0 += 2)
    for (size_t n0 = 0; n0 < args.n; n0 += 4)
      dot_tile(args, m0, std::min<size_t>(2, args.m - m0), n0, std::min<size_t>(4, args.n - n0));
}

}  // namespace ttnn::kernels
