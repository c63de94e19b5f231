// softmax: validation, output spec, float32 math per slice along `dim`, one output work item per shard or
// tile band.
#include "ttnn/operations/normalization.hpp"

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/common/logical_rows.hpp"
#include "ops/normalization/softmax_kernels.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {

Tensor softmax(const Tensor& input, int dim, const std::optional<MemoryConfig>& memory_config) {
  profiler::OpScope profile("softmax", {&input});
  const char* op = "softmax";
  require_input(input, op);
  const Shape& shape = input.logical_shape();
  const int rank = int(shape.rank());
  check(dim >= -rank && dim < rank, "softmax: dim {} is out of range for a rank-{} tensor {} (expected {} <= dim < {})",
        dim, rank, shape, -rank, rank);
  const size_t axis = size_t(dim < 0 ? dim + rank : dim);
  uint64_t inner = 1;
  for (size_t d = axis + 1; d < shape.rank(); ++d) inner *= shape.dims()[d];
  const uint64_t length = shape.dims()[axis], outer = length * inner > 0 ? shape.volume() / (length * inner) : 0;

  const TensorSpec spec{shape, input.dtype(), input.layout(), memory_config.value_or(input.memory_config())};
  Tensor output = allocate_tensor(spec, input.device(), op);
  profile.output(output);
  const uint64_t rows = shape.width() ? shape.volume() / shape.width() : 0;
  const std::vector<float> x = DecodedRows(input, op).logical_values(rows);
  std::vector<float> y(x.size());
  // Per outer slice [length, inner]: each softmax runs down one column of it.
  run_ranges(input.device(), outer, [&](uint64_t begin, uint64_t end) {
    for (uint64_t o = begin; o < end; ++o)
      for (uint64_t i = 0; i < inner; ++i) {
        const uint64_t first = o * length * inner + i;
        kernels::f32_softmax(x.data() + first, y.data() + first, length, inner);
      }
  });
  write_logical_values(output, y, op);
  return output;
}

}  // namespace ttnn
