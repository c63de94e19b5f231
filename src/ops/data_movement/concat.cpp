// concat: validation, output spec, and one work item per output shard or tile band copying segments of the
// inputs' logical rows.
#include "ttnn/operations/data_movement.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/common/logical_rows.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {
namespace {

struct ConcatPlan {
  uint64_t inner = 1;             // elements of one index along `dim` (product of the later dims)
  uint64_t output_chunk = 0;      // elements of the output per outer index (sum of chunks)
  std::vector<uint64_t> chunks;   // per input: its size along `dim` times inner
  std::vector<uint64_t> offsets;  // per input: where its chunk starts inside the output's
};

size_t normalized_dim(int dim, size_t rank) {
  const int r = int(rank);
  check(dim >= -r && dim < r, "concat: dim {} is out of range for rank {} (expected {} <= dim < {})", dim, rank, -r, r);
  return size_t(dim < 0 ? dim + r : dim);
}

void validate(std::span<const Tensor> inputs, size_t dim) {
  const Tensor& first = inputs.front();
  const Shape& shape = first.logical_shape();
  for (size_t i = 1; i < inputs.size(); ++i) {
    const Tensor& other = inputs[i];
    const Shape& other_shape = other.logical_shape();
    require_same_storage(first, other, "concat", "input 0", fmt::format("input {}", i));
    check(other_shape.rank() == shape.rank(),
          "concat: input {} has rank {} ({}), input 0 has rank {} ({}); ranks must match", i, other_shape.rank(),
          other_shape, shape.rank(), shape);
    for (size_t d = 0; d < shape.rank(); ++d)
      check(d == dim || other_shape.dims()[d] == shape.dims()[d],
            "concat: input {} {} differs from input 0 {} in dim {}; only dim {} may differ", i, other_shape, shape, d,
            dim);
    check(other.dtype() == first.dtype(), "concat: input {} is {}, input 0 is {}; dtypes must match", i, other.dtype(),
          first.dtype());
    check(other.layout() == first.layout(), "concat: input {} is {}, input 0 is {}; layouts must match", i,
          other.layout(), first.layout());
  }
}

}  // namespace

Tensor concat(std::span<const Tensor> inputs, int dim, const std::optional<MemoryConfig>& memory_config) {
  profiler::OpScope profile("concat", inputs);
  const char* op = "concat";
  check(!inputs.empty(), "concat: needs at least one input tensor, got none");
  for (size_t i = 0; i < inputs.size(); ++i) require_input(inputs[i], op, fmt::format("input {}", i));
  const Tensor& first = inputs.front();
  const size_t axis = normalized_dim(dim, first.logical_shape().rank());
  validate(inputs, axis);

  ConcatPlan plan;
  const auto dims = first.logical_shape().dims();
  for (size_t d = axis + 1; d < dims.size(); ++d) plan.inner *= dims[d];
  std::vector<uint32_t> out_dims(dims.begin(), dims.end());
  out_dims[axis] = 0;
  for (const Tensor& input : inputs) {
    const uint32_t size = input.logical_shape().dims()[axis];
    plan.offsets.push_back(plan.output_chunk);
    plan.chunks.push_back(size * plan.inner);
    plan.output_chunk += size * plan.inner;
    out_dims[axis] += size;
  }
  MemoryConfig config = memory_config.value_or(first.memory_config());
  if (!memory_config && first.is_sharded())
    config = MemoryConfig{TensorMemoryLayout::INTERLEAVED, config.buffer_type, {}};
  const TensorSpec spec{Shape(out_dims), first.dtype(), first.layout(), config};
  Tensor output = allocate_tensor(spec, first.device(), op);

  std::vector<std::unique_ptr<DecodedRows>> decoded;
  for (const Tensor& input : inputs) decoded.push_back(std::make_unique<DecodedRows>(input, op));
  const uint64_t out_width = out_dims.back();
  // Output element f sits at outer index f / output_chunk; inside it, input i's chunk covers
  // [offsets[i], offsets[i] + chunks[i]). Copy maximal runs that stay in one input row.
  produce_output(
      output,
      [&](uint64_t row, uint64_t col_begin, uint64_t col_end, float* out) {
        uint64_t f = row * out_width + col_begin;
        const uint64_t f_end = row * out_width + col_end;
        while (f < f_end) {
          const uint64_t outer = f / plan.output_chunk, within = f % plan.output_chunk;
          const size_t i =
              size_t(std::upper_bound(plan.offsets.begin(), plan.offsets.end(), within) - plan.offsets.begin() - 1);
          const uint64_t in_width = inputs[i].logical_shape().width();
          const uint64_t in_flat = outer * plan.chunks[i] + (within - plan.offsets[i]);
          const uint64_t in_row = in_flat / in_width, in_col = in_flat % in_width;
          const uint64_t run = std::min({f_end - f, plan.offsets[i] + plan.chunks[i] - within, in_width - in_col});
          std::memcpy(out, decoded[i]->row(in_row) + in_col, run * sizeof(float));
          out += run;
          f += run;
        }
      },
      op);
  return profile.output(output);
}

Tensor concat(std::initializer_list<Tensor> inputs, int dim, const std::optional<MemoryConfig>& memory_config) {
  return concat(std::span<const Tensor>(inputs.begin(), inputs.size()), dim, memory_config);
}

}  // namespace ttnn
