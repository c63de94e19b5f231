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
  // g * packed_group_elems (fp32) or g * packed_bf16_group_elems (bfloat16). Weights whose every value is a
  // bfloat16 (bfloat16 and bfloat8_b storage, or a fidelity of 8 bits or fewer) are packed once, for one
  // kernel: pointwise bfloat8_b weights on a tier with int8 dot products as packed_bfp8
  // (kernels::pack_gemm_weights_bfp8), the others as bfloat16 pairs (kernels::pack_gemm_weights_bf16).
  // The bfloat16 and fp32 panels a call may need besides (an input the int8 path cannot read, activations
  // that do not fit bfloat16) are made from that packing on first use: packed_bf16() and packed_f32().
  std::vector<uint8_t> packed_bfp8;
  // Every weight is a bfloat16 value: the bfloat16 GEMM can run (a depthwise conv: its bfloat16 pairs).
  bool bfloat16_values = false;
  size_t packed_bf16_group_elems = 0;
  size_t packed_group_elems = 0;
  const std::vector<uint16_t>& packed_bf16() const;
  const std::vector<float>& packed_f32() const;
  // tt_metal numerics: `matrix` and `depthwise` hold the weights truncated to the multiplier's A width
  // (no packed copy: the chunked product reads rows); HiFi3's second phase reads these, truncated to 5 bits.
  std::vector<float> matrix_top;
  std::vector<float> depthwise_top;

  // Filled at preparation, or at most once on first use (for concurrent callers) from another packing of
  // the same values.
  mutable std::once_flag bf16_once, f32_once;
  mutable std::vector<uint16_t> bf16_panels;
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
