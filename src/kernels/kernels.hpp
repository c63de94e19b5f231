// The CPU kernel table: micro-kernels on raw pointers and strides, never Tensors. Filled once per process
// from the CPU's features; TTNN_CPU_ISA=ref|avx2|avx512 caps the choice so tests can run every tier.
#pragma once

#include <cstddef>

namespace ttnn::kernels {

// c[m][n] = clamp(bias[n] + sum_k a[m][k] * w[n][k], clamp_min, clamp_max), fp32 accumulation.
// a: activations (operand B of the fidelity rules), w: prepared weights (operand A).
struct GemmArgs {
  size_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  size_t a_row_stride = 0;
  const float* w = nullptr;
  size_t w_row_stride = 0;
  const float* bias = nullptr;  // [n] or null
  float clamp_min = 0, clamp_max = 0;
  float* c = nullptr;
  size_t c_row_stride = 0;
};

// One output row segment of a depthwise conv (channel multiplier 1), NHWC.
// output[ow][c] = clamp(bias[c] + sum_{i,j} w[i*kernel_w + j][c] * row_i[ow*stride - pad_left + j*dilation][c])
// for ow in [out_begin, out_end) and c in [0, channels); a null input row, or a column outside
// [0, input_width), reads as zero.
struct DwconvArgs {
  const float* const* input_rows = nullptr;  // kernel_h pointers to pixel 0 of an input row
  size_t input_pixel_stride = 0;             // floats between neighbouring input pixels
  size_t input_width = 0, channels = 0;
  size_t kernel_h = 0, kernel_w = 0, stride = 1, pad_left = 0, dilation = 1;
  const float* weights = nullptr;  // tap t's channel c at weights[t * weights_tap_stride + c]
  size_t weights_tap_stride = 0;
  const float* bias = nullptr;     // [channels] or null
  float clamp_min = 0, clamp_max = 0;
  float* output = nullptr;  // pixel ow at output + (ow - out_begin) * output_pixel_stride
  size_t output_pixel_stride = 0;
  size_t out_begin = 0, out_end = 0;
};

using GemmF32Fn = void (*)(const GemmArgs& args);
using DwconvF32Fn = void (*)(const DwconvArgs& args);

struct KernelTable {
  const char* isa = "ref";
  GemmF32Fn f32_gemm = nullptr;
  DwconvF32Fn f32_dwconv = nullptr;
};

// Never null entries: the portable reference is the floor.
const KernelTable& kernel_table();

// The portable reference kernels (also the second oracle of the kernel tests).
void f32_gemm_ref(const GemmArgs& args);
void f32_dwconv_ref(const DwconvArgs& args);

}  // namespace ttnn::kernels
