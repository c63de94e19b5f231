// The bfloat16 conv-rows kernel (the stem) on AMX tiles: patches of 64 pixels gathered as bfloat16 rows of
// whole 32-element chunks, zeros past the taps, then the AMX GEMM on them in place. The tiles see what they
// see when the GEMM runs on the same patches gathered any other way (its copy pads rows with zeros the
// same), so this is bit for bit the tier's GEMM on gathered patches, as ConvRowsArgs requires.
#include <algorithm>
#include <cstdint>

#include "kernels/cpu/conv_rows_by_gemm.hpp"
#include "kernels/cpu/x86_amx/tiles.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {

void bf16_conv_rows__amx(const ConvRowsArgs& args) {
  constexpr size_t kPixels = 64;
  using amx::kChunk;
  // The packed panels hold whole chunks too (bf16_panel_pairs), zeros past k: a reduction of k_padded
  // reads the same weights.
  const size_t k_padded = (args.k + kChunk - 1) / kChunk * kChunk;
  alignas(64) uint16_t patches[kPixels * kConvRowsMaxK];
  const size_t row_floats = args.kernel_w * args.channels, taps = args.kernel_h * row_floats;
  for (size_t i0 = 0; i0 < args.pixels; i0 += kPixels) {
    const size_t count = std::min(kPixels, args.pixels - i0);
    for (size_t i = 0; i < count; ++i) {  // exact: the activations are bfloat16 values
      uint16_t* patch = patches + i * k_padded;
      for (size_t ky = 0; ky < args.kernel_h; ++ky)
        bf16_top_halves__avx512(args.input_rows[ky] + (i0 + i) * args.stride * args.channels, row_floats,
                                patch + ky * row_floats);
      std::fill(patch + taps, patch + k_padded, uint16_t(0));
    }
    const GemmBf16Args gemm = conv_rows_gemm(args, i0, count, k_padded, patches, k_padded, nullptr);
    bf16_gemm_minmax_ukernel_32x32__amx(gemm);
    if (args.round_to_bfp8) bfp8_round_rows__avx512(gemm.c, count, args.n, args.c_row_stride);
  }
}

}  // namespace ttnn::kernels
