// The AMX tier's table: the AVX-512 tier's with the bfloat16 GEMM (and the stem's conv-rows kernel, which
// must give that GEMM's bits) and the bfloat8_b GEMM of wide convs on tiles. Compiled with baseline flags
// (it only takes addresses).
#include "kernels/cpu/tiers.hpp"
#include "kernels/cpu/x86_amx/amx.hpp"

namespace ttnn::kernels {

bool amx_built() { return true; }

const KernelTable* amx_table() {
  static const KernelTable table = [] {
    KernelTable amx = *avx512_table();
    amx.isa = "amx";
    amx.bf16_gemm_packed = bf16_gemm_minmax_ukernel_32x32__amx;
    amx.bf16_gemm_reads_floats = false;
    amx.bf16_gemm_writes_words = false;  // its outputs go through floats
    amx.bf16_gemm_in_reference_order = false;
    amx.bf16_conv_rows = bf16_conv_rows__amx;
    amx.bf16_dot_peak = bf16_dot_peak__amx;
    amx.bf16_products = "AMX tdpbf16ps";
    // bfloat8_b convs on tiles from 24 channels and a reduction of 32 (kernel bench, expansion included:
    // k = 16 and 32 x 16 channels run faster on int8 dot products, the others on the tiles).
    amx.bfp8_gemm_wide = bfp8_gemm_minmax_ukernel_32x32__amx;
    amx.bfp8_gemm_wide_min_n = 24;
    amx.bfp8_gemm_wide_min_k = 32;
    return amx;
  }();
  return &table;
}

}  // namespace ttnn::kernels
