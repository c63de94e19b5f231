// relu, relu6 and add: validation, output spec, and one work item per output shard or tile band.
#include "ttnn/operations/eltwise.hpp"

#include <limits>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/common/activation.hpp"
#include "ops/common/logical_rows.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ops/eltwise/eltwise_kernels.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {
namespace {

Tensor clamp_op(const Tensor& input, ClampRange range, const std::optional<MemoryConfig>& memory_config,
                const char* op) {
  require_input(input, op);
  const TensorSpec spec{input.logical_shape(), input.dtype(), input.layout(),
                        memory_config.value_or(input.memory_config())};
  Tensor output = allocate_tensor(spec, input.device(), op);
  const DecodedRows in(input, op);
  produce_output(
      output,
      [&](uint64_t row, uint64_t col_begin, uint64_t col_end, float* out) {
        kernels::f32_clamp(in.row(row) + col_begin, out, col_end - col_begin, range.min, range.max);
      },
      op);
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

Tensor add(const Tensor& a, const Tensor& b, const std::optional<MemoryConfig>& memory_config,
           std::optional<DataType> dtype, std::string_view activation) {
  profiler::OpScope profile("add", {&a, &b});
  const char* op = "add";
  require_input(a, op, "first operand (a)");
  require_input(b, op, "second operand (b)");
  require_same_storage(a, b, op, "a", "b");
  check(a.logical_shape() == b.logical_shape(), "add: operand shapes must match (no broadcasting), got a {} and b {}",
        a.logical_shape(), b.logical_shape());
  const ClampRange range = activation_clamp(activation, op);
  const TensorSpec spec{a.logical_shape(), dtype.value_or(a.dtype()), a.layout(),
                        memory_config.value_or(a.memory_config())};
  check(spec.layout == Layout::TILE || !is_block_float(spec.dtype),
        "add: output dtype {} requires TILE layout, but the output takes a's layout {}", spec.dtype, spec.layout);
  Tensor output = allocate_tensor(spec, a.device(), op);
  profile.output(output);
  if (a.layout() == spec.layout && b.layout() == spec.layout) {
    // The same physical rows in all three (a residual add): each block reads its rows of a and b as it
    // writes them, while they are in cache, instead of decoding both tensors first.
    const BufferLayout a_layout = BufferLayout::of(a.spec(), op), b_layout = BufferLayout::of(b.spec(), op);
    const std::byte* a_bytes = a.bytes(op);
    const std::byte* b_bytes = b.bytes(op);
    produce_output_blocks(
        output,
        [&](uint64_t row_begin, uint64_t row_end, uint64_t col_begin, uint64_t col_end, float* out) {
          const size_t width = col_end - col_begin, count = (row_end - row_begin) * width;
          thread_local std::vector<float> rhs;
          if (rhs.size() < count) rhs.resize(count);
          read_rows(a_layout, a_bytes, row_begin, row_end, col_begin, col_end, out, width);
          read_rows(b_layout, b_bytes, row_begin, row_end, col_begin, col_end, rhs.data(), width);
          kernels::f32_add_clamp(out, rhs.data(), out, count, range.min, range.max);
        },
        op);
    return output;
  }
  // Each operand is read where it lies (any layout, dtype or sharding): that is bringing b to the output's
  // memory config without an intermediate copy.
  const DecodedRows lhs(a, op), rhs(b, op);
  produce_output(
      output,
      [&](uint64_t row, uint64_t col_begin, uint64_t col_end, float* out) {
        kernels::f32_add_clamp(lhs.row(row) + col_begin, rhs.row(row) + col_begin, out, col_end - col_begin, range.min,
                               range.max);
      },
      op);
  return output;
}

}  // namespace ttnn
