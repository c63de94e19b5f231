#include "ops/core/tensor_conversion.hpp"

#include <algorithm>
#include <string>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/common/tensor_rows.hpp"

namespace ttnn {

std::vector<float> decode_logical(const Tensor& tensor, std::string_view op) {
  const std::string name(op);
  const std::byte* bytes = tensor.bytes(name);
  const BufferLayout layout = BufferLayout::of(tensor.spec(), name.c_str());
  std::vector<float> physical(layout.height * layout.width);
  read_rows(layout, bytes, 0, layout.height, 0, layout.width, physical.data(), layout.width);
  std::vector<float> logical(tensor.logical_shape().volume());
  physical_to_logical(tensor.spec(), physical.data(), logical.data());
  return logical;
}

Tensor encode_logical(std::span<const float> logical, const TensorSpec& spec, Device* device, std::string_view op) {
  const std::string name(op);
  check(logical.size() == spec.logical_shape.volume(), "{}: {} values given for shape {} ({} expected)", name,
        logical.size(), spec.logical_shape, spec.logical_shape.volume());
  Tensor tensor = allocate_tensor(spec, device, name);
  const BufferLayout layout = BufferLayout::of(spec, name.c_str());
  // Logical rows straight into their physical rows, batch by batch; the padding stays as allocated (zero).
  const Shape& shape = spec.logical_shape;
  const uint64_t width = shape.width(), rows = shape.rank() >= 2 ? shape[-2] : 1;
  const uint64_t padded_rows = spec.layout == Layout::TILE ? (rows + 31) / 32 * 32 : rows;
  const uint64_t batches = rows ? shape.height() / rows : 0;
  std::byte* bytes = tensor.bytes(name);
  // Whole tile bands are independent: split each batch's rows into bands for the device's threads.
  constexpr uint64_t kRowsPerItem = 32 * 16;
  const uint64_t items_per_batch = (rows + kRowsPerItem - 1) / kRowsPerItem;
  auto work = [&](size_t item) {
    const uint64_t batch = item / items_per_batch, begin = item % items_per_batch * kRowsPerItem;
    const uint64_t end = std::min(rows, begin + kRowsPerItem);
    write_rows(layout, bytes, batch * padded_rows + begin, batch * padded_rows + end, 0, width,
               logical.data() + (batch * rows + begin) * width, width);
  };
  const size_t items = size_t(batches * items_per_batch);
  if (device) device->run_parallel(items, work);
  else
    for (size_t item = 0; item < items; ++item) work(item);
  return tensor;
}

Tensor convert(const Tensor& tensor, const TensorSpec& spec, std::string_view op) {
  return encode_logical(decode_logical(tensor, op), spec, tensor.device(), op);
}

}  // namespace ttnn
