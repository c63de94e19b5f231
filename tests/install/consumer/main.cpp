// The README's library example, built against the installed package: a 3x3 conv with fused ReLU6 in
// bfloat8_b and LoFi, run twice with the prepared weights, plus one ttnn_io call.
#include <cstdio>
#include <vector>

#include "ttnn/device.hpp"
#include "ttnn/io/labels.hpp"
#include "ttnn/operations/conv2d.hpp"
#include "ttnn/operations/core.hpp"

int main() {
  const uint32_t n = 1, h = 8, w = 8, c = 16;
  std::vector<float> nhwc(n * h * w * c, 0.5f), weights(96 * c * 9, 0.01f), bias(96, 0.1f);
  auto device = ttnn::open_device(0);  // 8x8 cores, 1464 KiB L1 each, like a Wormhole N150
  auto x = ttnn::from_host(nhwc, ttnn::Shape{1, 1, n * h * w, c}, ttnn::bfloat8_b, ttnn::TILE_LAYOUT, device.get(),
                           ttnn::L1_MEMORY_CONFIG);
  ttnn::Conv2dArgs args{.input_tensor = x,
                        .weight_tensor = ttnn::from_host(weights, ttnn::Shape{96, c, 3, 3}),
                        .bias_tensor = ttnn::from_host(bias, ttnn::Shape{96}),
                        .device = device.get(),
                        .in_channels = c,
                        .out_channels = 96,
                        .batch_size = n,
                        .input_height = h,
                        .input_width = w,
                        .kernel_size = {3, 3},
                        .padding = ttnn::Padding2d(1, 1)};
  args.conv_config.weights_dtype = ttnn::bfloat8_b;
  args.conv_config.dtype = ttnn::bfloat8_b;
  args.conv_config.activation = "relu6";
  args.compute_config = ttnn::init_device_compute_kernel_config(ttnn::MathFidelity::LoFi);
  auto [y, out_h, out_w, prepared_w, prepared_b] = ttnn::conv2d(args);
  args.weight_tensor = prepared_w;  // later calls prepare nothing
  args.bias_tensor = prepared_b;
  const auto again = ttnn::to_host(ttnn::conv2d(args).output);
  const auto first = ttnn::to_host(y);
  // Interior pixel: 16 channels x 9 taps x 0.5 x 0.01 + 0.1 = 0.82, within bfloat8_b/LoFi rounding.
  const float centre = first[(3 * w + 3) * 96];
  const bool ok = out_h == 8 && out_w == 8 && again == first && centre > 0.78f && centre < 0.86f &&
                  ttnn::io::imagenet_classes().size() == 1000;
  std::printf("consumer: %ux%u output, centre %.4f, %s\n", out_h, out_w, centre, ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
