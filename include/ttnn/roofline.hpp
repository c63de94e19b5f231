// This CPU's compute roofline, for benchmarks: the peak one core reaches in a register-only loop of the
// instruction a configuration's matmul/conv kernels run (kernels.hpp: fp32 FMA, or vdpbf16ps where both
// operands are bfloat16 values and the CPU has it; int8 dot products for comparison).
#pragma once

#include <string>

#include "ttnn/types.hpp"

namespace ttnn {

enum class PeakInstruction { fp32_fma, bf16_dot, int8_dot };

struct Roofline {
  std::string instruction;  // e.g. "bf16 dot (avx512)"
  double gflops_per_core = 0;
};

// Measures on the calling thread (about 50 ms) with the tier ops use (kernel_table()). A tier without the
// instruction measures the loop its kernels run instead (the fp32 FMA loop) and says so in `instruction`.
Roofline measure_roofline(PeakInstruction instruction = PeakInstruction::fp32_fma);

// The instruction the GEMMs (1x1 convs, the stem, the classifier) of a configuration run on: bf16 dot
// products where activations and weights are bfloat16 values (bfloat16 or bfloat8_b storage, or a
// fidelity cut to 8 bits or fewer) under the accurate numerics; fp32 FMA otherwise. Depthwise convs always
// run fp32 FMAs.
PeakInstruction gemm_instruction(DataType dtype, DataType weights_dtype, MathFidelity fidelity, Numerics numerics);

}  // namespace ttnn
