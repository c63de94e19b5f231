// AVX2+FMA depthwise convolution over one output row segment, channels innermost: 16 channels (two
// vectors) per step, then 8, then a masked tail. Padding is resolved into a list of tap pointers once per
// pixel; an interior 3x3 pixel (nine taps) runs fully unrolled, stride 1 or 2.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "kernels/cpu/dwconv_row.hpp"
#include "kernels/cpu/x86_avx2/avx2.hpp"

namespace ttnn::kernels {
namespace {

// One output pixel from its in-bounds taps; kTaps > 0 fixes the count at compile time (full unroll).
template <size_t kTaps, bool kRound>
void pixel(const DwconvArgs& args, const float* const* in, const float* const* w, size_t runtime_count, float* out) {
  const size_t count = kTaps > 0 ? kTaps : runtime_count;
  const size_t channels = args.channels;
  const __m256 lo = _mm256_set1_ps(args.clamp_min), hi = _mm256_set1_ps(args.clamp_max);
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    __m256 acc0 = args.bias ? _mm256_loadu_ps(args.bias + c) : _mm256_setzero_ps();
    __m256 acc1 = args.bias ? _mm256_loadu_ps(args.bias + c + 8) : _mm256_setzero_ps();
    for (size_t t = 0; t < count; ++t) {
      acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w[t] + c), _mm256_loadu_ps(in[t] + c), acc0);
      acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(w[t] + c + 8), _mm256_loadu_ps(in[t] + c + 8), acc1);
    }
    _mm256_storeu_ps(out + c, finish<kRound>(acc0, lo, hi));
    _mm256_storeu_ps(out + c + 8, finish<kRound>(acc1, lo, hi));
  }
  for (; c < channels; c += 8) {
    const size_t lanes = std::min<size_t>(8, channels - c);
    const __m256i m = mask_for(lanes);
    __m256 acc = args.bias ? _mm256_maskload_ps(args.bias + c, m) : _mm256_setzero_ps();
    for (size_t t = 0; t < count; ++t)
      acc = _mm256_fmadd_ps(_mm256_maskload_ps(w[t] + c, m), _mm256_maskload_ps(in[t] + c, m), acc);
    acc = finish<kRound>(acc, lo, hi);
    if (lanes == 8) _mm256_storeu_ps(out + c, acc);
    else _mm256_maskstore_ps(out + c, m, acc);
  }
}

// 3x3, output pixels [ow_begin, ow_end) whose taps are all inside the row (null rows, outside the image,
// skipped):
// 8 channels at a time with the nine weight vectors held in registers, two pixels per step. The taps are
// summed in the same order as pixel(), so the two paths agree bit for bit.
template <bool kRound>
void interior_3x3(const DwconvArgs& args, size_t ow_begin, size_t ow_end) {
  const size_t ps = args.input_pixel_stride, dil = args.dilation * ps, step = args.stride * ps;
  const __m256 lo = _mm256_set1_ps(args.clamp_min), hi = _mm256_set1_ps(args.clamp_max);
  const float* const rows[3] = {args.input_rows[0], args.input_rows[1], args.input_rows[2]};
  const size_t first = (ow_begin * args.stride - args.pad_left) * ps;
  for (size_t c = 0; c < args.channels; c += 8) {
    const size_t lanes = std::min<size_t>(8, args.channels - c);
    const __m256i m = mask_for(lanes);
    __m256 w[9];
#pragma GCC unroll 9
    for (size_t t = 0; t < 9; ++t) w[t] = _mm256_maskload_ps(args.weights + t * args.weights_tap_stride + c, m);
    const __m256 bias = args.bias ? _mm256_maskload_ps(args.bias + c, m) : _mm256_setzero_ps();
    float* out = args.output + (ow_begin - args.out_begin) * args.output_pixel_stride + c;
    size_t offset = first + c, ow = ow_begin;
    auto tap = [&](__m256 acc, const float* row, size_t at, const __m256& weight) {
      return _mm256_fmadd_ps(weight, lanes == 8 ? _mm256_loadu_ps(row + at) : _mm256_maskload_ps(row + at, m), acc);
    };
    auto one = [&](size_t at) { return finish<kRound>(sum_3x3_window(bias, rows, at, dil, w, tap), lo, hi); };
    auto store = [&](float* to, __m256 v) {
      if (lanes == 8) _mm256_storeu_ps(to, v);
      else _mm256_maskstore_ps(to, m, v);
    };
    for (; ow + 2 <= ow_end; ow += 2, offset += 2 * step, out += 2 * args.output_pixel_stride) {
      const __m256 v0 = one(offset), v1 = one(offset + step);
      store(out, v0);
      store(out + args.output_pixel_stride, v1);
    }
    if (ow < ow_end) store(out, one(offset));
  }
}

template <bool kRound>
void run(const DwconvArgs& args) {
  dwconv_tier<interior_3x3<kRound>, pixel<9, kRound>, pixel<0, kRound>>(args);
}

}  // namespace

// The epilogue's step fixed per instantiation: no branch per output vector.
void f32_dwconv_minmax_ukernel_up16x__avx2(const DwconvArgs& args) {
  if (args.output_words)
    return dwconv_words_through_floats(args, f32_dwconv_minmax_ukernel_up16x__avx2, bf16_top_halves_rows__avx2);
  if (args.round_to_bf16) return run<true>(args);
  run<false>(args);
}

}  // namespace ttnn::kernels
