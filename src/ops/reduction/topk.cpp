// topk: validation, output specs (values and float32 indices), a selection per slice along `dim`, one output
// work item per shard or tile band.
#include "ttnn/operations/reduction.hpp"

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/common/logical_rows.hpp"
#include "ops/reduction/topk_kernels.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {
namespace {

constexpr uint64_t kMaxExactIndex = uint64_t(1) << 24;  // float32 holds every integer up to here

MemoryConfig output_memory_config(const Tensor& input, const Shape& output_shape, bool last_dim,
                                  const std::optional<MemoryConfig>& memory_config) {
  if (memory_config) return *memory_config;
  const MemoryConfig& config = input.memory_config();
  if (!config.is_sharded()) return config;
  if (last_dim && config.memory_layout == TensorMemoryLayout::HEIGHT_SHARDED) {
    MemoryConfig fitted = config;
    const TensorSpec spec{output_shape, input.dtype(), input.layout(), DRAM_MEMORY_CONFIG};
    fitted.shard_spec->shape[1] = uint32_t(spec.physical_width());
    return fitted;
  }
  return MemoryConfig{TensorMemoryLayout::INTERLEAVED, config.buffer_type, {}};
}

}  // namespace

TopkResult topk(const Tensor& input, uint32_t k, int dim, bool largest, bool sorted,
                const std::optional<MemoryConfig>& memory_config) {
  profiler::OpScope profile("topk", {&input});
  const char* op = "topk";
  require_input(input, op);
  const Shape& shape = input.logical_shape();
  const int rank = int(shape.rank());
  check(dim >= -rank && dim < rank, "topk: dim {} is out of range for a rank-{} tensor {} (expected {} <= dim < {})",
        dim, rank, shape, -rank, rank);
  check(shape.volume() > 0, "topk: input {} has no elements", shape);
  const size_t axis = size_t(dim < 0 ? dim + rank : dim);
  const uint64_t length = shape.dims()[axis];
  check(k >= 1 && k <= length, "topk: k={} must be in [1, {}] (the size of dim {} of {})", k, length, dim, shape);
  check(length <= kMaxExactIndex, "topk: dim {} has {} elements; float32 indices are exact only up to {}", dim, length,
        kMaxExactIndex);
  uint64_t inner = 1;
  for (size_t d = axis + 1; d < shape.rank(); ++d) inner *= shape.dims()[d];
  const uint64_t outer = shape.volume() / (length * inner);

  std::vector<uint32_t> out_dims(shape.dims().begin(), shape.dims().end());
  out_dims[axis] = k;
  const Shape out_shape(out_dims);
  const MemoryConfig config = output_memory_config(input, out_shape, axis + 1 == shape.rank(), memory_config);
  const TensorSpec values_spec{out_shape, input.dtype(), input.layout(), config};
  const TensorSpec indices_spec{out_shape, DataType::FLOAT32, input.layout(), config};
  TopkResult result{allocate_tensor(values_spec, input.device(), op),
                    allocate_tensor(indices_spec, input.device(), op)};
  profile.output(result.values);
  profile.output(result.indices);

  const std::vector<float> x = DecodedRows(input, op).logical_values(shape.volume() / shape.width());
  std::vector<float> values(out_shape.volume()), indices(out_shape.volume());
  run_ranges(input.device(), outer, [&](uint64_t begin, uint64_t end) {
    std::vector<uint32_t> order(length);
    for (uint64_t o = begin; o < end; ++o)
      for (uint64_t i = 0; i < inner; ++i) {
        const uint64_t in_first = o * length * inner + i, out_first = o * k * inner + i;
        kernels::f32_topk(x.data() + in_first, length, inner, k, largest, sorted, values.data() + out_first,
                          indices.data() + out_first, inner, order.data());
      }
  });
  write_logical_values(result.values, values, op);
  write_logical_values(result.indices, indices, op);
  return result;
}

}  // namespace ttnn
