// AVX-512 depthwise convolution over one output row segment, 16 channels a vector (masked past the last
// channel). A 3x3 kernel walks the row once per channel vector with its nine weight vectors in registers: the
// edge pixels (dilation 1: a missing column skipped at compile time), the interior eight pixels a step (their
// input columns loaded once and shared from registers at strides 1 and 2, dilation 1); several output rows in
// one call, in chunks of pixels each vector walks through every row. Other kernels, and pixels
// missing more of their window, list their in-bounds taps once per pixel. Taps are summed in the same order
// on every path (bias first, then row by row, left to right), so the paths agree bit for bit.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernels/cpu/dwconv_row.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"
#include "kernels/cpu/x86_avx512/dwconv_store.hpp"

namespace ttnn::kernels {
namespace {

template <size_t kTaps, bool kRound, class Out>
void pixel(const DwconvArgs& args, const float* const* in, const float* const* w, size_t runtime_count, Out* out) {
  const size_t count = kTaps > 0 ? kTaps : runtime_count;
  const size_t channels = args.channels;
  const __m512 lo = _mm512_set1_ps(args.clamp_min), hi = _mm512_set1_ps(args.clamp_max);
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
    for (size_t j = 0; j < 4; ++j) store_output<true, kRound>(out + c + 16 * j, 0xFFFF, acc[j], lo, hi);
  }
  for (; c < channels; c += 16) {
    const __mmask16 m = lanes(channels - c);
    __m512 acc = args.bias ? _mm512_maskz_loadu_ps(m, args.bias + c) : _mm512_setzero_ps();
    for (size_t t = 0; t < count; ++t)
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w[t] + c), _mm512_maskz_loadu_ps(m, in[t] + c), acc);
    store_output<false, kRound>(out + c, m, acc, lo, hi);
  }
}

// kPixels neighbouring interior pixels (kStride 1 or 2 at dilation 1; 0: any other stride, `stride`, or
// dilation, its columns `step` apart) onto acc, `at` the first pixel's first column in each row: at strides 1
// and 2 each input column is loaded once per row and shared in registers by the windows holding it. Each
// pixel's taps are summed in sum_3x3_window's order.
template <size_t kPixels, size_t kStride, class Load>
__attribute__((always_inline)) inline void interior_block(__m512 (&acc)[kPixels], const float* const (&rows)[3],
                                                          size_t at, size_t ps, size_t stride, size_t step,
                                                          const __m512 (&w)[9], Load load) {
  if constexpr (kStride == 0) {
    const auto tap = [&](__m512 sum, const float* row, size_t offset, const __m512& weight) {
      return _mm512_fmadd_ps(weight, load(row + offset), sum);
    };
#pragma GCC unroll 8
    for (size_t i = 0; i < kPixels; ++i) acc[i] = sum_3x3_window(acc[i], rows, at + i * stride * ps, step, w, tap);
  } else {
    constexpr size_t kColumns = kStride * (kPixels - 1) + 3;
#pragma GCC unroll 3
    for (size_t r = 0; r < 3; ++r) {
      if (!rows[r]) continue;  // outside the image: no taps
      const float* row = rows[r] + at;
      __m512 in[kColumns];
#pragma GCC unroll 17
      for (size_t j = 0; j < kColumns; ++j) in[j] = load(row + j * ps);
      // Stride 1: tap by tap over the pixels (independent chains between dependent FMAs); stride 2: pixel by
      // pixel, so that few of the seventeen columns are live at once.
      if constexpr (kStride == 1) {
#pragma GCC unroll 3
        for (size_t t = 0; t < 3; ++t)
#pragma GCC unroll 8
          for (size_t i = 0; i < kPixels; ++i) acc[i] = _mm512_fmadd_ps(w[3 * r + t], in[i + t], acc[i]);
      } else {
#pragma GCC unroll 8
        for (size_t i = 0; i < kPixels; ++i)
#pragma GCC unroll 3
          for (size_t t = 0; t < 3; ++t) acc[i] = _mm512_fmadd_ps(w[3 * r + t], in[kStride * i + t], acc[i]);
      }
    }
  }
}

