// Builds without the AVX-512 kernels (compiler without the flags, or not x86).
#include "kernels/cpu/tiers.hpp"

namespace ttnn::kernels {
bool avx512_built() { return false; }
const KernelTable* avx512_table() { return nullptr; }
Bf16GemmVariants avx512_bf16_gemm_variants() { return {}; }
}  // namespace ttnn::kernels
