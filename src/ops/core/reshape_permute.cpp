// reshape and permute.
#include <numeric>

#include "core/check.hpp"
#include "ops/core/tensor_conversion.hpp"
#include "ttnn/device.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {

Tensor reshape(const Tensor& tensor, const Shape& shape) {
  profiler::OpScope profile("reshape", {&tensor});
  check(shape.volume() == tensor.logical_shape().volume(), "reshape: cannot reshape {} ({} elements) to {} ({} elements)",
        tensor.logical_shape(), tensor.logical_shape().volume(), shape, shape.volume());
  check(shape.rank() >= 1, "reshape: the new shape needs at least one dimension");
  TensorSpec spec = tensor.spec();
  spec.logical_shape = shape;
  // Same physical view (e.g. [1, 1, N*H*W, C] <-> [N*H*W, C]): only the spec changes, the buffer is shared.
  const TensorSpec& old_spec = tensor.spec();
  const bool same_view = spec.physical_height() == old_spec.physical_height() &&
                         spec.physical_width() == old_spec.physical_width() &&
                         (old_spec.layout == Layout::ROW_MAJOR ||
                          (shape.rank() >= 2 && old_spec.logical_shape.rank() >= 2 && shape[-2] == old_spec.logical_shape[-2] &&
                           shape[-1] == old_spec.logical_shape[-1]));
  if (same_view) {
    tensor.bytes("reshape");  // fails on a deallocated tensor
    return profile.output(Tensor(spec, tensor.buffer(), tensor.device()));
  }
  return profile.output(encode_logical(decode_logical(tensor, "reshape"), spec, tensor.device(), "reshape"));
}

Tensor permute(const Tensor& tensor, std::span<const int> order) {
  profiler::OpScope profile("permute", {&tensor});
  const Shape& shape = tensor.logical_shape();
  const size_t rank = shape.rank();
  check(order.size() == rank, "permute: order has {} entries, the tensor has rank {}", order.size(), rank);
  std::vector<int> normalized(rank);
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < rank; ++i) {
    const int axis = order[i] < 0 ? order[i] + int(rank) : order[i];
    check(axis >= 0 && axis < int(rank) && !seen[size_t(axis)], "permute: order entry {} is out of range or repeated",
          order[i]);
    seen[size_t(axis)] = true;
    normalized[i] = axis;
  }
  std::vector<uint32_t> out_dims(rank);
  for (size_t i = 0; i < rank; ++i) out_dims[i] = shape.dims()[size_t(normalized[i])];
  const Shape out_shape(out_dims);

  std::vector<uint64_t> in_strides(rank, 1);
  for (size_t i = rank - 1; i-- > 0;) in_strides[i] = in_strides[i + 1] * shape.dims()[i + 1];
  const std::vector<float> input = decode_logical(tensor, "permute");
  std::vector<float> output(input.size());
  std::vector<uint32_t> index(rank, 0);  // position in the output
  for (uint64_t flat = 0; flat < output.size(); ++flat) {
    uint64_t source = 0;
    for (size_t i = 0; i < rank; ++i) source += index[i] * in_strides[size_t(normalized[i])];
    output[flat] = input[source];
    for (size_t i = rank; i-- > 0;) {
      if (++index[i] < out_dims[i]) break;
      index[i] = 0;
    }
  }
  TensorSpec spec = tensor.spec();
  spec.logical_shape = out_shape;
  if (spec.memory_config.is_sharded()) spec.memory_config = L1_MEMORY_CONFIG;  // the old shard spec does not fit
  return profile.output(encode_logical(output, spec, tensor.device(), "permute"));
}

std::vector<float> nchw_to_nhwc(std::span<const float> nchw, uint32_t n, uint32_t c, uint32_t h, uint32_t w,
                                Device* device) {
  check(nchw.size() == uint64_t(n) * c * h * w, "nchw_to_nhwc: {} values for [{}, {}, {}, {}]", nchw.size(), n, c, h, w);
  std::vector<float> nhwc(nchw.size());
  auto image_row = [&](size_t item) {  // one row of one image
    const size_t b = item / h, y = item % h;
    for (uint32_t ch = 0; ch < c; ++ch) {
      const float* from = nchw.data() + ((b * c + ch) * h + y) * w;
      float* to = nhwc.data() + (b * h + y) * w * c + ch;
      for (uint32_t x = 0; x < w; ++x) to[size_t(x) * c] = from[x];
    }
  };
  if (device) device->run_parallel(size_t(n) * h, image_row);
  else
    for (size_t item = 0; item < size_t(n) * h; ++item) image_row(item);
  return nhwc;
}

Tensor permute(const Tensor& tensor, std::initializer_list<int> order) {
  return permute(tensor, std::span<const int>(order.begin(), order.size()));
}

}  // namespace ttnn
