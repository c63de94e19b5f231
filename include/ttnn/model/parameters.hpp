// A traced model's parameters: the module tree, the traced graph, the inferred module args and, per conv
// and linear module path, host weights ready for the ops (batch norms folded into the convs).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ttnn/model/module.hpp"
#include "ttnn/model/module_args.hpp"
#include "ttnn/state_dict.hpp"

namespace ttnn::model {

struct ConvParameters {
  Conv2dArgs args;
  HostArray weight;  // [out, in/groups, kh, kw], batch norm folded in
  HostArray bias;    // [out] (zeros when the conv has neither bias nor batch norm)
  std::string batch_norm_path;  // the folded BatchNorm2d, or empty
};

struct LinearParameters {
  HostArray weight;  // [out_features, in_features] as torch stores it
  std::optional<HostArray> bias;
};

struct ModelParameters {
  std::shared_ptr<const Module> module;
  Shape input_shape;
  Graph graph;
  ModuleArgs module_args;
  std::map<std::string, ConvParameters> convs;      // by module path
  std::map<std::string, LinearParameters> linears;  // by module path
};

// Traces `module` at `input_shape` and attaches the checkpoint's weights: every Conv2d with the BatchNorm2d
// that alone consumes it folded in (fp32, the seed's fold_batch_norm2d_into_conv2d), every Linear.
// Throws InvalidArgument for a shape that cannot flow (before any weight is read) and FormatError for a
// missing or wrongly shaped tensor, or a batch norm without running statistics.
// A state dict for `module` with seeded random values that keep activations O(1): weights normal with
// variance 1/fan-in, batch norms near identity. For benchmarks and pictures, where values do not matter.
StateDict random_state_dict(const Module& module, uint32_t seed = 0);

ModelParameters create_model_parameters(std::shared_ptr<const Module> module, const StateDict& state_dict,
                                        const Shape& input_shape);
// The same, moving the weights out of `state_dict` instead of copying them (a dict loaded for this model
// alone): megabytes less memory touched before the first result.
ModelParameters create_model_parameters(std::shared_ptr<const Module> module, StateDict&& state_dict,
                                        const Shape& input_shape);

}  // namespace ttnn::model
