// The AVX-512 tier's table; compiled with baseline flags (it only takes addresses). The bfloat16
// conversions and the fidelity rounding are the AVX2 tier's (bit-exact, and not where the time goes).
#include "kernels/cpu/tiers.hpp"
#include "kernels/cpu/x86_avx2/avx2.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {

const KernelTable* avx512_table() {
  static constexpr KernelTable table{"avx512",
                                     f32_gemm_minmax_ukernel_2x4c8__avx2,
                                     f32_gemm_minmax_ukernel_12x32__avx512f,
                                     f32_dwconv_minmax_ukernel_up16x__avx512f,
                                     f32_fma_peak__avx512f,
                                     bfp8_encode__avx512,
                                     bfp8_decode__avx512,
                                     bf16_encode__avx2,
                                     bf16_decode__avx2,
                                     round_significand__avx2,
                                     bf16_gemm_minmax_ukernel_12x32__avx512bf16,
                                     bf16_top_halves__avx512,
                                     bf16_dot_peak__avx512bf16,
                                     int8_dot_peak__avx512vnni,
                                     bfp8_gemm_minmax_ukernel_6x32__avx512vnni,
                                     true};
  return &table;
}

}  // namespace ttnn::kernels
