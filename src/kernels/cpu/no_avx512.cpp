// Builds without the AVX-512 kernels (compiler without the flags, or not x86).
#include "kernels/cpu/tiers.hpp"

namespace ttnn::kernels {
const KernelTable* avx512_table() { return nullptr; }
}  // namespace ttnn::kernels
