// The tt_metal numerics' matrix product (NUMERICS.md, "tt_metal"): products of operands truncated by the
// multiplier (prepared by the caller), summed in float32 per 32-wide chunk of the reduction, the chunks
// accumulated in a bfloat16 destination register (or float32 with fp32_dest_acc_en).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/kernels.hpp"
#include "ops/common/activation.hpp"

namespace ttnn {

struct TtMetalGemmArgs {
  // The product: a = activations [m][k] (operand B) and w = weights [n][k] (operand A), both truncated
  // to the first phase's widths; c = [m][n] destination register contents. Its bias and clamp are not
  // read here (tt_metal_finish applies them after the last chunk).
  kernels::GemmArgs product;
  // HiFi3's second phase: activations' next 6 bits and weights' top 5 bits (same strides), else null.
  const float* a_low = nullptr;
  const float* w_top = nullptr;
  // Where each chunk of the reduction ends (ascending, the last == k): k indices map to 32-wide tiles of
  // the op's full reduction, which may skip zeros (a group's share of a grouped conv).
  std::span<const uint32_t> chunk_ends;
  bool bf16_dest = true;
};

void tt_metal_gemm(const TtMetalGemmArgs& args);

// Chunk ends of a plain reduction of length k: every 32.
std::span<const uint32_t> uniform_chunk_ends(size_t k);

// The destination register's epilogue: + bias (rounded to bfloat16 again with a bfloat16 destination),
// then the fused activation. Rows [m][n] with stride.
void tt_metal_finish(float* c, size_t m, size_t n, size_t c_row_stride, const float* bias, bool bf16_dest,
                     ClampRange clamp);

}  // namespace ttnn
