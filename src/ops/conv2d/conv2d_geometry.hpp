// Everything conv2d derives from its arguments before touching data: validated sizes, the output size,
// the reduction layout of the prepared weights, and the resolved arithmetic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "ops/common/activation.hpp"
#include "ttnn/operations/conv2d.hpp"

namespace ttnn {

struct Conv2dGeometry {
  uint32_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
  uint32_t input_height = 0, input_width = 0, output_height = 0, output_width = 0;
  uint32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  Padding2d padding;

  uint32_t in_per_group() const { return in_channels / groups; }
  uint32_t out_per_group() const { return out_channels / groups; }
  uint32_t taps() const { return kernel_h * kernel_w; }
  uint64_t input_pixels() const { return uint64_t(batch) * input_height * input_width; }
  uint64_t output_pixels() const { return uint64_t(batch) * output_height * output_width; }
  // The input rows [first, end) of an image that output rows [oh0, oh1) read, clamped to the image.
  std::pair<long, long> input_rows_read(uint32_t oh0, uint32_t oh1) const {
    const long first = std::max(0L, long(oh0) * long(stride_h) - long(padding.top));
    const long end = std::min(long(input_height), long(oh1 - 1) * long(stride_h) - long(padding.top) +
                                                      long(kernel_h - 1) * long(dilation_h) + 1);
    return {first, std::max(first, end)};
  }
  // Channel multiplier 1 with one channel per group: the direct depthwise path.
  bool depthwise() const { return groups > 1 && groups == in_channels && groups == out_channels; }
  // A 1x1 conv that reads each input pixel once: the GEMM can read the activations in place.
  bool pointwise() const {
    return kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 && groups == 1 && padding == Padding2d{};
  }
};

// The arithmetic conv2d runs, from Conv2dConfig, the compute config and the device.
struct Conv2dMath {
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  bool fp32_dest_acc = false;
  bool packer_l1_acc = false;
  Numerics numerics = Numerics::accurate;
  ClampRange clamp;
};

// Prepared weight layout: a [out_channels, k_per_group] matrix; within a row, taps in (ky, kx) order, tap t's
// channel c at t * tap_stride + c. Block-float weights with 8+ channels a tap pad each tap to 16 channels, so
// a bfloat8_b block is one tap's 16 channels, aligned with the activations' blocks; with fewer channels (the
// stem, depthwise) taps are dense and the row is padded to a multiple of 16. Zeros fill the padding.
// The tt_metal numerics use TT-NN's order with no padding (tap_stride = in/groups): their blocks run along
// the output channels (NUMERICS.md).
struct ConvReductionLayout {
  uint32_t tap_stride = 0;
  uint32_t k_per_group = 0;
};
ConvReductionLayout reduction_layout(const Conv2dGeometry& geometry, DataType weights_dtype, Numerics numerics);

// Validates the arguments that do not need the weights' contents; throws InvalidArgument naming conv2d.
Conv2dGeometry describe_conv2d(const Conv2dArgs& args);
// The same without the input tensor (prepare_conv_weights): the shape arguments only.
Conv2dGeometry describe_conv2d_weights(const Conv2dArgs& args);
Conv2dMath resolve_conv2d_math(const Conv2dArgs& args);
// Key of everything a prepared weight set depends on.
std::string prepared_weights_key(const Conv2dArgs& args, const Conv2dGeometry& geometry, const Conv2dMath& math);

}  // namespace ttnn
