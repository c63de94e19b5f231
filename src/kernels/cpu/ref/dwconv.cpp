// Portable depthwise convolution over one output row segment; channels innermost so the inner loop
// vectorises.
#include <algorithm>

#include "kernels/cpu/dwconv_row.hpp"
#include "kernels/cpu/ref/epilogue.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {

void f32_dwconv_ref(const DwconvArgs& args) {
  if (args.output_words) return dwconv_words_through_floats(args, f32_dwconv_ref, bf16_top_halves_ref);
  if (args.rows != 1) return dwconv_each_row(args, f32_dwconv_ref);
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
