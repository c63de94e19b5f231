// The row walk the SIMD depthwise kernels share (scalar code, instantiated in each tier's own source): a
// 3x3 kernel's interior pixels (every tap column inside the row; rows outside the image are null and the
// interior skips them) go to `interior(begin, end)` in chunks of 32 pixels, so the rows' cache lines are
// reused across channel blocks while still in L1; every other pixel
// gets its in-bounds taps listed (padding resolved once per pixel) and goes to
// `pixel(inputs, weights, count, output)`, where count == 9 means an interior-like pixel of a 3x3 kernel.
#pragma once

#include <algorithm>

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

inline constexpr size_t kDwconvMaxKernel = 16;  // larger kernels take the reference path

// Each output row of a call (DwconvArgs::rows) as a call of its own: fn(args for that row alone).
template <class Row>
void dwconv_each_row(const DwconvArgs& args, Row row) {
  DwconvArgs one = args;
  one.rows = 1;
  for (size_t r = 0; r < args.rows; ++r) {
    one.input_rows = args.input_rows + r * args.input_row_step;
    one.output = args.output + r * args.output_row_stride;
    row(one);
  }
}

// Output pixels [ow_begin, ow_end) one at a time: each pixel's in-bounds taps listed (padding resolved once per
// pixel) and handed to `pixel(inputs, weights, count, output)`.
template <class Pixel>
void dwconv_pixels(const DwconvArgs& args, size_t ow_begin, size_t ow_end, Pixel pixel) {
  const float* in[kDwconvMaxKernel * kDwconvMaxKernel];
  const float* w[kDwconvMaxKernel * kDwconvMaxKernel];
  const long width = long(args.input_width);
  for (size_t ow = ow_begin; ow < ow_end; ++ow) {
    size_t count = 0;
    const long first = long(ow * args.stride) - long(args.pad_left);
    for (size_t i = 0; i < args.kernel_h; ++i) {
      const float* row = args.input_rows[i];
      if (!row) continue;
      for (size_t j = 0; j < args.kernel_w; ++j) {
        const long column = first + long(j * args.dilation);
        if (column < 0 || column >= width) continue;
        in[count] = row + size_t(column) * args.input_pixel_stride;
        w[count] = args.weights + (i * args.kernel_w + j) * args.weights_tap_stride;
        ++count;
      }
    }
    pixel(in, w, count, args.output + (ow - args.out_begin) * args.output_pixel_stride);
  }
}

template <class Interior, class Pixel>
void dwconv_row(const DwconvArgs& args, Interior interior, Pixel pixel) {
  const long width = long(args.input_width);
  size_t skip_begin = args.out_end, skip_end = args.out_end;  // pixels `interior` computes
  if (args.kernel_h == 3 && args.kernel_w == 3 && (args.input_rows[0] || args.input_rows[1] || args.input_rows[2])) {
    // Interior: ow * stride >= pad_left and ow * stride - pad_left + 2 * dilation < width.
    const size_t lo = (args.pad_left + args.stride - 1) / args.stride;
    const long span = width - 1 - long(2 * args.dilation) + long(args.pad_left);
    const size_t hi = span < 0 ? 0 : size_t(span) / args.stride + 1;
    skip_begin = std::max(lo, args.out_begin);
    skip_end = std::min(hi, args.out_end);
    if (skip_begin < skip_end) {
      constexpr size_t kChunk = 32;
      for (size_t b = skip_begin; b < skip_end; b += kChunk) interior(b, std::min(b + kChunk, skip_end));
    } else {
      skip_begin = skip_end = args.out_end;
    }
  }
  dwconv_pixels(args, args.out_begin, skip_begin, pixel);
  dwconv_pixels(args, skip_end, args.out_end, pixel);
}

// One pixel's 3x3 window summed onto `acc` in the order every path keeps (row by row, left to right; rows
// outside the image are null and have no taps), so all give the same bits: tap(acc, row, at, weight) is the
// tier's FMA of the input at row + at with one of the nine weights `w`. Always inlined: the tiers' pixel loops
// interleave several windows' chains, which a call would serialise. kAllRows: the caller knows no row is null.
template <bool kAllRows = false, class Vector, class Tap>
__attribute__((always_inline)) inline Vector sum_3x3_window(Vector acc, const float* const (&rows)[3], size_t at,
                                                            size_t dilation, const Vector* w, Tap tap) {
#pragma GCC unroll 3
  for (size_t r = 0; r < 3; ++r) {
    if (!kAllRows && !rows[r]) continue;
    acc = tap(acc, rows[r], at, w[3 * r]);
    acc = tap(acc, rows[r], at + dilation, w[3 * r + 1]);
    acc = tap(acc, rows[r], at + 2 * dilation, w[3 * r + 2]);
  }
  return acc;
}

// A tier's depthwise kernel: kernels larger than kDwconvMaxKernel go to the reference; the rest walk the row
// with the tier's interior 3x3 loop and its pixel function, unrolled (Pixel9) for a whole 3x3 window.
using DwconvInteriorFn = void (*)(const DwconvArgs& args, size_t ow_begin, size_t ow_end);
using DwconvPixelFn = void (*)(const DwconvArgs& args, const float* const* in, const float* const* w, size_t count,
                               float* out);

template <DwconvInteriorFn Interior, DwconvPixelFn Pixel9, DwconvPixelFn Pixel>
void dwconv_tier(const DwconvArgs& args) {
  if (args.kernel_h > kDwconvMaxKernel || args.kernel_w > kDwconvMaxKernel) return f32_dwconv_ref(args);
  if (args.rows != 1) return dwconv_each_row(args, dwconv_tier<Interior, Pixel9, Pixel>);
  dwconv_row(
      args, [&](size_t begin, size_t end) { Interior(args, begin, end); },
      [&](const float* const* in, const float* const* w, size_t count, float* out) {
        if (count == 9) Pixel9(args, in, w, count, out);  // all taps of a 3x3 kernel: fully unrolled
        else Pixel(args, in, w, count, out);
      });
}

}  // namespace ttnn::kernels
