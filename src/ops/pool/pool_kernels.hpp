// Pooling micro-kernels: one output pixel's channels from the input rows ("taps") its window covers.
#pragma once

#include <cstddef>
#include <limits>

namespace ttnn::kernels {

// out[c] = max over taps of taps[t][c]; -infinity with no taps (a window wholly in padding). NaN wins.
inline void f32_max_pool_pixel(const float* const* taps, size_t num_taps, size_t channels, float* out) {
  for (size_t c = 0; c < channels; ++c) out[c] = -std::numeric_limits<float>::infinity();
  for (size_t t = 0; t < num_taps; ++t) {
    const float* tap = taps[t];
    for (size_t c = 0; c < channels; ++c) {
      const float v = tap[c];
      const bool take = out[c] == out[c] && (v > out[c] || v != v);  // once NaN, stays NaN
      out[c] = take ? v : out[c];
    }
  }
}

// out[c] = scale * sum over taps of taps[t][c], accumulated in float32.
inline void f32_sum_pool_pixel(const float* const* taps, size_t num_taps, size_t channels, float scale, float* out) {
  for (size_t c = 0; c < channels; ++c) out[c] = 0.0f;
  for (size_t t = 0; t < num_taps; ++t) {
    const float* tap = taps[t];
    for (size_t c = 0; c < channels; ++c) out[c] += tap[c];
  }
  for (size_t c = 0; c < channels; ++c) out[c] *= scale;
}

}  // namespace ttnn::kernels
