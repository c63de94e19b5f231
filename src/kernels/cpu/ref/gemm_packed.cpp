// Weight packing for the panel GEMMs, and the portable packed GEMM: the same sums in the same order as
// f32_gemm_ref (k ascending from zero, then bias, then clamp), so the two are bit-identical.
#include <algorithm>
#include <cstring>

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

void pack_gemm_weights(size_t n, size_t k, const float* w, size_t w_row_stride, float* packed) {
  constexpr size_t kPanel = kGemmPanelWidth;
  for (size_t n0 = 0; n0 < n; n0 += kPanel) {
    float* panel = packed + n0 * k;
    const size_t cols = std::min(kPanel, n - n0);
    for (size_t kk = 0; kk < k; ++kk) {
      float* line = panel + kk * kPanel;
      for (size_t c = 0; c < cols; ++c) line[c] = w[(n0 + c) * w_row_stride + kk];
      for (size_t c = cols; c < kPanel; ++c) line[c] = 0.0f;
    }
  }
}

void f32_gemm_packed_ref(const GemmPackedArgs& args) {
  constexpr size_t kPanel = kGemmPanelWidth, kRows = 4;
  for (size_t n0 = 0; n0 < args.n; n0 += kPanel) {
    const float* panel = args.packed_w + n0 * args.k;
    const size_t cols = std::min(kPanel, args.n - n0);
    for (size_t m0 = 0; m0 < args.m; m0 += kRows) {
      const size_t rows = std::min(kRows, args.m - m0);
      float acc[kRows][kPanel] = {};
      for (size_t kk = 0; kk < args.k; ++kk) {
        const float* line = panel + kk * kPanel;
        for (size_t r = 0; r < rows; ++r) {
          const float a = args.a[(m0 + r) * args.a_row_stride + kk];
          for (size_t c = 0; c < kPanel; ++c) acc[r][c] += a * line[c];
        }
      }
      for (size_t r = 0; r < rows; ++r) {
        float* out = args.c + (m0 + r) * args.c_row_stride + n0;
        for (size_t c = 0; c < cols; ++c) {
          float sum = acc[r][c];
          if (args.bias) sum += args.bias[n0 + c];
          out[c] = std::min(std::max(sum, args.clamp_min), args.clamp_max);
        }
      }
    }
  }
}

}  // namespace ttnn::kernels
