// Private to the kernels: each ISA tier's table, or null when this build lacks the tier.
#pragma once

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

// Defined in x86_avx2/table.cpp when the AVX2 sources are built, else in no_avx2.cpp.
const KernelTable* avx2_table();
// Defined in x86_avx512/table.cpp when the AVX-512 sources are built, else in no_avx512.cpp. The table is
// made on first use (it times two peak loops), so call it only once the CPU is known to have the tier.
bool avx512_built();
const KernelTable* avx512_table();
// Defined in x86_amx/table.cpp when the AMX sources are built, else in no_amx.cpp; the table is the
// AVX-512 tier's with the AMX kernels, made on first use.
bool amx_built();
const KernelTable* amx_table();
// Both bfloat16 GEMMs of the AVX-512 tier (vdpbf16ps on bfloat16 rows, fp32 FMAs on float rows), and both
// bfloat16 conv-rows kernels, whichever the table chose, for the tests; nulls when the tier is not built.
struct Bf16GemmVariants {
  GemmBf16Fn on_bf16_dot = nullptr;
  GemmBf16Fn on_fp32_fma = nullptr;
  ConvRowsFn conv_rows_on_bf16_dot = nullptr;
  ConvRowsFn conv_rows_on_fp32_fma = nullptr;
};
Bf16GemmVariants avx512_bf16_gemm_variants();

}  // namespace ttnn::kernels
