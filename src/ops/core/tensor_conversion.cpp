#include "ops/core/tensor_conversion.hpp"

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

Tensor encode_logical(const std::vector<float>& logical, const TensorSpec& spec, Device* device, std::string_view op) {
  const std::string name(op);
  check(logical.size() == spec.logical_shape.volume(), "{}: {} values given for shape {} ({} expected)", name,
        logical.size(), spec.logical_shape, spec.logical_shape.volume());
  Tensor tensor = allocate_tensor(spec, device, name);
  const BufferLayout layout = BufferLayout::of(spec, name.c_str());
  std::vector<float> physical(layout.height * layout.width);
  logical_to_physical(spec, logical.data(), physical.data());
  write_rows(layout, tensor.bytes(name), 0, layout.height, 0, layout.width, physical.data(), layout.width);
  return tensor;
}

Tensor convert(const Tensor& tensor, const TensorSpec& spec, std::string_view op) {
  return encode_logical(decode_logical(tensor, op), spec, tensor.device(), op);
}

}  // namespace ttnn
