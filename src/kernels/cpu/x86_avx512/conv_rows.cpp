// The conv-rows kernels (ConvRowsArgs) on AVX-512: the packed GEMM's tiles with each row's operand read
// where the input row holds it, so no patch is gathered. A reduction step reads tap e's value of 12
// neighbouring output pixels (stride * channels floats apart) from kernel row e / (kernel_w * channels).
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/cpu/flush_denormals.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"
#include "kernels/cpu/x86_avx512/bfp8_blocks.hpp"

namespace ttnn::kernels {
namespace {

constexpr size_t kRows = 12;
constexpr size_t kShortRows = 4;  // tile_height: shorter last tiles share the pixels of the one before

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

// A padding step of the reduction, fma(0, 0, acc): acc + 0 (a -0 sum becomes +0, as in the reference).
template <size_t MR, size_t NP>
__attribute__((always_inline)) inline void add_zero(__m512 (&acc)[MR][NP]) {
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 12
  for (size_t r = 0; r < MR; ++r)
    for (size_t j = 0; j < NP; ++j) acc[r][j] = _mm512_add_ps(acc[r][j], zero);
}

// A tile's epilogue (its sums started from the bias, as both GEMMs' do): the clamp, and the outputs stored
// (rounded to bfloat16 where round_to_bf16: a flushing kernel's outputs, none subnormal) or rounded to
// bfloat8_b in registers, at pixel i0 and channel n0 of c.
template <size_t MR, size_t NP>
__attribute__((always_inline)) inline void finish_tile(const ConvRowsArgs& args, bool round_to_bf16,
                                                       __m512 (&acc)[MR][NP], size_t n0, size_t cols, size_t i0) {
  float* const c = args.c + i0 * args.c_row_stride + n0;
  if (!args.round_to_bfp8)
    return store_tile<MR, NP, true>(nullptr, args.clamp_min, args.clamp_max, round_to_bf16, c, args.c_row_stride,
                                    cols, acc);
  // store_tile's clamp, then the blocks rounded in registers.
  __mmask16 mask[NP];
  add_bias_and_clamp(acc, mask, cols, nullptr, args.clamp_min, args.clamp_max);
  store_all_rounded(acc, mask, c, args.c_row_stride, args.clamp_min);
}

// Strips of 32 output channels (the last maybe 16), pixels in tiles of 12 (row_tiles): tile(mr, np, n0, cols,
// i0) for each, mr and np integral constants.
template <class Tile>
void for_each_tile(const ConvRowsArgs& args, Tile tile) {
  for (size_t n0 = 0; n0 < args.n; n0 += 32) {
    const size_t cols = std::min<size_t>(32, args.n - n0);
    auto strip_tile = [&](auto mr, size_t i0) {
      if (cols > 16) tile(mr, std::integral_constant<size_t, 2>{}, n0, cols, i0);
      else tile(mr, std::integral_constant<size_t, 1>{}, n0, cols, i0);
    };
    row_tiles<kRows, kShortRows>(args.pixels, strip_tile);
  }
}

// Pixels [i0, i0 + MR) x NP panels of weights w ([NP][k][16], panel_stride apart) for output channels
// [n0, n0 + cols); rounded to bfloat16 where round_to_bf16 (finish_tile).
template <size_t MR, size_t NP>
void conv_tile(const ConvRowsArgs& args, bool round_to_bf16, const Step* steps, size_t count, const float* w,
               size_t panel_stride, size_t n0, size_t cols, size_t i0) {
  __m512 acc[MR][NP];
  start_tile(acc, args.bias ? args.bias + n0 : nullptr, cols);
  const size_t pixel_floats = args.stride * args.channels;
  const float* rows[kConvRowsMaxK];  // kernel rows at pixel i0 (kernel_h <= taps <= k)
  for (size_t ky = 0; ky < args.kernel_h; ++ky) rows[ky] = args.input_rows[ky] + i0 * pixel_floats;
  for (size_t s = 0; s < count; ++s) {
    const Step step = steps[s];
    if (step.padding) {
      add_zero(acc);
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
  finish_tile<MR, NP>(args, round_to_bf16, acc, n0, cols, i0);
}

struct StripFloats {
  const float* w;
  size_t panel_stride;
};

// Every tile of the call; strip_weights(n0) gives the strip's [2][k][16] float weights and their panel stride
// (made once a strip).
template <typename StripWeights>
void run(const ConvRowsArgs& args, bool round_to_bf16, const Step* steps, size_t count, StripWeights strip_weights) {
  size_t strip = SIZE_MAX;
  StripFloats weights{};
  for_each_tile(args, [&](auto mr, auto np, size_t n0, size_t cols, size_t i0) {
    if (strip != n0) strip = n0, weights = strip_weights(n0);
    conv_tile<decltype(mr)::value, decltype(np)::value>(args, round_to_bf16, steps, count, weights.w,
                                                        weights.panel_stride, n0, cols, i0);
  });
}

// The bfloat16 GEMM's reduction as vdpbf16ps takes it: pair p (elements 2p and 2p + 1) read as one dword
// broadcast, straight from a kernel row's bfloat16 words where both elements lie next to each other in it,
// else (a pair across two kernel rows, or with the padding past the taps) from a dword per pixel made
// beforehand. Pairs wholly past the taps add +0 once, as the reference's products 0 x 0 do.
struct PairStep {
  uint32_t row = 0, offset = 0;  // direct: the first element's kernel row and offset in it (words)
  int32_t made = -1;             // else: which of the made dwords
};

struct PairPlan {
  PairStep steps[kConvRowsMaxK / 2];
  size_t count = 0, made = 0;
  bool padding_pairs = false;
  // made pair q's two elements (SIZE_MAX: past the taps, a zero word)
  size_t made_elements[kConvRowsMaxK / 2][2];
};

PairPlan plan_pairs(const ConvRowsArgs& args) {
  const size_t row_floats = args.kernel_w * args.channels, taps = args.kernel_h * row_floats;
  PairPlan plan;
  for (size_t p = 0; 2 * p < args.k; ++p) {
    const size_t e = 2 * p;
    if (e >= taps) {
      plan.padding_pairs = true;
      continue;
    }
    PairStep step;
    if (e + 1 < taps && e / row_floats == (e + 1) / row_floats) {
      step.row = uint32_t(e / row_floats), step.offset = uint32_t(e % row_floats);
    } else {
      step.made = int32_t(plan.made);
      plan.made_elements[plan.made][0] = e;
      plan.made_elements[plan.made][1] = e + 1 < taps ? e + 1 : SIZE_MAX;
      ++plan.made;
    }
    plan.steps[plan.count++] = step;
  }
  return plan;
}

// Pixels [i0, i0 + MR) x NP panels of the strip from n0 (cols channels): the pairs' products from the bias,
// then the clamp and rounding of the bfloat16 GEMM.
template <size_t MR, size_t NP>
void pair_tile(const ConvRowsArgs& args, const PairPlan& plan, const uint16_t* const* words, size_t pixel_words,
               const uint32_t* made, size_t made_stride, const uint16_t* panel, size_t panel_stride, size_t n0,
               size_t cols, size_t i0) {
  __m512 acc[MR][NP];
  start_tile(acc, args.bias ? args.bias + n0 : nullptr, cols);
  for (size_t p = 0; p < plan.count; ++p) {
    // Pixel r's dword at x + r * stride bytes: in its kernel row's words, or among the made ones.
    const PairStep step = plan.steps[p];
    const char* const x = step.made < 0
                              ? reinterpret_cast<const char*>(words[step.row] + i0 * pixel_words + step.offset)
                              : reinterpret_cast<const char*>(made + size_t(step.made) * made_stride + i0);
    dpbf16_pair(acc, panel, panel_stride, p, x, step.made < 0 ? pixel_words * sizeof(uint16_t) : sizeof(uint32_t));
  }
  if (plan.padding_pairs) add_zero(acc);
  finish_tile<MR, NP>(args, args.round_to_bf16, acc, n0, cols, i0);
}

// Per-thread words of a call's kernel rows and its made pairs.
struct PairScratch {
  std::vector<uint16_t> words;
  std::vector<uint32_t> made;
};

}  // namespace

void f32_conv_rows__avx512f(const ConvRowsArgs& args) {
  Step steps[kConvRowsMaxK];
  const size_t count = make_steps(args, false, steps);
  // No flushing here: rounding a subnormal output takes bf16_rounded, not the epilogue's short way.
  run(args, false, steps, count, [&](size_t n0) { return StripFloats{args.packed_w + n0 * args.k, 16 * args.k}; });
}

void bf16_conv_rows__avx512f(const ConvRowsArgs& args) {
  const FlushDenormals flush;
  Step steps[kConvRowsMaxK];
  const size_t count = make_steps(args, true, steps);
  const size_t pairs = bf16_pairs(args.k);
  alignas(64) float widened[2 * kConvRowsMaxK * 16];  // the strip's two panels as [2][k][16] floats
  const __m512i high = _mm512_set1_epi32(int32_t(0xFFFF0000u));
  run(args, args.round_to_bf16, steps, count, [&](size_t n0) {
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

void bf16_conv_rows__avx512bf16(const ConvRowsArgs& args) {
  const FlushDenormals flush;
  const PairPlan plan = plan_pairs(args);
  const size_t row_floats = args.kernel_w * args.channels, pixel_floats = args.stride * args.channels;
  // Each kernel row's span the pixels read, as bfloat16 words (the values are bfloat16 values: exact).
  const size_t span = (args.pixels - 1) * pixel_floats + row_floats, span_words = (span + 31) / 32 * 32;
  thread_local PairScratch scratch;  // grows to the largest call, then allocates nothing
  if (scratch.words.size() < args.kernel_h * span_words) scratch.words.resize(args.kernel_h * span_words);
  if (scratch.made.size() < plan.made * args.pixels) scratch.made.resize(plan.made * args.pixels);
  const uint16_t* words[kConvRowsMaxK];
  for (size_t ky = 0; ky < args.kernel_h; ++ky) {
    uint16_t* to = scratch.words.data() + ky * span_words;
    bf16_top_halves__avx512(args.input_rows[ky], span, to);
    words[ky] = to;
  }
  static const uint16_t kZero[1] = {0};  // a pair's element past the taps
  for (size_t q = 0; q < plan.made; ++q) {
    const size_t low = plan.made_elements[q][0], high = plan.made_elements[q][1];
    const uint16_t* from_low = words[low / row_floats] + low % row_floats;
    const uint16_t* from_high = high == SIZE_MAX ? kZero : words[high / row_floats] + high % row_floats;
    const size_t high_step = high == SIZE_MAX ? 0 : pixel_floats;
    uint32_t* to = scratch.made.data() + q * args.pixels;
    for (size_t i = 0; i < args.pixels; ++i)
      to[i] = uint32_t(from_low[i * pixel_floats]) | uint32_t(from_high[i * high_step]) << 16;
  }
  const size_t panel_stride = bf16_panel_elems(args.k);
  for_each_tile(args, [&](auto mr, auto np, size_t n0, size_t cols, size_t i0) {
    pair_tile<decltype(mr)::value, decltype(np)::value>(args, plan, words, pixel_floats, scratch.made.data(),
                                                        args.pixels,
                                                        args.packed_w_bf16 + packed_gemm_weights_bf16_panel(n0, args.k),
                                                        panel_stride, n0, cols, i0);
  });
}

}  // namespace ttnn::kernels
