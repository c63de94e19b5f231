// This build has no AMX kernels (not x86, or the compiler lacks the flags): the tier is never available.
#include "kernels/cpu/tiers.hpp"

namespace ttnn::kernels {
bool amx_built() { return false; }
const KernelTable* amx_table() { return nullptr; }
}  // namespace ttnn::kernels
