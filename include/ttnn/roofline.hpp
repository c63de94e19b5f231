// This CPU's compute roofline, for benchmarks: the peak one core reaches in a register-only loop of the
// instruction the matmul/conv kernels use (fp32 FMA on the CPUs this build has kernels for; the bf16 and
// int8 dot products come with the tiers that use them).
#pragma once

#include <string>

namespace ttnn {

struct Roofline {
  std::string instruction;  // e.g. "fp32 FMA (avx2)"
  double gflops_per_core = 0;
};

// Measures on the calling thread (about 50 ms); the tier is the one ops use (kernel_table()).
Roofline measure_roofline();

}  // namespace ttnn
