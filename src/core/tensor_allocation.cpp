#include "core/tensor_allocation.hpp"

#include <string>

#include "core/allocator.hpp"
#include "core/check.hpp"

namespace ttnn {

Tensor allocate_host_tensor(const TensorSpec& spec, std::string_view label) {
  const BufferLayout layout = BufferLayout::of(spec, std::string(label).c_str());
  return Tensor(spec, std::make_shared<Buffer>(layout.size_bytes, nullptr, 0), nullptr);
}

Tensor allocate_device_tensor(const TensorSpec& spec, Device& device, std::string_view label) {
  const std::string name(label);
  check<DeallocatedTensor>(device.is_open(), "{}: device {} is closed", name, device.id());
  const BufferLayout layout = BufferLayout::of(spec, name.c_str());
  const std::string described =
      fmt::format("{} (tensor {} {} {})", name, to_string(spec.logical_shape), spec.dtype, to_string(spec.memory_config));
  const uint64_t id = device.allocator()->allocate(layout, spec.memory_config.buffer_type, described);
  return Tensor(spec, std::make_shared<Buffer>(layout.size_bytes, device.allocator(), id), &device);
}

Tensor allocate_tensor(const TensorSpec& spec, Device* device, std::string_view label) {
  return device ? allocate_device_tensor(spec, *device, label) : allocate_host_tensor(spec, label);
}

}  // namespace ttnn
