// What the depthwise kernels of the tiers share (scalar code, instantiated in each tier's own source): calls
// of several rows split into calls of one, a row's pixels split into a 3x3 kernel's interior and edges, the
// pixels outside those with their in-bounds taps listed, and the order a 3x3 window's taps are summed in. The
// AVX2 tier walks its rows with dwconv_row: the interior pixels go to `interior(begin, end)` in chunks of 32
// pixels, so the rows' cache lines are reused across channel blocks while still in L1; every other pixel
// gets its in-bounds taps listed (padding resolved once per pixel) and goes to
// `pixel(inputs, weights, count, i)` (pixel out_begin + i), where count == 9 means an interior-like pixel of a
// 3x3 kernel.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

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
    one.input_row0 = args.input_row0 + long(r * args.input_row_step);
    if (args.output_words) one.output_words = args.output_words + r * args.output_row_stride;
    else one.output = args.output + r * args.output_row_stride;
    row(one);
  }
}

// Output pixels [ow_begin, ow_end) one at a time: each pixel's in-bounds taps listed (padding resolved once per
// pixel) and handed to `pixel(inputs, weights, count, i)`, i its index in the segment (ow - out_begin).
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
    pixel(in, w, count, ow - args.out_begin);
  }
}

// Where a row segment's pixels go (a 3x3 kernel): the interior [begin, end) (every column inside the row) and,
// at dilation 1, a left edge pixel (its window's first column left of the row) and a right edge pixel (its
// last column right of the row), each possibly absent; they are contiguous, and the pixels before and after
// them (windows missing more) take the tap-list path.
struct RowParts3x3 {
  bool left = false, right = false;
  size_t begin = 0, end = 0;  // the interior; the left edge pixel is begin - 1, the right one end
  size_t first() const { return left ? begin - 1 : begin; }
  size_t last() const { return right ? end + 1 : end; }
};

inline RowParts3x3 row_parts_3x3(const DwconvArgs& args) {
  const long width = long(args.input_width), stride = long(args.stride), pad = long(args.pad_left);
  const long out_begin = long(args.out_begin), out_end = long(args.out_end), span = 2 * long(args.dilation);
  auto start = [&](long ow) { return ow * stride - pad; };  // a window's first column
  // The interior, unclipped: [lo, hi) with start >= 0 and start + span < width; then the left edge pixel is
  // lo - 1 (start -1) and the right one hi (start + 2 == width), where they are.
  const long lo = (pad + stride - 1) / stride;
  const long hi = std::max(lo, width - 1 - span + pad < 0 ? 0 : (width - 1 - span + pad) / stride + 1);
  const auto inside = [&](long ow) { return ow >= out_begin && ow < out_end; };
  RowParts3x3 parts;
  parts.begin = size_t(std::clamp(lo, out_begin, out_end));
  parts.end = size_t(std::clamp(hi, long(parts.begin), out_end));
  parts.left = span == 2 && lo >= 1 && start(lo - 1) == -1 && width >= 2 && inside(lo - 1);
  parts.right = span == 2 && start(hi) + 2 == width && inside(hi);
  return parts;
}

template <class Interior, class Pixel>
void dwconv_row(const DwconvArgs& args, Interior interior, Pixel pixel) {
  size_t skip_begin = args.out_end, skip_end = args.out_end;  // pixels `interior` computes
  if (args.kernel_h == 3 && args.kernel_w == 3 && (args.input_rows[0] || args.input_rows[1] || args.input_rows[2])) {
    const RowParts3x3 parts = row_parts_3x3(args);
    constexpr size_t kChunk = 32;
    for (size_t b = parts.begin; b < parts.end; b += kChunk) interior(b, std::min(b + kChunk, parts.end));
    if (parts.begin < parts.end) skip_begin = parts.begin, skip_end = parts.end;
  }
  dwconv_pixels(args, args.out_begin, skip_begin, pixel);
  dwconv_pixels(args, skip_end, args.out_end, pixel);
}

