// When a product's operands are bfloat16 values, so the bfloat16 GEMM (vdpbf16ps) computes it exactly
// (kernels.hpp): the kernel choice of conv2d and matmul, and the roofline a configuration is measured against.
#pragma once

#include "kernels/kernels.hpp"
#include "ops/common/fidelity_widths.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// bfloat16 storage, or bfloat8_b's 7-bit magnitudes: every stored value is a bfloat16.
constexpr bool stores_bfloat16_values(DataType dtype) {
  return dtype == DataType::BFLOAT16 || dtype == DataType::BFLOAT8_B;
}

// Activations of `dtype` as the kernel reads them (after `cut`).
constexpr bool activations_fit_bfloat16(DataType dtype, OperandCut cut) {
  return stores_bfloat16_values(dtype) || cut.to_bfloat16;
}

// Weights of `dtype` as the accurate numerics prepares them for `fidelity` (rounded to its A width).
constexpr bool weights_fit_bfloat16(DataType dtype, MathFidelity fidelity) {
  const int bits = fidelity_widths(fidelity).a_bits;
  return stores_bfloat16_values(dtype) || (bits > 0 && bits <= 8);
}

// Points gemm's activations (gemm.m rows of gemm.k bfloat16 values, as floats at `row_stride`) where the
// running tier's bfloat16 GEMM reads them: the floats themselves, or their bfloat16 bits in per-thread
// scratch (pairs padded with a zero when k is odd), valid until this thread's next call.
void set_bf16_gemm_rows(kernels::GemmBf16Args& gemm, const float* rows, size_t row_stride);
// Grows this thread's scratch for set_bf16_gemm_rows to m rows of k values ahead of time.
void reserve_bf16_gemm_rows(size_t m, size_t k);

}  // namespace ttnn
