// Weight packing for the bfloat16 GEMMs and the portable kernel that defines their arithmetic (kernels.hpp:
// vdpbf16ps's order and flushing, emulated on scalar floats).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/cpu/ref/epilogue.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {
namespace {

uint16_t top_half(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return uint16_t(bits >> 16);
}

float from_bf16(uint16_t bits) {
  const uint32_t wide = uint32_t(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof value);
  return value;
}

}  // namespace

void pack_gemm_weights_bf16(size_t n, size_t k, const float* w, size_t w_row_stride, uint16_t* packed) {
  std::fill_n(packed, packed_gemm_weights_bf16_elems(n, k), uint16_t(0));  // padding channels and the odd k
  for (size_t channel = 0; channel < n; ++channel)
    for (size_t kk = 0; kk < k; ++kk)
      packed[packed_gemm_weights_bf16_index(channel, kk, k)] = top_half(w[channel * w_row_stride + kk]);
}

void unpack_gemm_weights_bf16(size_t n, size_t k, const uint16_t* packed, float* w) {
  for (size_t channel = 0; channel < n; ++channel)
    for (size_t kk = 0; kk < k; ++kk) w[channel * k + kk] = from_bf16(packed[packed_gemm_weights_bf16_index(channel, kk, k)]);
}

void bf16_top_halves_ref(const float* values, size_t count, uint16_t* bits) {
  for (size_t i = 0; i < count; ++i) bits[i] = top_half(values[i]);
}

void bf16_top_halves_rows_ref(const float* values, size_t values_stride, size_t rows, size_t cols, uint16_t* bits,
                              size_t bits_stride) {
  for (size_t r = 0; r < rows; ++r) bf16_top_halves_ref(values + r * values_stride, cols, bits + r * bits_stride);
}

void bf16_gemm_packed_ref(const GemmBf16Args& args) {
  constexpr size_t kPanel = kGemmPanelWidth;
  const size_t pairs = bf16_pairs(args.k);
  for (size_t n0 = 0; n0 < args.n; n0 += kPanel) {
    const uint16_t* panel = args.packed_w + packed_gemm_weights_bf16_panel(n0, args.k);
    const size_t cols = std::min(kPanel, args.n - n0);
    for (size_t r = 0; r < args.m; ++r) {
      const uint16_t* a = args.a + r * args.a_row_stride;
      float acc[kPanel] = {};
      if (args.bias)
        for (size_t c = 0; c < cols; ++c) acc[c] = flush(args.bias[n0 + c]);
      for (size_t p = 0; p < pairs; ++p) {
        const uint16_t* line = panel + p * kPanel * 2;
        const float a_odd = flush(from_bf16(a[2 * p + 1])), a_even = flush(from_bf16(a[2 * p]));
        for (size_t c = 0; c < kPanel; ++c) {
          acc[c] = flush(std::fma(a_odd, flush(from_bf16(line[2 * c + 1])), acc[c]));
          acc[c] = flush(std::fma(a_even, flush(from_bf16(line[2 * c])), acc[c]));
        }
      }
      for (size_t c = 0; c < cols; ++c) {
        const float out = finish_output(acc[c], flush(args.clamp_min), flush(args.clamp_max),
                                        args.round_to_bf16 || args.c_words);  // words hold rounded outputs
        if (args.c_words) args.c_words[r * args.c_row_stride + n0 + c] = top_half(out);  // a bfloat16 value
        else args.c[r * args.c_row_stride + n0 + c] = out;
      }
    }
  }
}

}  // namespace ttnn::kernels
