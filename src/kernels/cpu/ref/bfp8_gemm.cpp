// Weight packing for the bfloat8_b GEMM and the portable kernel that defines its arithmetic (bfp8_gemm.hpp):
// exact int32 block dot products, each scaled by its two exponents and added in block order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/bfp8_gemm.hpp"
#include "kernels/kernels.hpp"

namespace ttnn::kernels {
namespace {

void store_floats(uint8_t* dst, const float (&values)[kBfp8PanelWidth]) { std::memcpy(dst, values, sizeof values); }

float load_float(const uint8_t* src) {
  float value;
  std::memcpy(&value, src, sizeof value);
  return value;
}

}  // namespace

void pack_gemm_weights_bfp8(size_t n, size_t k, const int8_t* codes, size_t codes_row_stride,
                            const uint8_t* exponents, size_t exponents_row_stride, uint8_t* packed) {
  const size_t blocks = k / kBfp8Block;
  for (size_t n0 = 0; n0 < n; n0 += kBfp8PanelWidth) {
    const size_t cols = std::min(kBfp8PanelWidth, n - n0);
    for (size_t b = 0; b < blocks; ++b) {
      uint8_t* record = packed + (n0 / kBfp8PanelWidth * blocks + b) * kBfp8BlockRecordBytes;
      float scale[kBfp8PanelWidth] = {}, offset[kBfp8PanelWidth] = {};
      for (size_t c = 0; c < kBfp8PanelWidth; ++c) {
        const int8_t* w = c < cols ? codes + (n0 + c) * codes_row_stride + b * kBfp8Block : nullptr;
        int sum = 0;
        for (size_t q = 0; q < 4; ++q)
          for (size_t j = 0; j < 4; ++j) {
            const int8_t value = w ? w[4 * q + j] : 0;
            sum += value;
            record[q * kBfp8QuadBytes + c * 4 + j] = uint8_t(value);
          }
        if (w) {
          scale[c] = bfp8_exponent_scale(exponents[(n0 + c) * exponents_row_stride + b]);
          offset[c] = float(-128 * sum) * scale[c];  // |128 * sum| < 2^19: exact
        }
      }
      store_floats(record + kBfp8ScaleOffset, scale);
      store_floats(record + kBfp8OffsetOffset, offset);
    }
  }
}

void unpack_gemm_weights_bfp8(size_t n, size_t k, const uint8_t* packed, float* w) {
  const size_t blocks = k / kBfp8Block;
  for (size_t channel = 0; channel < n; ++channel)
    for (size_t b = 0; b < blocks; ++b) {
      const uint8_t* record = packed + (channel / kBfp8PanelWidth * blocks + b) * kBfp8BlockRecordBytes;
      const size_t lane = channel % kBfp8PanelWidth;
      float scale;
      std::memcpy(&scale, record + kBfp8ScaleOffset + lane * sizeof(float), sizeof scale);
      for (size_t j = 0; j < kBfp8Block; ++j)
        w[channel * k + b * kBfp8Block + j] = float(int8_t(record[j / 4 * kBfp8QuadBytes + lane * 4 + j % 4])) * scale;
    }
}

void bfp8_gemm_packed_ref(const GemmBfp8Args& args) {
  const size_t blocks = args.k / kBfp8Block;
  // A biased byte holds value + 128.
  const auto activation = [biased = args.activations == Int8Activations::biased](int8_t byte) {
    return biased ? int32_t(uint8_t(byte)) - 128 : int32_t(byte);
  };
  for (size_t row = 0; row < args.m; ++row) {
    const int8_t* a = args.a + row * args.a_row_stride;
    const uint8_t* a_exponents = args.a_exponents + row * args.a_exponents_row_stride;
    for (size_t col = 0; col < args.n; ++col) {
      const size_t panel = col / kBfp8PanelWidth, c = col % kBfp8PanelWidth;
      float acc = 0.0f;
      for (size_t b = 0; b < blocks; ++b) {
        const uint8_t* record = args.packed_w + (panel * blocks + b) * kBfp8BlockRecordBytes;
        int32_t dot = 0;
        for (size_t q = 0; q < 4; ++q)
          for (size_t j = 0; j < 4; ++j)
            dot += activation(a[b * kBfp8Block + 4 * q + j]) * int8_t(record[q * kBfp8QuadBytes + c * 4 + j]);
        const float weighted = float(dot) * load_float(record + kBfp8ScaleOffset + c * sizeof(float));
        acc = std::fma(weighted, bfp8_exponent_scale(a_exponents[b]), acc);
      }
      if (args.bias) acc += args.bias[col];
      args.c[row * args.c_row_stride + col] = std::min(std::max(acc, args.clamp_min), args.clamp_max);
    }
    if (args.round_to_bfp8) bfp8_round_rows_ref(args.c + row * args.c_row_stride, 1, args.n, args.c_row_stride);
  }
}

#ifdef TTNN_BFP8_GEMM_NO_AVX512
// Builds without the AVX-512 sources: callers check isa_available(CpuIsa::avx512) first, so this never runs.
void bfp8_gemm_minmax_ukernel_6x32__avx512vnni(const GemmBfp8Args&) {
  std::fputs("bfp8_gemm_minmax_ukernel_6x32__avx512vnni: this build has no AVX-512 kernels\n", stderr);
  std::abort();
}
#endif

}  // namespace ttnn::kernels
