// The portable conv-rows kernels: the reference packed GEMMs on gathered patches (their definition).
#include "kernels/cpu/conv_rows_by_gemm.hpp"

namespace ttnn::kernels {

void f32_conv_rows_ref(const ConvRowsArgs& args) {
  f32_conv_rows_by_gemm<f32_gemm_packed_ref, bfp8_round_rows_ref>(args);
}

void bf16_conv_rows_ref(const ConvRowsArgs& args) {
  bf16_conv_rows_by_gemm<bf16_gemm_packed_ref, bfp8_round_rows_ref>(args);
}

}  // namespace ttnn::kernels
