// The ceiling of the bfloat8_b GEMM's arithmetic, register-only: each 16-value block product as the int8
// kernel computes it (four vpdpbusd into a fresh int32 sum, its conversion, the multiply by the channels'
// scales and the FMA with the row's). No loads, no epilogue: what the block scaling alone leaves of
// vpdpbusd's peak, to set beside peak_bf16_dot's (eight vdpbf16ps for the same 256 multiply-adds a vector).
#include <immintrin.h>

#include <cstdint>

namespace ttnn::bench {
namespace {
constexpr int kChains = 12;  // the int8 kernel's tile: 12 sums and 12 accumulators
}

double bfp8_block_peak_avx512(uint64_t iterations) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(float(i));
  const __m512i activations = _mm512_set1_epi8(3), weights0 = _mm512_set1_epi8(-2), weights1 = _mm512_set1_epi8(5);
  const __m512 channel_scales = _mm512_set1_ps(0x1p-20f), row_scale = _mm512_set1_ps(0x1p-3f);
  for (uint64_t it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains; ++i) {
      __m512i sum = _mm512_setzero_si512();
      asm volatile("" : "+v"(sum));  // opaque: the loop-invariant products are not hoisted, no instruction
      sum = _mm512_dpbusd_epi32(sum, activations, weights0);
      sum = _mm512_dpbusd_epi32(sum, activations, weights1);
      sum = _mm512_dpbusd_epi32(sum, activations, weights0);
      sum = _mm512_dpbusd_epi32(sum, activations, weights1);
      const __m512 weighted = _mm512_mul_ps(_mm512_cvtepi32_ps(sum), channel_scales);
      acc[i] = _mm512_fmadd_ps(weighted, row_scale, acc[i]);
    }
  __m512 total = acc[0];
  for (int i = 1; i < kChains; ++i) total = _mm512_add_ps(total, acc[i]);
  volatile float sink = _mm512_reduce_add_ps(total);  // keeps the loop
  (void)sink;
  return double(iterations) * kChains * 16 * 16 * 2;  // 16 multiply-adds a lane a block
}

}  // namespace ttnn::bench
