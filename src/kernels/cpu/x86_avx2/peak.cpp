#include <immintrin.h>

#include "kernels/cpu/x86_avx2/avx2.hpp"

namespace ttnn::kernels {

double f32_fma_peak__avx2(uint64_t iterations) {
  constexpr int kChains = 10;
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(float(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (uint64_t it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = _mm256_add_ps(sum, acc[i]);
  // The result feeds a volatile sink so the loop cannot be removed.
  volatile float sink = _mm256_cvtss_f32(sum);
  (void)sink;
  return double(iterations) * kChains * 8 * 2;
}

}  // namespace ttnn::kernels
