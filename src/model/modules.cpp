// Traced forward passes of the leaf modules: shape arithmetic and checks, one graph node each.
#include <string>

#include "ttnn/model/module.hpp"
#include "core/check.hpp"

namespace ttnn::model {
namespace {

std::string pair(std::array<uint32_t, 2> values) {
  return "(" + std::to_string(values[0]) + ", " + std::to_string(values[1]) + ")";
}

const TracedTensor& single_input(Tracer& tracer, const std::vector<TracedTensor>& inputs, std::string_view type) {
  if (inputs.size() != 1) tracer.fail(std::string(type) + " takes one input, got " + std::to_string(inputs.size()));
  return inputs.front();
}

const TracedTensor& nchw_input(Tracer& tracer, const std::vector<TracedTensor>& inputs, std::string_view type) {
  const TracedTensor& input = single_input(tracer, inputs, type);
  if (input.shape.rank() != 4)
    tracer.fail(std::string(type) + " expects an [N, C, H, W] input, got " + to_string(input.shape));
  return input;
}

// Output size of a sliding window, with the module path in the error.
uint32_t window_output(Tracer& tracer, uint32_t input, uint32_t kernel, uint32_t stride, uint32_t padding,
                       uint32_t dilation, bool ceil_mode, const char* axis) {
  const int64_t extent = int64_t(dilation) * (kernel - 1) + 1;
  const int64_t span = int64_t(input) + 2 * int64_t(padding) - extent;
  if (span < 0)
    tracer.fail("input " + std::string(axis) + " " + std::to_string(input) + " (padded " +
                std::to_string(input + 2 * padding) + ") is smaller than the kernel extent " + std::to_string(extent));
  int64_t out = (ceil_mode ? (span + stride - 1) : span) / stride + 1;
  if (ceil_mode && (out - 1) * stride >= int64_t(input) + padding) --out;
  return uint32_t(out);
}

}  // namespace

const Module* Module::child(std::string_view name) const {
  for (const auto& [child_name, module] : children_)
    if (child_name == name) return module.get();
  return nullptr;
}

TracedTensor Module::call_child(Tracer& tracer, size_t index, const TracedTensor& input) const {
  const auto& [name, module] = children_.at(index);
  return tracer.call(name, *module, {input});
}

Conv2d::Conv2d(Conv2dOptions options) : options_(std::move(options)) {}

TracedTensor Conv2d::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = nchw_input(tracer, inputs, "Conv2d");
  const Conv2dOptions& o = options_;
  if (input.shape[1] != o.in_channels)
    tracer.fail("Conv2d expects " + std::to_string(o.in_channels) + " input channels, got " +
                std::to_string(input.shape[1]) + " (input " + to_string(input.shape) + ")");
  if (o.groups == 0 || o.in_channels % o.groups || o.out_channels % o.groups)
    tracer.fail("Conv2d groups=" + std::to_string(o.groups) + " must divide in_channels=" + std::to_string(o.in_channels) +
                " and out_channels=" + std::to_string(o.out_channels));
  const uint32_t oh = window_output(tracer, input.shape[2], o.kernel_size[0], o.stride[0], o.padding[0], o.dilation[0], false, "height");
  const uint32_t ow = window_output(tracer, input.shape[3], o.kernel_size[1], o.stride[1], o.padding[1], o.dilation[1], false, "width");
  return tracer.record("Conv2d", inputs, Shape{input.shape[0], o.out_channels, oh, ow},
                       {{"in_channels", std::to_string(o.in_channels)},
                        {"out_channels", std::to_string(o.out_channels)},
                        {"kernel_size", pair(o.kernel_size)},
                        {"stride", pair(o.stride)},
                        {"padding", pair(o.padding)},
                        {"dilation", pair(o.dilation)},
                        {"groups", std::to_string(o.groups)},
                        {"bias", o.bias ? "True" : "False"},
                        {"padding_mode", o.padding_mode}});
}

TracedTensor BatchNorm2d::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = nchw_input(tracer, inputs, "BatchNorm2d");
  if (input.shape[1] != num_features_)
    tracer.fail("BatchNorm2d has " + std::to_string(num_features_) + " features, the input has " +
                std::to_string(input.shape[1]) + " channels");
  return tracer.record("BatchNorm2d", inputs, input.shape,
                       {{"num_features", std::to_string(num_features_)}, {"eps", std::to_string(eps_)}});
}

