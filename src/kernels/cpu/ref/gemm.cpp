// Portable GEMM with a fused bias + clamp epilogue. Register-blocked 4x4 so the compiler keeps the
// accumulators in registers; the edges fall back to single rows and columns.
#include <algorithm>

#include "kernels/kernels.hpp"

namespace ttnn::kernels {
namespace {

constexpr size_t kBlock = 4;

inline float epilogue(const GemmArgs& args, float sum, size_t n) {
  if (args.bias) sum += args.bias[n];
  return std::min(std::max(sum, args.clamp_min), args.clamp_max);
}

void gemm_block(const GemmArgs& args, size_t m0, size_t rows, size_t n0, size_t cols) {
  float acc[kBlock][kBlock] = {};
  const float* a_rows[kBlock];
  const float* w_rows[kBlock];
  for (size_t r = 0; r < rows; ++r) a_rows[r] = args.a + (m0 + r) * args.a_row_stride;
  for (size_t c = 0; c < cols; ++c) w_rows[c] = args.w + (n0 + c) * args.w_row_stride;
  for (size_t k = 0; k < args.k; ++k)
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) acc[r][c] += a_rows[r][k] * w_rows[c][k];
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) args.c[(m0 + r) * args.c_row_stride + n0 + c] = epilogue(args, acc[r][c], n0 + c);
}

}  // namespace

void f32_gemm_ref(const GemmArgs& args) {
  for (size_t m0 = 0; m0 < args.m; m0 += kBlock)
    for (size_t n0 = 0; n0 < args.n; n0 += kBlock)
      gemm_block(args, m0, std::min(kBlock, args.m - m0), n0, std::min(kBlock, args.n - n0));
}

}  // namespace ttnn::kernels
