// The conv-rows kernels of the AVX2 tier: its packed GEMMs on gathered patches, the outputs rounded to
// bfloat8_b by the tier's own rounding.
#include "kernels/cpu/conv_rows_by_gemm.hpp"
#include "kernels/cpu/x86_avx2/avx2.hpp"

namespace ttnn::kernels {

void f32_conv_rows__avx2(const ConvRowsArgs& args) {
  f32_conv_rows_by_gemm<f32_gemm_minmax_ukernel_6x16__avx2, bfp8_round_rows__avx2>(args);
}

void bf16_conv_rows__avx2(const ConvRowsArgs& args) {
  bf16_conv_rows_by_gemm<bf16_gemm_minmax_ukernel_4x16__avx2, bfp8_round_rows__avx2>(args);
}

}  // namespace ttnn::kernels