// A row segment of a 3x3 kernel (every depthwise conv of the model), channels [c_begin,
// c_end) sixteen at a time (kFull: all sixteen present): for each vector, the left edge pixel, the interior in
// blocks of 8, 4, 2 and 1 pixels, and the right edge pixel in one walk along the row, whose lines the next
// vector does not share. Edge pixels skip their missing column at compile time instead of listing taps.
template <size_t kStride, bool kFull, bool kRound, class Out>
void channels_3x3(const DwconvArgs& args, const RowParts3x3& parts, size_t c_begin, size_t c_end) {
  const size_t ps = args.input_pixel_stride, stride = args.stride, pad = args.pad_left, step = args.dilation * ps;
  const __m512 lo = _mm512_set1_ps(args.clamp_min), hi = _mm512_set1_ps(args.clamp_max);
  // Arguments in locals: the output stores could alias the struct, which made every store reload them.
  const size_t channels = args.channels, out_stride = args.output_pixel_stride, row_count = args.rows;
  const size_t row_step = args.input_row_step, output_row_stride = args.output_row_stride;
  const float* const* const input_rows = args.input_rows;
  // The interior in chunks, each channel vector through every row of a chunk before the next: several rows'
  // chunks of 16 pixels keep their input lines in L1 for all the output rows that read them (a row of 56
  // pixels of 144 channels, or 112 of 96, fills L1 three rows at a time); one row goes 32 pixels at a time
  // (walked whole, a row of 112 pixels of 32 channels read from L2 ran 15% slower).
  const size_t chunk = row_count > 1 ? 16 : 32;
  for (size_t chunk_begin = parts.begin;;) {
    const size_t chunk_end = std::min(parts.end, chunk_begin + chunk);
    const bool left = parts.left && chunk_begin == parts.begin, right = parts.right && chunk_end == parts.end;
    for (size_t c = c_begin; c < c_end; c += 16) {
      const __mmask16 m = kFull ? __mmask16(0xFFFF) : lanes(channels - c);
      const auto load = [m](const float* from) {
        return kFull ? _mm512_loadu_ps(from) : _mm512_maskz_loadu_ps(m, from);
      };
      __m512 w[9];
#pragma GCC unroll 9
      for (size_t t = 0; t < 9; ++t) w[t] = _mm512_maskz_loadu_ps(m, args.weights + t * args.weights_tap_stride + c);
      const __m512 bias = args.bias ? _mm512_maskz_loadu_ps(m, args.bias + c) : _mm512_setzero_ps();
      // Pixel ow's first column in a row (the left edge pixel's is -1: unsigned wrap-around, never read).
      const auto first_column = [&](size_t ow) { return (ow * stride - pad) * ps + c; };
      const auto tap = [&](__m512 sum, const float* row, size_t offset, const __m512& weight) {
        return _mm512_fmadd_ps(weight, load(row + offset), sum);
      };
      for (size_t r = 0; r < row_count; ++r) {
        const float* const* in = input_rows + r * row_step;
        const float* const rows[3] = {in[0], in[1], in[2]};
        Out* const output = dwconv_outputs<Out>(args) + r * output_row_stride;  // pixel out_begin's
        const auto store = [&](size_t ow, __m512 v) {
          store_output<kFull, kRound>(output + (ow - args.out_begin) * out_stride + c, m, v, lo, hi);
        };
        if (left) store(parts.begin - 1, sum_3x3_window<0>(bias, rows, first_column(parts.begin - 1), ps, w, tap));
        // The blocks walk the row with running pointers: per-pixel offsets computed from ow spilled registers.
        size_t ow = chunk_begin, column = first_column(ow);
        Out* out = output + (ow - args.out_begin) * out_stride + c;
        const auto block = [&](auto count) {
          constexpr size_t kPixels = decltype(count)::value;
          __m512 acc[kPixels];
#pragma GCC unroll 8
          for (size_t i = 0; i < kPixels; ++i) acc[i] = bias;
          interior_block<kPixels, kStride>(acc, rows, column, ps, stride, step, w, load);
#pragma GCC unroll 8
          for (size_t i = 0; i < kPixels; ++i) {
            store_output<kFull, kRound>(out, m, acc[i], lo, hi);
            out += out_stride;
          }
          ow += kPixels, column += kPixels * (kStride ? kStride : stride) * ps;
        };
        while (ow + 8 <= chunk_end) block(std::integral_constant<size_t, 8>{});
        if (ow + 4 <= chunk_end) block(std::integral_constant<size_t, 4>{});
        if (ow + 2 <= chunk_end) block(std::integral_constant<size_t, 2>{});
        if (ow < chunk_end) block(std::integral_constant<size_t, 1>{});
        if (right) store(parts.end, sum_3x3_window<2>(bias, rows, first_column(parts.end), ps, w, tap));
      }
    }
    if (chunk_end == parts.end) break;
    chunk_begin = chunk_end;
  }
}

template <size_t kStride, bool kRound, class Out>
void row_3x3(const DwconvArgs& args, const RowParts3x3& parts) {
  const size_t full_end = args.channels / 16 * 16;
  channels_3x3<kStride, true, kRound, Out>(args, parts, 0, full_end);
  if (full_end < args.channels) channels_3x3<kStride, false, kRound, Out>(args, parts, full_end, args.channels);
}

// Pixels [begin, end) of one output row by their tap lists.
template <bool kRound, class Out>
void run_pixels(const DwconvArgs& args, size_t begin, size_t end) {
  dwconv_pixels(args, begin, end, [&](const float* const* in, const float* const* w, size_t count, size_t i) {
    Out* const out = dwconv_outputs<Out>(args) + i * args.output_pixel_stride;
    if (count == 9) pixel<9, kRound>(args, in, w, count, out);  // a whole 3x3 window: fully unrolled
    else pixel<0, kRound>(args, in, w, count, out);
  });
}

template <bool kRound, class Out>
void run(const DwconvArgs& args) {
  if (args.kernel_h != 3 || args.kernel_w != 3) {
    return dwconv_each_row(args, [](const DwconvArgs& one) {
      run_pixels<kRound, Out>(one, one.out_begin, one.out_end);
    });
  }
  const RowParts3x3 parts = row_parts_3x3(args);
  dwconv_each_row(args, [&](const DwconvArgs& one) {
    run_pixels<kRound, Out>(one, one.out_begin, parts.first());
    run_pixels<kRound, Out>(one, parts.last(), one.out_end);
  });
  if (args.dilation == 1 && args.stride == 1) row_3x3<1, kRound, Out>(args, parts);
  else if (args.dilation == 1 && args.stride == 2) row_3x3<2, kRound, Out>(args, parts);
  else row_3x3<0, kRound, Out>(args, parts);
}

}  // namespace

// The epilogue's steps fixed per instantiation: no branch per output vector. Words are rounded outputs.
void f32_dwconv_minmax_ukernel_up16x__avx512f(const DwconvArgs& args) {
  if (sums_bf16_pairs(args)) return f32_dwconv_pairs__avx512bf16(args);
  if (args.kernel_h > kDwconvMaxKernel || args.kernel_w > kDwconvMaxKernel) return f32_dwconv_ref(args);
  if (args.output_words) return run<true, uint16_t>(args);
  if (args.round_to_bf16) return run<true, float>(args);
  run<false, float>(args);
}

}  // namespace ttnn::kernels
