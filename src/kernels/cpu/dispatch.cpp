// Fills the kernel table once. Only the portable tier exists so far; TTNN_CPU_ISA is validated so that a
// request for a tier this build lacks is an error rather than a silent fallback.
#include <cstdlib>
#include <string_view>

#include "core/check.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {
namespace {

KernelTable build_table() {
  KernelTable table;
  table.isa = "ref";
  table.f32_gemm = f32_gemm_ref;
  table.f32_dwconv = f32_dwconv_ref;
  if (const char* requested = std::getenv("TTNN_CPU_ISA")) {
    const std::string_view isa(requested);
    check<Unsupported>(isa == "ref" || isa.empty(), "TTNN_CPU_ISA={}: this build has only the 'ref' kernel tier", isa);
  }
  return table;
}

}  // namespace

const KernelTable& kernel_table() {
  static const KernelTable table = build_table();
  return table;
}

}  // namespace ttnn::kernels
