// Conv weight and bias preparation: from the raw [out, in/groups, kh, kw] float weights to the prepared
// device tensors (the reduction layout of conv2d_geometry.hpp, converted to weights_dtype, rounded to the
// fidelity's operand width) plus the kernel-ready copy attached to the prepared buffer. Under the tt_metal
// numerics the device tensor is TT-NN's [taps * in, out] matrix (grouped convs block-diagonal), see NUMERICS.md.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ops/conv2d/conv2d_geometry.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct PreparedConvWeights : BufferAttachment {
  std::string key;  // geometry, dtype, fidelity, numerics it was made for (without the raw buffer's identity)
  ConvReductionLayout reduction;
  std::vector<float> matrix;     // [out_channels][reduction.k_per_group]; tt_metal only
  std::vector<float> depthwise;  // [taps][channels] when the conv is depthwise
  // Not depthwise (accurate): `matrix` packed for the GEMM micro-kernels, group by group; group g starts at
  // g * packed_group_elems. Weights whose every value is a bfloat16 (bfloat16 and bfloat8_b storage, or a
  // fidelity of 8 bits or fewer) are packed once, as bfloat16 pairs (kernels::pack_gemm_weights_bf16), for
  // the bfloat16 GEMM; the fp32 panels (kernels::pack_gemm_weights) are made from them only if a call's
  // activations do not fit bfloat16 (packed_f32). Other weights have only the fp32 panels.
  std::vector<uint16_t> packed_bf16;
  size_t packed_bf16_group_elems = 0;
  // Pointwise convs with bfloat8_b weights, on a tier whose bfloat8_b GEMM runs on int8 dot products: the
  // same weights packed for it (kernels::pack_gemm_weights_bfp8), read with the input's tiles as they are.
  std::vector<uint8_t> packed_bfp8;
  size_t packed_group_elems = 0;
  const std::vector<float>& packed_f32() const;
  // tt_metal numerics: `matrix` and `depthwise` hold the weights truncated to the multiplier's A width
  // (no packed copy: the chunked product reads rows); HiFi3's second phase reads these, truncated to 5 bits.
  std::vector<float> matrix_top;
  std::vector<float> depthwise_top;

  // Fills packed_f32 from packed_bf16 (the same values), at most once, for concurrent callers.
  mutable std::once_flag packed_once;
  mutable std::vector<float> packed;
  uint32_t groups = 0, out_per_group = 0;
};

struct PreparedConvBias : BufferAttachment {
  std::vector<float> values;  // [out_channels]
};

struct PreparedConv {
  Tensor weight_tensor;
  std::optional<Tensor> bias_tensor;
  const PreparedConvWeights* weights = nullptr;  // owned by weight_tensor's buffer
  const PreparedConvBias* bias = nullptr;        // owned by bias_tensor's buffer
};

// What the attachment's key must say for these arguments.
std::string prepared_layout_key(const Conv2dGeometry& geometry, DataType weights_dtype, const Conv2dMath& math);

// Returns the prepared weights from the arguments when they already are prepared (checking they were made
// for this geometry and arithmetic), else prepares them on `device`.
PreparedConv prepare_conv2d_weights(const Conv2dArgs& args, const Conv2dGeometry& geometry, const Conv2dMath& math,
                                    Device& device);

}  // namespace ttnn
