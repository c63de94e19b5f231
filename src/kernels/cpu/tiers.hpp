// Private to the kernels: each ISA tier's table, or null when this build lacks the tier.
#pragma once

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

// Defined in x86_avx2/table.cpp when the AVX2 sources are built, else in no_avx2.cpp.
const KernelTable* avx2_table();
// Defined in x86_avx512/table.cpp when the AVX-512 sources are built, else in no_avx512.cpp.
const KernelTable* avx512_table();

}  // namespace ttnn::kernels
