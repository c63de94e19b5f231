// Builds without the AVX2 sources (non-x86 targets, or a compiler without -mavx2).
#include "kernels/cpu/tiers.hpp"

namespace ttnn::kernels {

const KernelTable* avx2_table() { return nullptr; }

}  // namespace ttnn::kernels
