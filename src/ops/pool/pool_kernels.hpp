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
// Kept in registers as 4-lane vectors (GCC vector extensions: SSE on any x86-64, NEON on Arm), 24 channels
// at a time where there are as many: each channel's sum is a chain of dependent additions, so six chains in
// flight instead of four (eight left GCC one register short: a chain spilled to the stack, twice as slow).
// Summed in `out` instead, each addition waited on the store of the one before (out may alias a tap) and
// ran as scalars.
template <size_t kVectors>
inline void f32_sum_pool_chunk(const float* const* taps, size_t num_taps, size_t c0, float scale, float* out) {
  typedef float Lanes __attribute__((vector_size(16)));
  constexpr size_t kLanes = 4;
  Lanes sum[kVectors] = {};
  for (size_t t = 0; t < num_taps; ++t) {
    const float* row = taps[t] + c0;  // one address a tap, the vectors at fixed offsets from it
    for (size_t j = 0; j < kVectors; ++j) {
      Lanes v;
      std::memcpy(&v, row + kLanes * j, sizeof v);
      sum[j] += v;
    }
  }
  for (size_t j = 0; j < kVectors; ++j) {
    const Lanes scaled = sum[j] * scale;
    std::memcpy(out + c0 + kLanes * j, &scaled, sizeof scaled);
  }
}

inline void f32_sum_pool_pixel(const float* const* taps, size_t num_taps, size_t channels, float scale, float* out) {
  size_t c0 = 0;
  for (; c0 + 24 <= channels; c0 += 24) f32_sum_pool_chunk<6>(taps, num_taps, c0, scale, out);
  for (; c0 + 16 <= channels; c0 += 16) f32_sum_pool_chunk<4>(taps, num_taps, c0, scale, out);
  for (; c0 < channels; ++c0) {
    float sum = 0.0f;
    for (size_t t = 0; t < num_taps; ++t) sum += taps[t][c0];
    out[c0] = sum * scale;
  }
}

}  // namespace ttnn::kernels
