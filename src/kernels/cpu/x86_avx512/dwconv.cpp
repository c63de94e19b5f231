// AVX-512 depthwise convolution over one output row segment, channels innermost, 16 a vector (masked past
// the last channel). Padding is resolved into a list of tap pointers once per pixel at the row's ends; the
// interior 3x3 pixels run with their nine weight vectors in registers, eight pixels a step (at stride 1 the
// eight share their input columns from registers). Taps are summed in the same order on every path (bias
// first, then row by row), so the paths agree bit for bit.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernels/cpu/dwconv_row.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {
namespace {

template <size_t kTaps, bool kRound, bool kCut>
void pixel(const DwconvArgs& args, const float* const* in, const float* const* w, size_t runtime_count, float* out) {
  const size_t count = kTaps > 0 ? kTaps : runtime_count;
  const size_t channels = args.channels;
  const __m512 lo = _mm512_set1_ps(args.clamp_min), hi = _mm512_set1_ps(args.clamp_max);
  const SignificandCut16 cut(args.cut_bits);
  size_t c = 0;
  // Four channel vectors at a time: four independent tap chains instead of one waiting on each FMA.
  for (; c + 64 <= channels; c += 64) {
    __m512 acc[4];
#pragma GCC unroll 4
    for (size_t j = 0; j < 4; ++j) acc[j] = args.bias ? _mm512_loadu_ps(args.bias + c + 16 * j) : _mm512_setzero_ps();
    for (size_t t = 0; t < count; ++t)
#pragma GCC unroll 4
      for (size_t j = 0; j < 4; ++j)
        acc[j] = _mm512_fmadd_ps(_mm512_loadu_ps(w[t] + c + 16 * j), _mm512_loadu_ps(in[t] + c + 16 * j), acc[j]);
#pragma GCC unroll 4
    for (size_t j = 0; j < 4; ++j) _mm512_storeu_ps(out + c + 16 * j, finish<kRound, kCut>(acc[j], lo, hi, cut));
  }
  for (; c < channels; c += 16) {
    const __mmask16 m = lanes(channels - c);
    __m512 acc = args.bias ? _mm512_maskz_loadu_ps(m, args.bias + c) : _mm512_setzero_ps();
    for (size_t t = 0; t < count; ++t)
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w[t] + c), _mm512_maskz_loadu_ps(m, in[t] + c), acc);
    _mm512_mask_storeu_ps(out + c, m, finish<kRound, kCut>(acc, lo, hi, cut));
  }
}

// 3x3, output pixels [ow_begin, ow_end) whose taps are all inside the row (rows outside the image are null
// and skipped), channels [c_begin, c_end) in vectors of 16. kFull: every vector has 16 channels; kAllRows: no
// row is null. The common case (both) compiles to straight-line chains without a test per tap.
template <bool kFull, bool kAllRows, bool kRound, bool kCut>
void interior_3x3_channels(const DwconvArgs& args, size_t ow_begin, size_t ow_end, size_t c_begin, size_t c_end) {
  const size_t ps = args.input_pixel_stride, dil = args.dilation * ps, step = args.stride * ps;
  const __m512 lo = _mm512_set1_ps(args.clamp_min), hi = _mm512_set1_ps(args.clamp_max);
  const SignificandCut16 cut(args.cut_bits);
  const float* const rows[3] = {args.input_rows[0], args.input_rows[1], args.input_rows[2]};
  const size_t first = (ow_begin * args.stride - args.pad_left) * ps;
  // Arguments in locals: the output stores could alias the struct, which made every store reload them.
  const size_t channels = args.channels, out_stride = args.output_pixel_stride;
  for (size_t c = c_begin; c < c_end; c += 16) {
    const __mmask16 m = kFull ? __mmask16(0xFFFF) : lanes(channels - c);
    __m512 w[9];
#pragma GCC unroll 9
    for (size_t t = 0; t < 9; ++t) w[t] = _mm512_maskz_loadu_ps(m, args.weights + t * args.weights_tap_stride + c);
    const __m512 bias = args.bias ? _mm512_maskz_loadu_ps(m, args.bias + c) : _mm512_setzero_ps();
    float* out = args.output + (ow_begin - args.out_begin) * out_stride + c;
    size_t offset = first + c, ow = ow_begin;
    auto tap = [&](__m512 acc, const float* row, size_t at, const __m512& weight) {
      return _mm512_fmadd_ps(weight, kFull ? _mm512_loadu_ps(row + at) : _mm512_maskz_loadu_ps(m, row + at), acc);
    };
    auto one = [&](size_t at) {
      return finish<kRound, kCut>(sum_3x3_window<kAllRows>(bias, rows, at, dil, w, tap), lo, hi, cut);
    };
    // Eight pixels per step: a pixel's nine taps are one chain (their order is fixed), so eight
    // independent chains keep the FMA units busy through the latency. The last few go four, two and one at a
    // time: one by one, each chain's latency was a third of the kernel's time on rows of 7 to 28 pixels.
    const auto pixels = [&](auto count) {
      constexpr size_t kPixels = decltype(count)::value;
      __m512 v[kPixels];
#pragma GCC unroll 8
      for (size_t i = 0; i < kPixels; ++i) v[i] = one(offset + i * step);
#pragma GCC unroll 8
      for (size_t i = 0; i < kPixels; ++i) {
        if (kFull) _mm512_storeu_ps(out + i * out_stride, v[i]);
        else _mm512_mask_storeu_ps(out + i * out_stride, m, v[i]);
      }
      ow += kPixels, offset += kPixels * step, out += kPixels * out_stride;
    };
    while (ow + 8 <= ow_end) pixels(std::integral_constant<size_t, 8>{});
    if (ow + 4 <= ow_end) pixels(std::integral_constant<size_t, 4>{});
    if (ow + 2 <= ow_end) pixels(std::integral_constant<size_t, 2>{});
    if (ow < ow_end) pixels(std::integral_constant<size_t, 1>{});
  }
}

