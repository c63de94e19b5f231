// relu, relu6 and add: validation, output spec, and one work item per output shard or tile band.
#include "ttnn/operations/eltwise.hpp"

#include <limits>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/common/activation.hpp"
#include "ops/common/logical_rows.hpp"
#include "ops/eltwise/eltwise_kernels.hpp"
#include "ops/eltwise/eltwise_plan.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {

EltwisePlan plan_clamp(const Tensor& input, ClampRange range, const std::optional<MemoryConfig>& memory_config,
                       const char* op) {
  require_input(input, op);
  EltwisePlan plan;
  plan.op = op;
  plan.range = range;
  plan.output_spec = TensorSpec{input.logical_shape(), input.dtype(), input.layout(),
                                memory_config.value_or(input.memory_config())};
  plan.output = OutputPlan(plan.output_spec, input.device(), op);
  plan.a_source = activation_source(input.spec(), nullptr, OperandCut{}, op);
  return plan;
}

void run_clamp_plan(const EltwisePlan& plan, const Tensor& input, const Tensor& output) {
  const DecodedRows in(input, plan.a_source, plan.op);
  produce_output(plan.output, output.bytes(plan.op), [&](uint64_t row, uint64_t col_begin, uint64_t col_end, float* out) {
    kernels::f32_clamp(in.row(row) + col_begin, out, col_end - col_begin, plan.range.min, plan.range.max);
  });
}

namespace {

Tensor clamp_op(const Tensor& input, ClampRange range, const std::optional<MemoryConfig>& memory_config,
                const char* op) {
  const EltwisePlan plan = plan_clamp(input, range, memory_config, op);
  Tensor output = allocate_tensor(plan.output_spec, input.device(), op);
  run_clamp_plan(plan, input, output);
  return output;
}

}  // namespace

Tensor relu(const Tensor& input, const std::optional<MemoryConfig>& memory_config) {
  profiler::OpScope profile("relu", {&input});
  return profile.output(clamp_op(input, activation_clamp("relu", "relu"), memory_config, "relu"));
}

Tensor relu6(const Tensor& input, const std::optional<MemoryConfig>& memory_config) {
  profiler::OpScope profile("relu6", {&input});
  return profile.output(clamp_op(input, activation_clamp("relu6", "relu6"), memory_config, "relu6"));
}

EltwisePlan plan_add(const Tensor& a, const Tensor& b, const std::optional<MemoryConfig>& memory_config,
                     std::optional<DataType> dtype, std::string_view activation) {
  const char* op = "add";
  require_input(a, op, "first operand (a)");
  require_input(b, op, "second operand (b)");
  require_same_storage(a, b, op, "a", "b");
  check(a.logical_shape() == b.logical_shape(), "add: operand shapes must match (no broadcasting), got a {} and b {}",
        a.logical_shape(), b.logical_shape());
  EltwisePlan plan;
  plan.op = op;
  plan.range = activation_clamp(activation, op);
  plan.output_spec = TensorSpec{a.logical_shape(), dtype.value_or(a.dtype()), a.layout(),
                                memory_config.value_or(a.memory_config())};
  const TensorSpec& spec = plan.output_spec;
  check(spec.layout == Layout::TILE || !is_block_float(spec.dtype),
        "add: output dtype {} requires TILE layout, but the output takes a's layout {}", spec.dtype, spec.layout);
  plan.output = OutputPlan(spec, a.device(), op);
  plan.same_layout = a.layout() == spec.layout && b.layout() == spec.layout;
  plan.a_source = activation_source(a.spec(), nullptr, OperandCut{}, op);
  plan.b_source = activation_source(b.spec(), nullptr, OperandCut{}, op);
  return plan;
}

void run_add_plan(const EltwisePlan& plan, const Tensor& a, const Tensor& b, const Tensor& output) {
  const ClampRange range = plan.range;
  std::byte* out_bytes = output.bytes(plan.op);
  if (plan.same_layout) {
    // The same physical rows in all three (a residual add): each block reads its rows of a and b as it
    // writes them, while they are in cache, instead of decoding both tensors first.
    const ActivationSource lhs = plan.a_source.at(a.bytes(plan.op)), rhs = plan.b_source.at(b.bytes(plan.op));
    produce_output_blocks(plan.output, out_bytes,
                          [&](uint64_t row_begin, uint64_t row_end, uint64_t col_begin, uint64_t col_end, float* out) {
                            const size_t width = col_end - col_begin, count = (row_end - row_begin) * width;
                            thread_local std::vector<float> b_rows;
                            if (b_rows.size() < count) b_rows.resize(count);
                            lhs.read(row_begin, row_end, col_begin, col_end, out, width);
                            rhs.read(row_begin, row_end, col_begin, col_end, b_rows.data(), width);
                            kernels::f32_add_clamp(out, b_rows.data(), out, count, range.min, range.max);
                          });
    return;
  }
  // Each operand is read where it lies (any layout, dtype or sharding): that is bringing b to the output's
  // memory config without an intermediate copy.
  const DecodedRows lhs(a, plan.a_source, plan.op), rhs(b, plan.b_source, plan.op);
  produce_output(plan.output, out_bytes, [&](uint64_t row, uint64_t col_begin, uint64_t col_end, float* out) {
    kernels::f32_add_clamp(lhs.row(row) + col_begin, rhs.row(row) + col_begin, out, col_end - col_begin, range.min,
                           range.max);
  });
}

Tensor add(const Tensor& a, const Tensor& b, const std::optional<MemoryConfig>& memory_config,
           std::optional<DataType> dtype, std::string_view activation) {
  profiler::OpScope profile("add", {&a, &b});
  const EltwisePlan plan = plan_add(a, b, memory_config, dtype, activation);
  Tensor output = allocate_tensor(plan.output_spec, a.device(), plan.op);
  profile.output(output);
  run_add_plan(plan, a, b, output);
  return output;
}

}  // namespace ttnn
