// Pooling micro-kernels: one output pixel's channels from the input rows ("taps") its window covers.
#pragma once

#include <cstddef>
#include <cstring>
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

// out[c] = scale * sum over taps of taps[t][c], accumulated in float32 (taps in order, on every path).
// Sixteen channels at a time in four 4-lane vectors held in registers (GCC vector extensions: SSE on any
// x86-64, NEON on Arm); summed in `out` instead, each addition waited on the store of the one before (out
// may alias a tap, as far as the compiler knows) and ran as scalars.
inline void f32_sum_pool_pixel(const float* const* taps, size_t num_taps, size_t channels, float scale, float* out) {
  typedef float Lanes __attribute__((vector_size(16)));
  constexpr size_t kLanes = 4, kChunk = 4 * kLanes;
  size_t c0 = 0;
  for (; c0 + kChunk <= channels; c0 += kChunk) {
    Lanes sum[4] = {};
    for (size_t t = 0; t < num_taps; ++t)
      for (size_t j = 0; j < 4; ++j) {
        Lanes v;
        std::memcpy(&v, taps[t] + c0 + kLanes * j, sizeof v);
        sum[j] += v;
      }
    for (size_t j = 0; j < 4; ++j) {
      const Lanes scaled = sum[j] * scale;
      std::memcpy(out + c0 + kLanes * j, &scaled, sizeof scaled);
    }
  }
  for (; c0 < channels; ++c0) {
    float sum = 0.0f;
    for (size_t t = 0; t < num_taps; ++t) sum += taps[t][c0];
    out[c0] = sum * scale;
  }
}

}  // namespace ttnn::kernels
