// global_avg_pool2d in two halves (as conv2d, ops/conv2d/plan.hpp): the plan derived from the input's
// spec, and running it on tensors of the planned specs, which allocates nothing on the heap.
#pragma once

#include <optional>

#include "ops/common/logical_rows.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct GlobalAveragePlan {
  const char* op = "";
  TensorSpec output_spec;
  OutputPlan output;
  uint64_t positions = 0;  // input rows averaged into each output row
  ActivationSource input;  // its bytes are set per run
};

// The [1, 1, N*H*W, C] form of global_avg_pool2d (what the model calls).
GlobalAveragePlan plan_global_avg_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w,
                                         const std::optional<MemoryConfig>& memory_config,
                                         std::optional<DataType> dtype);
void run_global_average_plan(const GlobalAveragePlan& plan, const Tensor& input, const Tensor& output);
// The same with the input's values passed as float rows instead of in its bytes (the model's planned pass:
// the conv that makes them wrote pixel p's values at rows + p * row_stride, as stored): the sums read them in
// place, with the same bits.
void run_global_average_plan(const GlobalAveragePlan& plan, const float* rows, size_t row_stride,
                             const Tensor& output);

}  // namespace ttnn
