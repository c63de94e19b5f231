#include "core/tensor_allocation.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/allocator.hpp"
#include "core/check.hpp"
#include "core/host_memory.hpp"

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
  // Zeroed on the device's threads: the activations of a large batch are megabytes, and a serial memset
  // of every op's output showed in the profile.
  auto buffer = std::make_shared<Buffer>(layout.size_bytes, device.allocator(), id, false);
  zero_on_device(buffer->data(), host_memory::block_size(layout.size_bytes), device);  // the slack too, as Buffer would
  return Tensor(spec, std::move(buffer), &device);
}

void reclaim_consumed(const Tensor& tensor, Buffer::Bytes bytes, std::string_view label) {
  Device* device = tensor.device();
  if (!device || !device->is_open()) return tensor.buffer()->reclaim(std::move(bytes), nullptr, 0);
  const std::string name(label);
  const BufferLayout layout = BufferLayout::of(tensor.spec(), name.c_str());
  const uint64_t id = device->allocator()->allocate(layout, tensor.memory_config().buffer_type, name);
  tensor.buffer()->reclaim(std::move(bytes), device->allocator(), id);
}

Tensor host_view(std::span<const float> values, const Shape& shape) {
  check(values.size() == shape.volume(), "host_view: {} values for shape {} ({} expected)", values.size(), shape,
        shape.volume());
  auto* bytes = reinterpret_cast<std::byte*>(const_cast<float*>(values.data()));
  return Tensor(TensorSpec{shape, DataType::FLOAT32, Layout::ROW_MAJOR, DRAM_MEMORY_CONFIG},
                std::make_shared<Buffer>(bytes, values.size_bytes(), nullptr), nullptr);
}

void zero_on_device(std::byte* bytes, size_t size, const Device& device) {
  constexpr size_t kChunk = 256 * 1024;
  const size_t chunks = (size + kChunk - 1) / kChunk;
  auto zero = [&](size_t chunk) {
    const size_t begin = chunk * kChunk;
    std::memset(bytes + begin, 0, std::min(kChunk, size - begin));
  };
  if (chunks > 1) device.run_parallel(chunks, zero);
  else if (chunks == 1) zero(0);
}

Tensor allocate_tensor(const TensorSpec& spec, Device* device, std::string_view label) {
  return device ? allocate_device_tensor(spec, *device, label) : allocate_host_tensor(spec, label);
}

}  // namespace ttnn
