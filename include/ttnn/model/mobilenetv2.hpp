// MobileNetV2 (torchvision's architecture and state-dict names) as a module tree, and its preprocessing:
// width inference from a checkpoint, module-argument inference by tracing, batch-norm folding.
#pragma once

#include <memory>

#include "ttnn/model/module.hpp"
#include "ttnn/model/parameters.hpp"
#include "ttnn/state_dict.hpp"

namespace ttnn::model {

// torchvision's Conv2dNormActivation: Conv2d ("0"), BatchNorm2d ("1"), ReLU6 ("2").
class Conv2dNormActivation : public Sequential {
 public:
  Conv2dNormActivation(uint32_t in_channels, uint32_t out_channels, uint32_t kernel, uint32_t stride, uint32_t groups,
                       bool activation = true);
  std::string_view type_name() const override { return "Conv2dNormActivation"; }
};

// torchvision's InvertedResidual: `conv` = [expand 1x1 (if expand_ratio != 1), depthwise 3x3, project 1x1,
// BatchNorm2d]; the input is added back when stride is 1 and the channel count is kept.
class InvertedResidual : public Module {
 public:
  InvertedResidual(uint32_t in_channels, uint32_t out_channels, uint32_t stride, uint32_t expand_ratio);
  std::string_view type_name() const override { return "InvertedResidual"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
  bool use_res_connect() const { return use_res_connect_; }

 private:
  bool use_res_connect_;
};

class MobileNetV2Module : public Module {
 public:
  explicit MobileNetV2Module(float width_mult = 1.0f, uint32_t num_classes = 1000);
  std::string_view type_name() const override { return "MobileNetV2"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
  float width_mult() const { return width_mult_; }

 private:
  float width_mult_;
};

// The width multiplier (0.35, 0.5, 0.75, 1.0, 1.3 or 1.4) whose module tree matches every tensor shape of
// `state_dict`; throws FormatError naming the first tensor that matches no width ("wrong model").
float infer_width_multiplier(const StateDict& state_dict);
// Classes of the checkpoint's classifier (classifier.1.weight rows).
uint32_t infer_num_classes(const StateDict& state_dict);

// The seed's create_mobilenetv2_model_parameters: builds the module tree the checkpoint describes, traces
// it at `input_shape` (NCHW) to infer every conv's args, folds each batch norm into its conv in fp32.
ModelParameters create_mobilenetv2_model_parameters(const StateDict& state_dict, const Shape& input_shape);
// The same, moving the weights out of `state_dict` (create_model_parameters' overload).
ModelParameters create_mobilenetv2_model_parameters(StateDict&& state_dict, const Shape& input_shape);

}  // namespace ttnn::model
