// The conv-rows kernels (ConvRowsArgs) on AVX-512: the packed GEMM's tiles with each row's operand read
// where the input row holds it, so no patch is gathered. A reduction step reads tap e's value of 12
// neighbouring output pixels (stride * channels floats apart) from kernel row e / (kernel_w * channels).
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "kernels/cpu/flush_denormals.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"
#include "kernels/cpu/x86_avx512/bfp8_blocks.hpp"

namespace ttnn::kernels {
namespace {

constexpr size_t kRows = 12;

// One reduction step in the GEMM's order: the value at input_rows[row] + pixel offset + offset times
// weight row `weight`, or (padding) the product 0 x 0 the GEMM adds past the taps.
struct Step {
  uint32_t row = 0, offset = 0, weight = 0;
  bool padding = false;
};

// The steps of f32_gemm_packed (elements 0..k-1) or, with pairs, of the bfloat16 GEMM (for each pair p,
// element 2p + 1, then 2p; an odd k's missing last element is no step). Padding steps in a row are one:
// adding +0 again changes nothing.
size_t make_steps(const ConvRowsArgs& args, bool pairs, Step* steps) {
  const size_t row_floats = args.kernel_w * args.channels, taps = args.kernel_h * row_floats;
  size_t count = 0;
  auto add = [&](size_t e) {
    Step s;
    s.padding = e >= taps;
    if (s.padding && count > 0 && steps[count - 1].padding) return;
    if (!s.padding) s.row = uint32_t(e / row_floats), s.offset = uint32_t(e % row_floats);
    s.weight = uint32_t(e);
    steps[count++] = s;
  };
  if (!pairs) {
    for (size_t e = 0; e < args.k; ++e) add(e);
    return count;
  }
  for (size_t p = 0; 2 * p < args.k; ++p) {
    if (2 * p + 1 < args.k) add(2 * p + 1);
    add(2 * p);
  }
  return count;
}

// Pixels [i0, i0 + MR) x NP panels of weights w ([NP][k][16], panel_stride apart) for output channels
// [n0, n0 + cols).
template <size_t MR, size_t NP, bool kBiasFirst>
void conv_tile(const ConvRowsArgs& args, const Step* steps, size_t count, const float* w, size_t panel_stride,
               size_t n0, size_t cols, size_t i0) {
  __m512 acc[MR][NP];
  start_tile(acc, kBiasFirst && args.bias ? args.bias + n0 : nullptr, cols);
  const size_t pixel_floats = args.stride * args.channels;
  const float* rows[kConvRowsMaxK];  // kernel rows at pixel i0 (kernel_h <= taps <= k)
  for (size_t ky = 0; ky < args.kernel_h; ++ky) rows[ky] = args.input_rows[ky] + i0 * pixel_floats;
  for (size_t s = 0; s < count; ++s) {
    const Step step = steps[s];
    if (step.padding) {  // fma(0, 0, acc): acc + 0
      const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 12
      for (size_t r = 0; r < MR; ++r)
        for (size_t j = 0; j < NP; ++j) acc[r][j] = _mm512_add_ps(acc[r][j], zero);
      continue;
    }
    __m512 wv[NP];
    for (size_t j = 0; j < NP; ++j) wv[j] = _mm512_loadu_ps(w + j * panel_stride + size_t(step.weight) * 16);
    const float* x = rows[step.row] + step.offset;
#pragma GCC unroll 12
    for (size_t r = 0; r < MR; ++r) {
      const __m512 va = _mm512_set1_ps(x[r * pixel_floats]);
      for (size_t j = 0; j < NP; ++j) acc[r][j] = _mm512_fmadd_ps(va, wv[j], acc[r][j]);
    }
  }
  float* const c = args.c + i0 * args.c_row_stride + n0;
  if (!args.round_to_bfp8)
    return store_tile<MR, NP, kBiasFirst>(args.bias ? args.bias + n0 : nullptr, args.clamp_min, args.clamp_max, false,
                                          0, c, args.c_row_stride, cols, acc);
  // store_tile's bias and clamp, then the blocks rounded in registers.
  __mmask16 mask[NP];
  add_bias_and_clamp(acc, mask, cols, !kBiasFirst && args.bias ? args.bias + n0 : nullptr, args.clamp_min,
                     args.clamp_max);
  store_all_rounded(acc, mask, c, args.c_row_stride, args.clamp_min);
}

// Strips of 32 output channels (the last maybe 16), pixels in tiles of 12; strip_weights(n0) gives the
// strip's [2][k][16] float weights and their panel stride.
template <bool kBiasFirst, typename StripWeights>
void run(const ConvRowsArgs& args, const Step* steps, size_t count, StripWeights strip_weights) {
  for (size_t n0 = 0; n0 < args.n; n0 += 32) {
    const size_t cols = std::min<size_t>(32, args.n - n0);
    const auto [w, panel_stride] = strip_weights(n0);
    auto tile = [&](auto mr, size_t i0) {
      if (cols > 16) conv_tile<decltype(mr)::value, 2, kBiasFirst>(args, steps, count, w, panel_stride, n0, cols, i0);
      else conv_tile<decltype(mr)::value, 1, kBiasFirst>(args, steps, count, w, panel_stride, n0, cols, i0);
    };
    size_t i0 = 0;
    for (; i0 + kRows <= args.pixels; i0 += kRows) tile(std::integral_constant<size_t, kRows>{}, i0);
    if (i0 < args.pixels) tail_rows<kRows - 1>(args.pixels - i0, [&](auto mr) { tile(mr, i0); });
  }
}

struct StripFloats {
  const float* w;
  size_t panel_stride;
};

}  // namespace

void f32_conv_rows__avx512f(const ConvRowsArgs& args) {
  Step steps[kConvRowsMaxK];
  const size_t count = make_steps(args, false, steps);
  run<true>(args, steps, count, [&](size_t n0) { return StripFloats{args.packed_w + n0 * args.k, 16 * args.k}; });
}

void bf16_conv_rows__avx512f(const ConvRowsArgs& args) {
  const FlushDenormals flush;
  Step steps[kConvRowsMaxK];
  const size_t count = make_steps(args, true, steps);
  const size_t pairs = bf16_pairs(args.k);
  alignas(64) float widened[2 * kConvRowsMaxK * 16];  // the strip's two panels as [2][k][16] floats
  const __m512i high = _mm512_set1_epi32(int32_t(0xFFFF0000u));
  run<false>(args, steps, count, [&](size_t n0) {
    for (size_t j = 0; j < 2 && n0 + 16 * j < args.n; ++j) {
      const uint16_t* panel = args.packed_w_bf16 + packed_gemm_weights_bf16_panel(n0 + 16 * j, args.k);
      float* to = widened + j * args.k * 16;
      for (size_t p = 0; p < pairs; ++p) {
        const __m512i words = _mm512_loadu_si512(reinterpret_cast<const void*>(panel + p * 32));
        _mm512_store_ps(to + 2 * p * 16, _mm512_castsi512_ps(_mm512_slli_epi32(words, 16)));
        if (2 * p + 1 < args.k) _mm512_store_ps(to + (2 * p + 1) * 16, _mm512_castsi512_ps(_mm512_and_si512(words, high)));
      }
    }
    return StripFloats{widened, args.k * 16};
  });
}

}  // namespace ttnn::kernels