TracedTensor ReLU::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  return tracer.record("ReLU", inputs, single_input(tracer, inputs, "ReLU").shape);
}

TracedTensor ReLU6::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  return tracer.record("ReLU6", inputs, single_input(tracer, inputs, "ReLU6").shape);
}

TracedTensor Dropout::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  return tracer.record("Dropout", inputs, single_input(tracer, inputs, "Dropout").shape, {{"p", std::to_string(p_)}});
}

TracedTensor Linear::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = single_input(tracer, inputs, "Linear");
  if (input.shape.rank() < 1 || input.shape[-1] != in_features_)
    tracer.fail("Linear expects " + std::to_string(in_features_) + " input features, got input " + to_string(input.shape));
  std::vector<uint32_t> dims(input.shape.dims().begin(), input.shape.dims().end());
  dims.back() = out_features_;
  return tracer.record("Linear", inputs, Shape(dims),
                       {{"in_features", std::to_string(in_features_)}, {"out_features", std::to_string(out_features_)}});
}

TracedTensor MaxPool2d::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = nchw_input(tracer, inputs, "MaxPool2d");
  const MaxPool2dOptions& o = options_;
  const uint32_t oh = window_output(tracer, input.shape[2], o.kernel_size[0], o.stride[0], o.padding[0], o.dilation[0], o.ceil_mode, "height");
  const uint32_t ow = window_output(tracer, input.shape[3], o.kernel_size[1], o.stride[1], o.padding[1], o.dilation[1], o.ceil_mode, "width");
  return tracer.record("MaxPool2d", inputs, Shape{input.shape[0], input.shape[1], oh, ow},
                       {{"kernel_size", pair(o.kernel_size)},
                        {"stride", pair(o.stride)},
                        {"padding", pair(o.padding)},
                        {"dilation", pair(o.dilation)}});
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(std::array<uint32_t, 2> output_size) {
  check(output_size == std::array<uint32_t, 2>{1, 1}, "AdaptiveAvgPool2d: only output size (1, 1) is supported, got ({}, {})",
        output_size[0], output_size[1]);
}

TracedTensor AdaptiveAvgPool2d::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = nchw_input(tracer, inputs, "AdaptiveAvgPool2d");
  return tracer.record("AdaptiveAvgPool2d", inputs, Shape{input.shape[0], input.shape[1], 1, 1},
                       {{"output_size", "(1, 1)"}});
}

TracedTensor Flatten::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = single_input(tracer, inputs, "Flatten");
  const uint32_t features = uint32_t(input.shape.volume() / input.shape[0]);
  return tracer.record("Flatten", inputs, Shape{input.shape[0], features});
}

std::map<std::string, Shape> parameter_shapes(const Module& root) {
  std::map<std::string, Shape> shapes;
  const auto visit = [&](const auto& self, const Module& m, const std::string& path) -> void {
    if (const auto* conv = dynamic_cast<const Conv2d*>(&m)) {
      const auto& o = conv->options();
      shapes[path + ".weight"] = Shape{o.out_channels, o.in_channels / o.groups, o.kernel_size[0], o.kernel_size[1]};
      if (o.bias) shapes[path + ".bias"] = Shape{o.out_channels};
    } else if (const auto* bn = dynamic_cast<const BatchNorm2d*>(&m)) {
      for (const char* name : {".weight", ".bias", ".running_mean", ".running_var"})
        shapes[path + name] = Shape{bn->num_features()};
    } else if (const auto* linear = dynamic_cast<const Linear*>(&m)) {
      shapes[path + ".weight"] = Shape{linear->out_features(), linear->in_features()};
      if (linear->has_bias()) shapes[path + ".bias"] = Shape{linear->out_features()};
    }
    for (const auto& [name, child] : m.children()) self(self, *child, path.empty() ? name : path + "." + name);
  };
  visit(visit, root, "");
  return shapes;
}

TracedTensor Sequential::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  TracedTensor value = single_input(tracer, inputs, "Sequential");
  for (size_t i = 0; i < children().size(); ++i) value = call_child(tracer, i, value);
  return value;
}

}  // namespace ttnn::model
