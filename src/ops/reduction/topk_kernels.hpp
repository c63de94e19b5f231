// Top-k micro-kernel on one strided float row.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace ttnn::kernels {

// The k best of x[i*stride], i in [0, n): largest (or smallest) first, ties to the lower index, NaN above
// every number. Writes values[j*out_stride] and indices[j*out_stride] (the index as an exact float).
// sorted=false: the same k elements in increasing index order. `order` is scratch of n entries.
inline void f32_topk(const float* x, size_t n, size_t stride, size_t k, bool largest, bool sorted, float* values,
                     float* indices, size_t out_stride, uint32_t* order) {
  for (size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
  const auto better = [&](uint32_t a, uint32_t b) {
    const float va = x[a * stride], vb = x[b * stride];
    const bool nan_a = va != va, nan_b = vb != vb;
    if (nan_a != nan_b) return nan_a;
    if (!nan_a && va != vb) return largest ? va > vb : va < vb;
    return a < b;
  };
  std::partial_sort(order, order + k, order + n, better);
  if (!sorted) std::sort(order, order + k);
  for (size_t j = 0; j < k; ++j) {
    values[j * out_stride] = x[order[j] * stride];
    indices[j * out_stride] = float(order[j]);
  }
}

}  // namespace ttnn::kernels
