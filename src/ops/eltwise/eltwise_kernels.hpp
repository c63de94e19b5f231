// Elementwise micro-kernels on raw float rows. NaN passes through the clamp (as torch's clamp).
#pragma once

#include <cstddef>
#include <limits>

namespace ttnn::kernels {

inline float clamp_value(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }

// y[i] = clamp(x[i], lo, hi)
inline void f32_clamp(const float* x, float* y, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; ++i) y[i] = clamp_value(x[i], lo, hi);
}

// y[i] = clamp(a[i] + b[i], lo, hi)
inline void f32_add_clamp(const float* a, const float* b, float* y, size_t n, float lo, float hi) {
  // No activation (a residual add): the clamp is the identity, NaN and -0 included; without its compares and
  // selects the loop is one vector add a group (1% of a bfloat8_b pass, whose residual adds come here).
  if (lo == -std::numeric_limits<float>::infinity() && hi == std::numeric_limits<float>::infinity()) {
    for (size_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
    return;
  }
  for (size_t i = 0; i < n; ++i) y[i] = clamp_value(a[i] + b[i], lo, hi);
}

}  // namespace ttnn::kernels
