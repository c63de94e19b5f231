// Portable depthwise convolution over one output row segment; channels innermost so the inner loop
// vectorises. Also the definition of the bfloat16 pairs' order (DwconvArgs::bf16_pairs), on scalar floats.
#include <algorithm>
#include <cmath>

#include "kernels/cpu/dwconv_row.hpp"
#include "kernels/cpu/ref/epilogue.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {
namespace {

// One output row segment of a 3x3 kernel at dilation 1 in the pairs' order (kernels.hpp).
void dwconv_pairs_ref(const DwconvArgs& args) {
  // The window rows of the pair: 0 and 1 where the window starts at an even image row, else 1 and 2.
  const size_t upper = args.input_row0 % 2 == 0 ? 0 : 1, lone = upper == 0 ? 2 : 0;
  const float clamp_min = flush(args.clamp_min), clamp_max = flush(args.clamp_max);
  for (size_t ow = args.out_begin; ow < args.out_end; ++ow) {
    float* out = args.output + (ow - args.out_begin) * args.output_pixel_stride;
    const long first_column = long(ow * args.stride) - long(args.pad_left);
    for (size_t c = 0; c < args.channels; ++c) {
      // Tap (row i, column t) as vdpbf16ps reads it: +0 outside the image.
      const auto value = [&](size_t i, size_t t) {
        const long column = first_column + long(t);
        if (!args.input_rows[i] || column < 0 || column >= long(args.input_width)) return 0.0f;
        return flush(args.input_rows[i][size_t(column) * args.input_pixel_stride + c]);
      };
      const auto weight = [&](size_t i, size_t t) {
        return flush(args.weights[(3 * i + t) * args.weights_tap_stride + c]);
      };
      float acc = args.bias ? flush(args.bias[c]) : 0.0f;
      const auto add = [&](float x, float w) { acc = flush(std::fma(x, w, acc)); };
      const auto pair_unit = [&] {
        for (size_t t = 0; t < 3; ++t) {
          add(value(upper + 1, t), weight(upper + 1, t));
          add(value(upper, t), weight(upper, t));
        }
      };
      const auto lone_unit = [&] {
        for (size_t t = 0; t < 3; ++t) {
          add(value(lone, t), weight(lone, t));
          add(0.0f, 0.0f);  // the empty half: turns a -0 sum into +0
        }
      };
      if (lone == 0) lone_unit(), pair_unit();
      else pair_unit(), lone_unit();
      out[c] = finish_output(acc, clamp_min, clamp_max, args.round_to_bf16);
    }
  }
}

}  // namespace

void f32_dwconv_ref(const DwconvArgs& args) {
  if (args.output_words) return dwconv_words_through_floats(args, f32_dwconv_ref, bf16_top_halves_rows_ref);
  if (args.rows != 1) return dwconv_each_row(args, f32_dwconv_ref);
  if (sums_bf16_pairs(args)) return dwconv_pairs_ref(args);
  const size_t channels = args.channels;
  for (size_t ow = args.out_begin; ow < args.out_end; ++ow) {
    float* out = args.output + (ow - args.out_begin) * args.output_pixel_stride;
    for (size_t c = 0; c < channels; ++c) out[c] = args.bias ? args.bias[c] : 0.0f;
    for (size_t i = 0; i < args.kernel_h; ++i) {
      const float* row = args.input_rows[i];
      if (!row) continue;
      for (size_t j = 0; j < args.kernel_w; ++j) {
        const long column = long(ow * args.stride + j * args.dilation) - long(args.pad_left);
        if (column < 0 || column >= long(args.input_width)) continue;
        const float* in = row + size_t(column) * args.input_pixel_stride;
        const float* w = args.weights + (i * args.kernel_w + j) * args.weights_tap_stride;
        for (size_t c = 0; c < channels; ++c) out[c] += w[c] * in[c];
      }
    }
    for (size_t c = 0; c < channels; ++c)
      out[c] = finish_output(out[c], args.clamp_min, args.clamp_max, args.round_to_bf16);
  }
}

}  // namespace ttnn::kernels