template <bool kRound, bool kCut>
void interior_3x3(const DwconvArgs& args, size_t ow_begin, size_t ow_end) {
  const size_t full_end = args.channels / 16 * 16;
  const bool all_rows = args.input_rows[0] && args.input_rows[1] && args.input_rows[2];
  if (all_rows) interior_3x3_channels<true, true, kRound, kCut>(args, ow_begin, ow_end, 0, full_end);
  else interior_3x3_channels<true, false, kRound, kCut>(args, ow_begin, ow_end, 0, full_end);
  if (full_end < args.channels) interior_3x3_channels<false, false, kRound, kCut>(args, ow_begin, ow_end, full_end, args.channels);
}

// Stride 1, dilation 1: eight neighbouring pixels read ten input columns per row, so each input vector is
// loaded once per row and reused from registers by the (up to) three pixels whose windows hold it, instead
// of being loaded by each (72 loads for 72 FMAs before, 30 now). Each pixel still sums bias, then its taps
// row by row in order: the same bits as interior_3x3.
template <bool kRound, bool kCut>
void interior_3x3_stride1(const DwconvArgs& args, size_t ow_begin, size_t ow_end) {
  constexpr size_t kPixels = 8, kColumns = kPixels + 2;
  const size_t ps = args.input_pixel_stride;
  const __m512 lo = _mm512_set1_ps(args.clamp_min), hi = _mm512_set1_ps(args.clamp_max);
  const SignificandCut16 cut(args.cut_bits);
  const size_t first = (ow_begin - args.pad_left) * ps;
  const size_t blocks = (ow_end - ow_begin) / kPixels * kPixels;
  // Arguments in locals: the output stores could alias the struct, which made every store reload them.
  const size_t channels = args.channels, out_stride = args.output_pixel_stride;
  const float* const rows[3] = {args.input_rows[0], args.input_rows[1], args.input_rows[2]};
  for (size_t c = 0; c < channels; c += 16) {
    const __mmask16 m = lanes(channels - c);
    const bool full = m == 0xFFFF;
    __m512 w[9];
#pragma GCC unroll 9
    for (size_t t = 0; t < 9; ++t) w[t] = _mm512_maskz_loadu_ps(m, args.weights + t * args.weights_tap_stride + c);
    const __m512 bias = args.bias ? _mm512_maskz_loadu_ps(m, args.bias + c) : _mm512_setzero_ps();
    float* out = args.output + (ow_begin - args.out_begin) * out_stride + c;
    for (size_t done = 0; done < blocks; done += kPixels, out += kPixels * out_stride) {
      __m512 acc[kPixels];
#pragma GCC unroll 8
      for (size_t i = 0; i < kPixels; ++i) acc[i] = bias;
#pragma GCC unroll 3
      for (size_t r = 0; r < 3; ++r) {
        if (!rows[r]) continue;  // outside the image: no taps
        const float* row = rows[r] + first + c + done * ps;
        __m512 in[kColumns];
#pragma GCC unroll 10
        for (size_t j = 0; j < kColumns; ++j)
          in[j] = full ? _mm512_loadu_ps(row + j * ps) : _mm512_maskz_loadu_ps(m, row + j * ps);
#pragma GCC unroll 3
        for (size_t t = 0; t < 3; ++t)
#pragma GCC unroll 8
          for (size_t i = 0; i < kPixels; ++i) acc[i] = _mm512_fmadd_ps(w[3 * r + t], in[i + t], acc[i]);
      }
#pragma GCC unroll 8
      for (size_t i = 0; i < kPixels; ++i)
        _mm512_mask_storeu_ps(out + i * out_stride, m, finish<kRound, kCut>(acc[i], lo, hi, cut));
    }
  }
  if (blocks < ow_end - ow_begin) interior_3x3<kRound, kCut>(args, ow_begin + blocks, ow_end);
}

// The interior loop for the layer's stride and dilation.
template <bool kRound, bool kCut>
void interior(const DwconvArgs& args, size_t ow_begin, size_t ow_end) {
  if (args.stride == 1 && args.dilation == 1) interior_3x3_stride1<kRound, kCut>(args, ow_begin, ow_end);
  else interior_3x3<kRound, kCut>(args, ow_begin, ow_end);
}

template <bool kRound, bool kCut>
void run(const DwconvArgs& args) {
  dwconv_tier<interior<kRound, kCut>, pixel<9, kRound, kCut>, pixel<0, kRound, kCut>>(args);
}

}  // namespace

// The epilogue's steps fixed per instantiation: no branch per output vector.
void f32_dwconv_minmax_ukernel_up16x__avx512f(const DwconvArgs& args) {
  const bool cut = SignificandCut16(args.cut_bits).drop > 0;
  if (args.round_to_bf16) return cut ? run<true, true>(args) : run<true, false>(args);
  return cut ? run<false, true>(args) : run<false, false>(args);
}

}  // namespace ttnn::kernels
