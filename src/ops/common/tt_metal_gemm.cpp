#include "ops/common/tt_metal_gemm.hpp"

#include <algorithm>
#include <vector>

#include "formats/bfloat16.hpp"

namespace ttnn {
namespace {

// out = the products of one phase over reduction range [k0, k1) (float32 sums, no bias).
void phase_product(const TtMetalGemmArgs& args, const float* a, const float* w, size_t k0, size_t k1, float* out,
                   size_t out_stride) {
  kernels::GemmArgs gemm = args.product;
  gemm.k = k1 - k0;
  gemm.a = a + k0;
  gemm.w = w + k0;
  gemm.bias = nullptr;
  const ClampRange none;
  gemm.clamp_min = none.min;
  gemm.clamp_max = none.max;
  gemm.c = out;
  gemm.c_row_stride = out_stride;
  kernels::kernel_table().f32_gemm(gemm);
}

// out = the chunk's sum of products over both phases.
void chunk_sum(const TtMetalGemmArgs& args, size_t k0, size_t k1, float* out, size_t out_stride) {
  phase_product(args, args.product.a, args.product.w, k0, k1, out, out_stride);
  if (!args.w_top) return;
  const size_t m = args.product.m, n = args.product.n;
  thread_local std::vector<float> second;
  second.resize(m * n);
  phase_product(args, args.a_low, args.w_top, k0, k1, second.data(), n);
  for (size_t row = 0; row < m; ++row)
    for (size_t col = 0; col < n; ++col) out[row * out_stride + col] += second[row * n + col];
}

}  // namespace

void tt_metal_gemm(const TtMetalGemmArgs& args) {
  const kernels::GemmArgs& p = args.product;
  if (!args.bf16_dest) {  // a float32 register: the chunks add up like one float32 sum
    chunk_sum(args, 0, p.k, p.c, p.c_row_stride);
    return;
  }
  thread_local std::vector<float> partial;
  partial.resize(p.m * p.n);
  for (size_t row = 0; row < p.m; ++row) std::fill_n(p.c + row * p.c_row_stride, p.n, 0.0f);
  size_t k0 = 0;
  for (const uint32_t k1 : args.chunk_ends) {
    if (k1 <= k0) continue;
    chunk_sum(args, k0, k1, partial.data(), p.n);
    for (size_t row = 0; row < p.m; ++row) {
      float* dest = p.c + row * p.c_row_stride;
      const float* add = partial.data() + row * p.n;
      for (size_t col = 0; col < p.n; ++col) dest[col] = formats::round_to_bfloat16(dest[col] + add[col]);
    }
    k0 = k1;
  }
}

std::span<const uint32_t> uniform_chunk_ends(size_t k) {
  thread_local std::vector<uint32_t> ends;
  ends.clear();
  for (size_t end = 32; end < k + 32; end += 32) ends.push_back(uint32_t(std::min(end, k)));
  return ends;
}

void tt_metal_finish(float* c, size_t m, size_t n, size_t c_row_stride, const float* bias, bool bf16_dest,
                     ClampRange clamp) {
  for (size_t row = 0; row < m; ++row) {
    float* values = c + row * c_row_stride;
    for (size_t col = 0; col < n; ++col) {
      float value = values[col];
      if (bias) {
        value += bias[col];
        if (bf16_dest) value = formats::round_to_bfloat16(value);
      }
      values[col] = std::clamp(value, clamp.min, clamp.max);
    }
  }
}

}  // namespace ttnn
