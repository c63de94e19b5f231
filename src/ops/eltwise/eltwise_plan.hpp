// relu, relu6 and add in two halves (as conv2d, ops/conv2d/plan.hpp): the plan derived from the operands'
// specs, and running it on tensors of those specs, which allocates nothing on the heap.
#pragma once

#include <optional>
#include <string_view>

#include "ops/common/activation.hpp"
#include "ops/common/logical_rows.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct EltwisePlan {
  const char* op = "";
  TensorSpec output_spec;
  OutputPlan output;
  ClampRange range;
  // The operands (a alone for relu and relu6); their bytes are set per run.
  ActivationSource a_source, b_source;
  // add: every operand has the output's layout, so each block reads its rows of a and b directly; otherwise
  // the operands are decoded first.
  bool same_layout = false;
};

EltwisePlan plan_clamp(const Tensor& input, ClampRange range, const std::optional<MemoryConfig>& memory_config,
                       const char* op);
void run_clamp_plan(const EltwisePlan& plan, const Tensor& input, const Tensor& output);

EltwisePlan plan_add(const Tensor& a, const Tensor& b, const std::optional<MemoryConfig>& memory_config,
                     std::optional<DataType> dtype, std::string_view activation);
void run_add_plan(const EltwisePlan& plan, const Tensor& a, const Tensor& b, const Tensor& output);

}  // namespace ttnn
