#include "ops/conv2d_helpers.hpp"

#include "ttnn/operations/core.hpp"

namespace ttnn::test {

Conv2dArgs conv_args(const nlohmann::json& p, const std::vector<float>& nhwc_input, const std::vector<float>& weight,
                     const std::optional<std::vector<float>>& bias, Device& device, const ConvRun& run) {
  const uint32_t n = p["batch"], cin = p["in_channels"], cout = p["out_channels"];
  const uint32_t h = p["input_height"], w = p["input_width"], groups = p["groups"];
  const uint32_t kh = p["kernel"][0], kw = p["kernel"][1];
  Conv2dArgs args;
  args.input_tensor =
      from_host(nhwc_input, Shape{1, 1, n * h * w, cin}, run.dtype, Layout::TILE, &device, L1_MEMORY_CONFIG);
  args.weight_tensor = from_host(weight, Shape{cout, cin / groups, kh, kw});
  if (bias) args.bias_tensor = from_host(*bias, Shape{cout});
  args.device = &device;
  args.in_channels = cin;
  args.out_channels = cout;
  args.batch_size = n;
  args.input_height = h;
  args.input_width = w;
  args.kernel_size = {kh, kw};
  args.stride = {p["stride"][0], p["stride"][1]};
  args.padding = Padding2d(p["padding"][0], p["padding"][1], p["padding"][2], p["padding"][3]);
  args.dilation = {p["dilation"][0], p["dilation"][1]};
  args.groups = groups;
  args.conv_config.dtype = run.output_dtype.value_or(run.dtype);
  args.conv_config.weights_dtype = run.weights_dtype;
  args.conv_config.shard_layout = run.shard_layout;
  args.conv_config.activation = run.activation;
  args.compute_config = run.compute_config.value_or(init_device_compute_kernel_config(run.fidelity));
  args.memory_config = run.output_memory_config;
  return args;
}

Conv2dArgs conv_args(const OracleCase& oracle, Device& device, const ConvRun& run) {
  const auto& p = oracle.params;
  const uint32_t n = p["batch"], cin = p["in_channels"], h = p["input_height"], w = p["input_width"];
  std::optional<std::vector<float>> bias;
  if (run.use_bias && oracle.has("bias")) bias = oracle.floats("bias");
  return conv_args(p, nchw_to_nhwc(oracle.floats("input"), n, cin, h, w), oracle.floats("weight"), bias, device, run);
}

std::vector<float> run_conv(const OracleCase& oracle, Device& device, const ConvRun& run) {
  return to_host(conv2d(conv_args(oracle, device, run)).output);
}

}  // namespace ttnn::test