// One pixel's 3x3 window summed onto `acc` in the order every path keeps (row by row, left to right; rows
// outside the image are null and column kSkip (0 or 2: outside the row; -1: none) have no taps), so all give
// the same bits: tap(acc, row, offset, weight) is the tier's FMA of the input at row + offset with one of the
// nine weights `w`, the columns `step` apart from `at` (the offsets are summed before they reach the row
// pointer: a left edge pixel's `at` wraps around below 0). Always inlined: the tiers' pixel loops interleave
// several windows' chains, which a call would serialise.
template <int kSkip = -1, class Vector, class Tap>
__attribute__((always_inline)) inline Vector sum_3x3_window(Vector acc, const float* const (&rows)[3], size_t at,
                                                            size_t step, const Vector* w, Tap tap) {
#pragma GCC unroll 3
  for (size_t r = 0; r < 3; ++r) {
    if (!rows[r]) continue;
#pragma GCC unroll 3
    for (size_t t = 0; t < 3; ++t)
      if (int(t) != kSkip) acc = tap(acc, rows[r], at + t * step, w[3 * r + t]);
  }
  return acc;
}

// A tier's depthwise kernel: kernels larger than kDwconvMaxKernel go to the reference; the rest walk the row
// with the tier's interior 3x3 loop and its pixel function, unrolled (Pixel9) for a whole 3x3 window.
using DwconvInteriorFn = void (*)(const DwconvArgs& args, size_t ow_begin, size_t ow_end);
using DwconvPixelFn = void (*)(const DwconvArgs& args, const float* const* in, const float* const* w, size_t count,
                               float* out);

// A call writing bfloat16 words (DwconvArgs::output_words) on a kernel that writes floats: row by row into
// a per-thread float row (grown once: a planned pass allocates nothing after its first), then its pixels' top
// halves, which are the words (the outputs are bfloat16 values).
template <class Kernel>
void dwconv_words_through_floats(const DwconvArgs& args, Kernel kernel, Bf16TopHalvesRowsFn top_halves) {
  thread_local std::vector<float> row;
  const size_t pixels = args.out_end - args.out_begin, channels = args.channels;
  if (row.size() < pixels * channels) row.resize(pixels * channels);
  DwconvArgs one = args;
  one.rows = 1, one.output_words = nullptr, one.output = row.data(), one.output_pixel_stride = channels;
  for (size_t r = 0; r < args.rows; ++r) {
    one.input_rows = args.input_rows + r * args.input_row_step;
    one.input_row0 = args.input_row0 + long(r * args.input_row_step);
    kernel(one);
    uint16_t* words = args.output_words + r * args.output_row_stride;
    top_halves(row.data(), channels, pixels, channels, words, args.output_pixel_stride);
  }
}

// Whether a call sums its taps in pairs (DwconvArgs::bf16_pairs: a 3x3 kernel at dilation 1 only).
inline bool sums_bf16_pairs(const DwconvArgs& args) {
  return args.bf16_pairs && args.kernel_h == 3 && args.kernel_w == 3 && args.dilation == 1;
}

template <DwconvInteriorFn Interior, DwconvPixelFn Pixel9, DwconvPixelFn Pixel>
void dwconv_tier(const DwconvArgs& args) {
  if (args.kernel_h > kDwconvMaxKernel || args.kernel_w > kDwconvMaxKernel || sums_bf16_pairs(args))
    return f32_dwconv_ref(args);
  if (args.rows != 1) return dwconv_each_row(args, dwconv_tier<Interior, Pixel9, Pixel>);
  dwconv_row(
      args, [&](size_t begin, size_t end) { Interior(args, begin, end); },
      [&](const float* const* in, const float* const* w, size_t count, size_t i) {
        float* out = args.output + i * args.output_pixel_stride;
        if (count == 9) Pixel9(args, in, w, count, out);  // all taps of a 3x3 kernel: fully unrolled
        else Pixel(args, in, w, count, out);
      });
}

}  // namespace ttnn::kernels
