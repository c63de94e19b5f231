// The portable peak loop and the roofline measurement every tier shares.
#include <algorithm>
#include <chrono>
#include <string>

#include "kernels/kernels.hpp"
#include "ttnn/roofline.hpp"

namespace ttnn::kernels {

double f32_fma_peak_ref(uint64_t iterations) {
  constexpr int kChains = 16;
  float acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = float(i);
  for (uint64_t it = 0; it < iterations; ++it)
    for (int i = 0; i < kChains; ++i) acc[i] = acc[i] * 0.999999f + 1e-7f;
  float sum = 0;
  for (float v : acc) sum += v;
  volatile float sink = sum;
  (void)sink;
  return double(iterations) * kChains * 2;
}

double measure_peak_gflops(PeakFn peak) {
  using Clock = std::chrono::steady_clock;
  peak(100000);  // warm up (clock ramp)
  double best = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {  // best of 5 short runs: the least disturbed
    const auto start = Clock::now();
    const double flops = peak(1000000);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::max(best, flops / seconds / 1e9);
  }
  return best;
}

}  // namespace ttnn::kernels


namespace ttnn {

std::string cpu_kernels() {
  const kernels::KernelTable& table = kernels::kernel_table();
  return std::string(table.isa) + ", bfloat16 products on " + table.bf16_products;
}

Roofline measure_roofline(PeakInstruction instruction) {
  const kernels::KernelTable& table = kernels::kernel_table();
  const std::string tier = std::string(" (") + table.isa + ")";
  // What the tier's kernels for that class of operands actually run.
  if (instruction == PeakInstruction::int8_dot && !table.bfp8_gemm_on_int8_dot) instruction = PeakInstruction::bf16_dot;
  const bool bf16_on_fma = table.bf16_dot_peak == table.f32_fma_peak || table.bf16_gemm_reads_floats;
  switch (instruction) {
    case PeakInstruction::int8_dot:
      return {"int8 dot" + tier, kernels::measure_peak_gflops(table.int8_dot_peak)};
    case PeakInstruction::bf16_dot:
      if (bf16_on_fma) return {"fp32 FMA, bfloat16 operands widened" + tier, kernels::measure_peak_gflops(table.f32_fma_peak)};
      return {"bf16 dot" + tier, kernels::measure_peak_gflops(table.bf16_dot_peak)};
    case PeakInstruction::fp32_fma: break;
  }
  return {"fp32 FMA" + tier, kernels::measure_peak_gflops(table.f32_fma_peak)};
}

}  // namespace ttnn
