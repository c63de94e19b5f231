// Softmax micro-kernel on one strided float row, in float32.
#pragma once

#include <cmath>
#include <cstddef>

namespace ttnn::kernels {

// y[i*stride] = exp(x[i*stride] - max) / sum_j exp(x[j*stride] - max), i in [0, n): subtracting the max keeps
// every exponent <= 0, so nothing overflows.
inline void f32_softmax(const float* x, float* y, size_t n, size_t stride) {
  float max = -INFINITY;
  for (size_t i = 0; i < n; ++i) max = x[i * stride] > max ? x[i * stride] : max;
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float e = std::exp(x[i * stride] - max);
    y[i * stride] = e;
    sum += e;
  }
  const float scale = 1.0f / sum;
  for (size_t i = 0; i < n; ++i) y[i * stride] *= scale;
}

}  // namespace ttnn::kernels
