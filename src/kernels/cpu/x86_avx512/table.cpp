// The AVX-512 tier's table; compiled with baseline flags (it only takes addresses).
#include <algorithm>
#include <chrono>

#include "kernels/cpu/tiers.hpp"
#include "kernels/cpu/x86_avx2/avx2.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {

namespace {

// vdpbf16ps runs at twice the fp32 FMA rate on some CPUs (Zen 4) and at half of it on others (this
// project's Xeon); both bfloat16 GEMMs give the same bits, so the faster one is chosen by timing the two
// peak loops once (about 0.15 ms, counted in the time to first result: each timed run is tens of
// microseconds, far above the clock's resolution, and the two rates differ twofold). The stem's conv-rows
// kernel follows: where vdpbf16ps is faster it broadcasts each pair of the reduction as a dword of the
// kernel rows' bfloat16 words (patches gathered for it had cost more than the arithmetic saved: BENCHMARKS.md,
// the stem on Zen 4), else it runs the FMAs on the rows as they lie. So does the depthwise conv on
// bfloat16 operands (DwconvArgs::bf16_pairs), asked for only where vdpbf16ps is faster.
bool vdpbf16ps_is_faster() {
  using Clock = std::chrono::steady_clock;
  auto rate = [](PeakFn peak) {
    peak(5000);  // clock ramp
    double best = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
      const auto start = Clock::now();
      const double flops = peak(10000);
      best = std::max(best, flops / std::chrono::duration<double>(Clock::now() - start).count());
    }
    return best;
  };
  return rate(bf16_dot_peak__avx512bf16) > rate(f32_fma_peak__avx512f);
}

KernelTable make_table() {
  KernelTable table{"avx512",
                    f32_gemm_minmax_ukernel_2x4c8__avx2,
                    f32_gemm_minmax_ukernel_12x32__avx512f,
                    f32_dwconv_minmax_ukernel_up16x__avx512f,
                    f32_fma_peak__avx512f,
                    bfp8_encode__avx512,
                    bfp8_decode__avx512,
                    bf16_encode__avx512,
                    bf16_decode__avx512,
                    round_significand__avx512,
                    bf16_gemm_minmax_ukernel_12x32__avx512bf16,
                    bf16_top_halves_rows__avx512,
                    bf16_dot_peak__avx512bf16,
                    int8_dot_peak__avx512vnni,
                    bfp8_gemm_minmax_ukernel_6x32__avx512vnni,
                    true,
                    false,
                    bfp8_encode_pair__avx512,
                    bfp8_decode_tile_rows__avx512,
                    bfp8_tile_rows_to_int8__avx512,
                    bfp8_encode_tile_rows__avx512,
                    bfp8_round_rows__avx512,
                    bfp8_encode_int8_rows__avx512,
                    f32_conv_rows__avx512f,
                    bf16_conv_rows__avx512f,
                    bf16_decode_tile_rows__avx512,
                    bf16_encode_tile_rows__avx512,
                    bf16_round_rows__avx512,
                    bf16_add_rows__avx512,
                    bfp8_decode_int8_rows__avx512,
                    f32_planes_to_pixels__avx512,
                    bf16_planes_to_pixels__avx512,
                    true,
                    bfp8_gemm_minmax_ukernel_6x32__avx512vnni};
  if (!vdpbf16ps_is_faster()) {
    table.bf16_gemm_packed = bf16_gemm_minmax_ukernel_12x32__avx512f;
    table.bf16_gemm_reads_floats = true;
    table.bf16_products = "fp32 FMA (vdpbf16ps timed slower)";
  } else {
    table.bf16_conv_rows = bf16_conv_rows__avx512bf16;
    table.bf16_products = "vdpbf16ps (timed faster than fp32 FMA)";
    table.dwconv_bf16_pairs = true;
  }
  table.bf16_gemm_writes_words = true;  // both GEMMs' epilogue (store_tile_words)
  return table;
}

}  // namespace

bool avx512_built() { return true; }

Bf16GemmVariants avx512_bf16_gemm_variants() {
  return {bf16_gemm_minmax_ukernel_12x32__avx512bf16, bf16_gemm_minmax_ukernel_12x32__avx512f,
          bf16_conv_rows__avx512bf16, bf16_conv_rows__avx512f};
}

const KernelTable* avx512_table() {
  static const KernelTable table = make_table();
  return &table;
}

}  // namespace ttnn::kernels
