#include "ops/common/bfloat16_operands.hpp"

#include <vector>

#include "ttnn/roofline.hpp"

namespace ttnn {

PeakInstruction gemm_instruction(DataType dtype, DataType weights_dtype, MathFidelity fidelity, Numerics numerics) {
  if (numerics != Numerics::accurate) return PeakInstruction::fp32_fma;  // tt_metal's chunked fp32 product
  if (dtype == DataType::BFLOAT8_B && weights_dtype == DataType::BFLOAT8_B) return PeakInstruction::int8_dot;
  const bool bf16 = weights_fit_bfloat16(weights_dtype, fidelity) &&
                    activations_fit_bfloat16(dtype, activation_cut(fidelity, numerics));
  return bf16 ? PeakInstruction::bf16_dot : PeakInstruction::fp32_fma;
}

namespace {

// The bfloat16 bits of m rows of k values, per thread, grown on demand.
uint16_t* bf16_rows_scratch(size_t m, size_t k) {
  thread_local std::vector<uint16_t> bits;
  const size_t stride = kernels::bf16_pairs(k) * 2;
  if (bits.size() < m * stride) bits.resize(m * stride);
  return bits.data();
}

}  // namespace

void reserve_bf16_gemm_rows(size_t m, size_t k) {
  if (!kernels::kernel_table().bf16_gemm_reads_floats) bf16_rows_scratch(m, k);
}

void set_bf16_gemm_rows(kernels::GemmBf16Args& gemm, const float* rows, size_t row_stride) {
  const kernels::KernelTable& table = kernels::kernel_table();
  if (table.bf16_gemm_reads_floats) {
    gemm.a_values = rows, gemm.a_values_row_stride = row_stride;
    return;
  }
  uint16_t* const bits = bf16_rows_scratch(gemm.m, gemm.k);
  const size_t stride = kernels::bf16_pairs(gemm.k) * 2;
  table.bf16_top_halves_rows(rows, row_stride, gemm.m, gemm.k, bits, stride);  // exact: bfloat16 values
  if (stride != gemm.k)  // an odd k's last pair: +0 past it
    for (size_t r = 0; r < gemm.m; ++r) bits[r * stride + gemm.k] = 0;
  gemm.a = bits, gemm.a_row_stride = stride;
}

}  // namespace ttnn
