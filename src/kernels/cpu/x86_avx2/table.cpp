// The AVX2+FMA tier's table; compiled with baseline flags (it only takes addresses).
#include "kernels/cpu/tiers.hpp"
#include "kernels/cpu/x86_avx2/avx2.hpp"

namespace ttnn::kernels {

const KernelTable* avx2_table() {
  static constexpr KernelTable table{"avx2", f32_gemm_minmax_ukernel_2x4c8__avx2, f32_gemm_minmax_ukernel_6x16__avx2,
                                     f32_dwconv_minmax_ukernel_up16x__avx2, f32_fma_peak__avx2,
                                     bfp8_encode__avx2,                     bfp8_decode__avx2,
                                     bf16_encode__avx2,                     bf16_decode__avx2,
                                     round_significand__avx2,
                                     bf16_gemm_minmax_ukernel_4x16__avx2,   bf16_top_halves_rows__avx2,
                                     f32_fma_peak__avx2,                    f32_fma_peak__avx2,
                                     bfp8_gemm_packed_ref,                  false,
                                     false,                                 bfp8_encode_pair__avx2,
                                     bfp8_decode_tile_rows__avx2,           bfp8_tile_rows_to_int8_ref,
                                     bfp8_encode_tile_rows__avx2,           bfp8_round_rows__avx2,
                                     bfp8_encode_int8_rows__avx2,
                                     f32_conv_rows__avx2,
                                     bf16_conv_rows__avx2,
                                     bf16_decode_tile_rows__avx2,
                                     bf16_encode_tile_rows__avx2,
                                     bf16_round_rows__avx2,
                                     bf16_add_rows__avx2,
                                     bfp8_decode_int8_rows__avx2,
                                     f32_planes_to_pixels_ref,
                                     bf16_planes_to_pixels_ref,
                                     true,
                                     bfp8_gemm_packed_ref};
  return &table;
}

}  // namespace ttnn::kernels
