// The conv-rows kernels (ConvRowsArgs) as a tier's packed GEMM on patches gathered a few pixels at a time
// into stack buffers: what they are defined to equal, and the kernels of tiers without a direct one
// (instantiated in the tier's own sources, so that the gathering compiles for its instruction set).
#pragma once

#include <algorithm>
#include <cstring>

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

inline constexpr size_t kConvRowsGatherPixels = 16;

// Patches of pixels [i0, i0 + count) as [count][k] floats, zeros past the taps.
inline void gather_conv_rows(const ConvRowsArgs& args, size_t i0, size_t count, float* patches) {
  const size_t row_floats = args.kernel_w * args.channels, taps = args.kernel_h * row_floats;
  for (size_t i = 0; i < count; ++i) {
    float* patch = patches + i * args.k;
    for (size_t ky = 0; ky < args.kernel_h; ++ky)
      std::memcpy(patch + ky * row_floats, args.input_rows[ky] + (i0 + i) * args.stride * args.channels,
                  row_floats * sizeof(float));
    std::fill(patch + taps, patch + args.k, 0.0f);
  }
}

template <GemmPackedF32Fn Gemm, Bfp8RoundRowsFn Round>
void f32_conv_rows_by_gemm(const ConvRowsArgs& args) {
  float patches[kConvRowsGatherPixels * kConvRowsMaxK];
  for (size_t i0 = 0; i0 < args.pixels; i0 += kConvRowsGatherPixels) {
    const size_t count = std::min(kConvRowsGatherPixels, args.pixels - i0);
    gather_conv_rows(args, i0, count, patches);
    GemmPackedArgs gemm;
    gemm.m = count, gemm.n = args.n, gemm.k = args.k;
    gemm.a = patches, gemm.a_row_stride = args.k;
    gemm.packed_w = args.packed_w, gemm.bias = args.bias;
    gemm.clamp_min = args.clamp_min, gemm.clamp_max = args.clamp_max;
    gemm.c = args.c + i0 * args.c_row_stride, gemm.c_row_stride = args.c_row_stride;
    Gemm(gemm);
    if (args.round_to_bfp8) Round(gemm.c, count, args.n, args.c_row_stride);
  }
}

// The bfloat16 GEMM of output pixels [i0, i0 + count) on their patches: `count` rows of k bfloat16 bits at
// `bits` (row stride bits_stride), and as floats at `values` (row stride k; null where the GEMM reads bits).
inline GemmBf16Args conv_rows_gemm(const ConvRowsArgs& args, size_t i0, size_t count, size_t k, const uint16_t* bits,
                                   size_t bits_stride, const float* values) {
  GemmBf16Args gemm;
  gemm.m = count, gemm.n = args.n, gemm.k = k;
  gemm.a = bits, gemm.a_row_stride = bits_stride;
  gemm.a_values = values, gemm.a_values_row_stride = k;
  gemm.packed_w = args.packed_w_bf16, gemm.bias = args.bias;
  gemm.clamp_min = args.clamp_min, gemm.clamp_max = args.clamp_max;
  gemm.round_to_bf16 = args.round_to_bf16;
  gemm.c = args.c + i0 * args.c_row_stride, gemm.c_row_stride = args.c_row_stride;
  return gemm;
}

// The patches both as floats and as bfloat16 bits (exact: the activations are bfloat16 values), so the
// GEMM reads whichever it reads.
template <GemmBf16Fn Gemm, Bfp8RoundRowsFn Round>
void bf16_conv_rows_by_gemm(const ConvRowsArgs& args) {
  float patches[kConvRowsGatherPixels * kConvRowsMaxK];
  uint16_t bits[kConvRowsGatherPixels * kConvRowsMaxK];
  const size_t bits_stride = bf16_pairs(args.k) * 2;
  for (size_t i0 = 0; i0 < args.pixels; i0 += kConvRowsGatherPixels) {
    const size_t count = std::min(kConvRowsGatherPixels, args.pixels - i0);
    gather_conv_rows(args, i0, count, patches);
    for (size_t i = 0; i < count; ++i) {
      for (size_t e = 0; e < args.k; ++e) {
        uint32_t word;
        std::memcpy(&word, &patches[i * args.k + e], sizeof word);
        bits[i * bits_stride + e] = uint16_t(word >> 16);
      }
      if (bits_stride != args.k) bits[i * bits_stride + args.k] = 0;
    }
    const GemmBf16Args gemm = conv_rows_gemm(args, i0, count, args.k, bits, bits_stride, patches);
    Gemm(gemm);
    if (args.round_to_bfp8) Round(gemm.c, count, args.n, args.c_row_stride);
  }
}

}  // namespace ttnn::kernels
