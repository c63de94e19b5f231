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

// Measures on the calling thread (about 50 ms) with the tier ops use (kernel_table()). Where the tier's
// kernels for that class of operands run another instruction (no int8 GEMM: the bfloat16 one; bfloat16
// operands widened to fp32 because vdpbf16ps is slower than FMAs here, or absent), that loop is measured
// and `instruction` says so.
Roofline measure_roofline(PeakInstruction instruction = PeakInstruction::fp32_fma);

// The kernels this process runs, for benchmark reports: the tier (kernel_table(), capped by TTNN_CPU_ISA) and
// what its bfloat16 GEMM multiplies on, e.g. "avx512, bfloat16 products on vdpbf16ps (timed faster than
// fp32 FMA)": the AVX-512 tier chooses that at start-up by timing.
std::string cpu_kernels();

// The instruction most of a configuration's multiply-adds (the 1x1 convs) run on under the accurate
// numerics: int8 dot products for bfloat8_b activations and weights, bf16 dot products where both are
// bfloat16 values (bfloat16 or bfloat8_b storage, or float32 at LoFi, read as bfloat16), fp32 FMA
// otherwise and under tt_metal. Depthwise convs run fp32 FMAs, or vdpbf16ps pairs on bfloat16 operands where
// the CPU runs those faster (kernels::DwconvArgs::bf16_pairs).
PeakInstruction gemm_instruction(DataType dtype, DataType weights_dtype, MathFidelity fidelity, Numerics numerics);

}  // namespace ttnn
