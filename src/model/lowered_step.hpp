// A lowered op of a model over graph values (node indices), as Model lowers its traced graph.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ttnn/model/model.hpp"
#include "ttnn/operations/conv2d.hpp"
#include "ttnn/operations/matmul.hpp"

namespace ttnn::model {

enum class StepKind { conv2d, add, relu, relu6, global_avg_pool2d, flatten, linear, max_pool2d, identity };

// The output value is `node`.
struct Step {
  StepKind kind;
  size_t node;
  std::vector<size_t> inputs;
  ModelStep info;
  ttnn::Conv2dArgs conv;  // conv2d: the call, with its prepared weights once lowering made them
  std::vector<float> padded_weights;  // conv2d: the weights with zero input channels added, until prepared
  Tensor linear_weight;  // linear: [in, out] on the device
  std::optional<Tensor> linear_bias;
  MatmulOptions linear_options;
  std::string activation;
  std::optional<MemoryConfig> fallback_memory;  // a conv whose output did not fit L1 goes to DRAM
};

}  // namespace ttnn::model
