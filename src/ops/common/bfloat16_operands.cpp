#include "ops/common/bfloat16_operands.hpp"

#include "ttnn/roofline.hpp"

namespace ttnn {

PeakInstruction gemm_instruction(DataType dtype, DataType weights_dtype, MathFidelity fidelity, Numerics numerics) {
  if (numerics != Numerics::accurate) return PeakInstruction::fp32_fma;  // tt_metal's chunked fp32 product
  if (dtype == DataType::BFLOAT8_B && weights_dtype == DataType::BFLOAT8_B) return PeakInstruction::int8_dot;
  const bool bf16 = weights_fit_bfloat16(weights_dtype, fidelity) &&
                    activations_fit_bfloat16(dtype, activation_cut(fidelity, numerics));
  return bf16 ? PeakInstruction::bf16_dot : PeakInstruction::fp32_fma;
}

}  // namespace ttnn
