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

double measure_peak_gflops(const KernelTable& table) {
  using Clock = std::chrono::steady_clock;
  table.f32_fma_peak(100000);  // warm up (clock ramp)
  double best = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {  // best of 5 short runs: the least disturbed
    const auto start = Clock::now();
    const double flops = table.f32_fma_peak(1000000);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::max(best, flops / seconds / 1e9);
  }
  return best;
}

}  // namespace ttnn::kernels


namespace ttnn {

Roofline measure_roofline() {
  const kernels::KernelTable& table = kernels::kernel_table();
  return Roofline{std::string("fp32 FMA (") + table.isa + ")", kernels::measure_peak_gflops(table)};
}

}  // namespace ttnn
