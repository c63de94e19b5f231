// torchvision's MobileNetV2, module by module, with its state-dict names.
#include <cmath>

#include "core/check.hpp"
#include "ttnn/model/mobilenetv2.hpp"

namespace ttnn::model {
namespace {

// torchvision's _make_divisible: round to a multiple of 8, never more than 10% down.
uint32_t make_divisible(float value, uint32_t divisor = 8) {
  uint32_t rounded = std::max(divisor, uint32_t(value + divisor / 2.0f) / divisor * divisor);
  if (float(rounded) < 0.9f * value) rounded += divisor;
  return rounded;
}

struct BlockSetting {
  uint32_t expand_ratio, channels, repeats, stride;
};
constexpr BlockSetting kInvertedResidualSetting[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                                     {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
constexpr float kWidthMultipliers[] = {1.0f, 0.5f, 0.75f, 1.4f, 0.35f, 1.3f};

}  // namespace

Conv2dNormActivation::Conv2dNormActivation(uint32_t in_channels, uint32_t out_channels, uint32_t kernel,
                                           uint32_t stride, uint32_t groups, bool activation) {
  Conv2dOptions options;
  options.in_channels = in_channels;
  options.out_channels = out_channels;
  options.kernel_size = {kernel, kernel};
  options.stride = {stride, stride};
  options.padding = {(kernel - 1) / 2, (kernel - 1) / 2};
  options.groups = groups;
  options.bias = false;
  append(std::make_unique<Conv2d>(options));
  append(std::make_unique<BatchNorm2d>(out_channels));
  if (activation) append(std::make_unique<ReLU6>());
}

InvertedResidual::InvertedResidual(uint32_t in_channels, uint32_t out_channels, uint32_t stride, uint32_t expand_ratio)
    : use_res_connect_(stride == 1 && in_channels == out_channels) {
  const uint32_t hidden = uint32_t(std::lround(float(in_channels) * float(expand_ratio)));
  auto conv = std::make_unique<Sequential>();
  if (expand_ratio != 1) conv->append(std::make_unique<Conv2dNormActivation>(in_channels, hidden, 1, 1, 1));
  conv->append(std::make_unique<Conv2dNormActivation>(hidden, hidden, 3, stride, hidden));
  Conv2dOptions project;
  project.in_channels = hidden;
  project.out_channels = out_channels;
  project.bias = false;
  conv->append(std::make_unique<Conv2d>(project));
  conv->append(std::make_unique<BatchNorm2d>(out_channels));
  add("conv", std::move(conv));
}

TracedTensor InvertedResidual::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = inputs.at(0);
  const TracedTensor output = call_child(tracer, 0, input);
  if (!use_res_connect_) return output;
  return tracer.record("add", {input, output}, output.shape);
}

MobileNetV2Module::MobileNetV2Module(float width_mult, uint32_t num_classes) : width_mult_(width_mult) {
  uint32_t input_channel = make_divisible(32 * width_mult);
  const uint32_t last_channel = make_divisible(1280 * std::max(1.0f, width_mult));
  auto features = std::make_unique<Sequential>();
  features->append(std::make_unique<Conv2dNormActivation>(3, input_channel, 3, 2, 1));
  for (const BlockSetting& setting : kInvertedResidualSetting) {
    const uint32_t output_channel = make_divisible(float(setting.channels) * width_mult);
    for (uint32_t i = 0; i < setting.repeats; ++i) {
      features->append(std::make_unique<InvertedResidual>(input_channel, output_channel, i == 0 ? setting.stride : 1,
                                                          setting.expand_ratio));
      input_channel = output_channel;
    }
  }
  features->append(std::make_unique<Conv2dNormActivation>(input_channel, last_channel, 1, 1, 1));
  add("features", std::move(features));
  auto classifier = std::make_unique<Sequential>();
  classifier->append(std::make_unique<Dropout>(0.2f));
  classifier->append(std::make_unique<Linear>(last_channel, num_classes));
  add("classifier", std::move(classifier));
}

TracedTensor MobileNetV2Module::forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const {
  const TracedTensor& input = inputs.at(0);
  if (input.shape.rank() != 4 || input.shape[1] != 3)
    tracer.fail("MobileNetV2 expects an [N, 3, H, W] input, got " + to_string(input.shape));
  TracedTensor x = call_child(tracer, 0, input);
  x = tracer.record("adaptive_avg_pool2d", {x}, Shape{x.shape[0], x.shape[1], 1, 1}, {{"output_size", "(1, 1)"}});
  x = tracer.record("flatten", {x}, Shape{x.shape[0], x.shape[1]});
  return call_child(tracer, 1, x);
}

namespace {

// Every parameter shape the module tree of `width_mult` expects, by state-dict key.
std::map<std::string, Shape> expected_shapes(float width_mult, uint32_t num_classes) {
  return parameter_shapes(MobileNetV2Module(width_mult, num_classes));
}

}  // namespace

uint32_t infer_num_classes(const StateDict& state_dict) {
  check<FormatError>(state_dict.contains("classifier.1.weight"),
                     "checkpoint: 'classifier.1.weight' is missing: not a torchvision MobileNetV2 state dict");
  const Shape& shape = state_dict.at("classifier.1.weight").shape;
  check<FormatError>(shape.rank() == 2, "checkpoint: 'classifier.1.weight' has shape {}, expected [classes, features]",
                     shape);
  return shape[0];
}

float infer_width_multiplier(const StateDict& state_dict) {
  const uint32_t num_classes = infer_num_classes(state_dict);
  std::string first_mismatch;
  for (const float width : kWidthMultipliers) {
    const auto shapes = expected_shapes(width, num_classes);
    std::string mismatch;
    for (const auto& [key, shape] : shapes) {
      if (!state_dict.contains(key)) {
        if (key.find("running_") == std::string::npos) mismatch = fmt::format("tensor '{}' is missing", key);
      } else if (state_dict.at(key).shape != shape) {
        mismatch = fmt::format("tensor '{}' has shape {}, width {} needs {}", key, state_dict.at(key).shape, width, shape);
      }
      if (!mismatch.empty()) break;
    }
    if (mismatch.empty()) return width;
    if (first_mismatch.empty()) first_mismatch = mismatch;
  }
  fail<FormatError>("checkpoint is not a torchvision MobileNetV2 of width 0.35/0.5/0.75/1.0/1.3/1.4: {}", first_mismatch);
}

namespace {

// The module tree a checkpoint describes: its width multiplier and class count.
std::shared_ptr<const MobileNetV2Module> mobilenetv2_module(const StateDict& state_dict) {
  return std::make_shared<const MobileNetV2Module>(infer_width_multiplier(state_dict), infer_num_classes(state_dict));
}

}  // namespace

ModelParameters create_mobilenetv2_model_parameters(const StateDict& state_dict, const Shape& input_shape) {
  return create_model_parameters(mobilenetv2_module(state_dict), state_dict, input_shape);
}

ModelParameters create_mobilenetv2_model_parameters(StateDict&& state_dict, const Shape& input_shape) {
  auto module = mobilenetv2_module(state_dict);
  return create_model_parameters(std::move(module), std::move(state_dict), input_shape);
}

}  // namespace ttnn::model
