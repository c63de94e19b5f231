// The AMX tier's kernels: the AVX-512 tier's, with the bfloat16 GEMM (and the bfloat8_b one of wide convs,
// bfp8_gemm.hpp) on the matrix engine's tiles.
#pragma once

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

inline constexpr size_t kTileRows = 16;  // rows of every tile, 64 bytes each

// The tier's one tile configuration (palette 1), loaded unless in force already (every kernel calls this
// first): tmm0-3 accumulators (16 x 16 fp32), tmm4-5 activations (16 rows x 32 bfloat16), tmm6-7 weights
// (16 pairs x 16 channels x 2 bfloat16).
void configure_amx_tiles();

// GemmBf16Args on tdpbf16ps: 32 rows x 32 output channels a step (bf16_gemm.cpp).
void bf16_gemm_minmax_ukernel_32x32__amx(const GemmBf16Args& args);
// ConvRowsArgs (bfloat16) as that GEMM on patches gathered 64 pixels at a time (conv_rows.cpp).
void bf16_conv_rows__amx(const ConvRowsArgs& args);
// The roofline's bfloat16 peak: tdpbf16ps on tiles that stay in the engine, four independent accumulators.
double bf16_dot_peak__amx(uint64_t iterations);

}  // namespace ttnn::kernels
