#include "ops/conv2d/conv2d_geometry.hpp"

#include "core/check.hpp"
#include "ops/common/bfp8_blocks.hpp"

namespace ttnn {

uint32_t conv_output_size(uint32_t input, uint32_t kernel, uint32_t stride, uint32_t pad_before, uint32_t pad_after,
                          uint32_t dilation) {
  const uint64_t padded = uint64_t(input) + pad_before + pad_after;
  const uint64_t extent = uint64_t(dilation) * (kernel - 1) + 1;
  check(kernel > 0 && stride > 0 && dilation > 0, "conv2d: kernel {}, stride {} and dilation {} must be positive", kernel,
        stride, dilation);
  check(extent <= padded, "conv2d: kernel extent {} (kernel {} dilation {}) is larger than the padded input {} ({} + {} + {})",
        extent, kernel, dilation, padded, input, pad_before, pad_after);
  return uint32_t((padded - extent) / stride + 1);
}

ConvReductionLayout reduction_layout(const Conv2dGeometry& geometry, DataType weights_dtype, Numerics numerics) {
  const uint32_t channels = geometry.in_per_group();
  // Depthwise weights are stored as TT-NN stores them in both numerics (one non-zero per block: each weight
  // keeps its own exponent), so their taps are dense too.
  if (!is_block_float(weights_dtype) || numerics == Numerics::tt_metal || geometry.depthwise())
    return {channels, channels * geometry.taps()};
  // Wide taps: one block per tap's 16 channels, aligned with the activations' blocks.
  if (channels >= 8) return {bfp8_blocks_width(channels), bfp8_blocks_width(channels) * geometry.taps()};
  // Narrow taps (the stem's 3 channels, depthwise's 1): blocks run across taps.
  return {channels, bfp8_blocks_width(channels * geometry.taps())};
}

Conv2dGeometry describe_conv2d_weights(const Conv2dArgs& args) {
  Conv2dGeometry g;
  g.batch = args.batch_size;
  g.in_channels = args.in_channels;
  g.out_channels = args.out_channels;
  g.groups = args.groups;
  g.input_height = args.input_height;
  g.input_width = args.input_width;
  g.kernel_h = args.kernel_size[0];
  g.kernel_w = args.kernel_size[1];
  g.stride_h = args.stride[0];
  g.stride_w = args.stride[1];
  g.dilation_h = args.dilation[0];
  g.dilation_w = args.dilation[1];
  g.padding = args.padding;

  check(g.batch > 0 && g.input_height > 0 && g.input_width > 0,
        "conv2d: batch_size {}, input_height {} and input_width {} must be positive", g.batch, g.input_height,
        g.input_width);
  check(g.in_channels > 0 && g.out_channels > 0, "conv2d: in_channels {} and out_channels {} must be positive",
        g.in_channels, g.out_channels);
  check(g.groups > 0 && g.in_channels % g.groups == 0 && g.out_channels % g.groups == 0,
        "conv2d: groups={} must divide in_channels={} and out_channels={}", g.groups, g.in_channels, g.out_channels);
  g.output_height = conv_output_size(g.input_height, g.kernel_h, g.stride_h, g.padding.top, g.padding.bottom, g.dilation_h);
  g.output_width = conv_output_size(g.input_width, g.kernel_w, g.stride_w, g.padding.left, g.padding.right, g.dilation_w);
  return g;
}

Conv2dGeometry describe_conv2d(const Conv2dArgs& args) {
  const Conv2dGeometry g = describe_conv2d_weights(args);
  const Tensor& input = args.input_tensor;
  check(input.buffer() != nullptr, "conv2d: input_tensor is empty");
  const Shape& shape = input.logical_shape();
  check(shape.rank() == 4, "conv2d: input must be [1, 1, N*H*W, C] or [N, H, W, C], got {}", shape);
  check(shape.width() == g.in_channels, "conv2d: input has {} channels (last dim of {}), in_channels is {}", shape.width(),
        shape, g.in_channels);
  check(shape.height() == g.input_pixels(),
        "conv2d: input {} holds {} pixels, batch_size*input_height*input_width = {}*{}*{} = {}", shape, shape.height(),
        g.batch, g.input_height, g.input_width, g.input_pixels());

  const Conv2dConfig& config = args.conv_config;
  check(config.output_layout == Layout::TILE || !is_block_float(config.dtype),
        "conv2d: output dtype {} requires output_layout TILE, got ROW_MAJOR", config.dtype);
  check(config.act_block_h_override % 32 == 0, "conv2d: act_block_h_override {} must be a multiple of 32",
        config.act_block_h_override);
  check(!config.override_sharding_config || config.core_grid.has_value(),
        "conv2d: override_sharding_config needs conv_config.core_grid");
  check(args.device != nullptr || input.device() != nullptr, "conv2d: no device given and the input is on the host");
  return g;
}

Conv2dMath resolve_conv2d_math(const Conv2dArgs& args) {
  const Conv2dConfig& config = args.conv_config;
  Conv2dMath math;
  if (args.compute_config) {
    const DeviceComputeKernelConfig& compute = *args.compute_config;
    if (config.math_fidelity && *config.math_fidelity != compute.math_fidelity)
      fail("conv2d: conv_config.math_fidelity={} disagrees with compute_config.math_fidelity={}", *config.math_fidelity,
           compute.math_fidelity);
    if (config.fp32_dest_acc_enabled && *config.fp32_dest_acc_enabled != compute.fp32_dest_acc_en)
      fail("conv2d: conv_config.fp32_dest_acc_enabled={} disagrees with compute_config.fp32_dest_acc_en={}",
           *config.fp32_dest_acc_enabled, compute.fp32_dest_acc_en);
    if (config.packer_l1_accum_enabled && *config.packer_l1_accum_enabled != compute.packer_l1_acc)
      fail("conv2d: conv_config.packer_l1_accum_enabled={} disagrees with compute_config.packer_l1_acc={}",
           *config.packer_l1_accum_enabled, compute.packer_l1_acc);
    if (config.numerics && compute.numerics && *config.numerics != *compute.numerics)
      fail("conv2d: conv_config.numerics={} disagrees with compute_config.numerics={}", *config.numerics,
           *compute.numerics);
    math.math_fidelity = compute.math_fidelity;
    math.fp32_dest_acc = compute.fp32_dest_acc_en;
    math.packer_l1_acc = compute.packer_l1_acc;
    if (compute.numerics) math.numerics = *compute.numerics;
    else if (Device* device = args.device ? args.device : args.input_tensor.device()) math.numerics = device->numerics();
  } else {
    math.math_fidelity = config.math_fidelity.value_or(MathFidelity::HiFi4);
    math.fp32_dest_acc = config.fp32_dest_acc_enabled.value_or(false);
    math.packer_l1_acc = config.packer_l1_accum_enabled.value_or(false);
    if (Device* device = args.device ? args.device : args.input_tensor.device()) math.numerics = device->numerics();
  }
  if (config.numerics) math.numerics = *config.numerics;
  math.clamp = activation_clamp(config.activation, "conv2d");
  return math;
}

std::string prepared_weights_key(const Conv2dArgs& args, const Conv2dGeometry& g, const Conv2dMath& math) {
  const Conv2dConfig& config = args.conv_config;
  return fmt::format("w{}:b{}|{}x{}x{}x{}->{}|k{}x{} s{}x{} p{},{},{},{} d{}x{} g{}|{} {} {} {}",
                     args.weight_tensor.buffer() ? args.weight_tensor.buffer()->id() : 0,
                     args.bias_tensor && args.bias_tensor->buffer() ? args.bias_tensor->buffer()->id() : 0, g.batch,
                     g.input_height, g.input_width, g.in_channels, g.out_channels, g.kernel_h, g.kernel_w, g.stride_h,
                     g.stride_w, g.padding.top, g.padding.bottom, g.padding.left, g.padding.right, g.dilation_h,
                     g.dilation_w, g.groups, config.weights_dtype, math.math_fidelity, math.numerics, config.activation);
}

}  // namespace ttnn
