// The AMX tier's kernels: the AVX-512 tier's, with the bfloat16 GEMM on the matrix engine's tiles.
#pragma once

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

// GemmBf16Args on tdpbf16ps: 32 rows x 32 output channels a step (bf16_gemm.cpp).
void bf16_gemm_minmax_ukernel_32x32__amx(const GemmBf16Args& args);
// ConvRowsArgs (bfloat16) as that GEMM on patches gathered 64 pixels at a time (conv_rows.cpp).
void bf16_conv_rows__amx(const ConvRowsArgs& args);

}  // namespace ttnn::kernels
