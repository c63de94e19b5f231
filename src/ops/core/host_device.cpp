// from_host, to_host, to_device, from_device.
#include <cmath>

#include "core/check.hpp"
#include "ops/core/tensor_conversion.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {

Tensor from_host(std::span<const float> data, const Shape& shape, DataType dtype, Layout layout, Device* device,
                 const MemoryConfig& memory_config) {
  profiler::OpScope profile("from_host", {});
  check(shape.rank() >= 1, "from_host: shape must have at least one dimension");
  check(shape.volume() > 0, "from_host: shape {} has no elements", shape);
  check(data.size() == shape.volume(), "from_host: {} values given for shape {} ({} expected)", data.size(),
        shape, shape.volume());
  check(layout == Layout::TILE || !is_block_float(dtype), "from_host: {} requires TILE layout, got ROW_MAJOR", dtype);
  const TensorSpec spec{shape, dtype, layout, device ? memory_config : DRAM_MEMORY_CONFIG};
  return profile.output(encode_logical(data, spec, device, "from_host"));
}

std::vector<float> to_host(const Tensor& tensor) {
  profiler::OpScope profile("to_host", {&tensor});
  return decode_logical(tensor, "to_host");
}

Tensor to_device(const Tensor& tensor, Device& device, const MemoryConfig& memory_config) {
  profiler::OpScope profile("to_device", {&tensor});
  check(tensor.storage_type() == StorageType::HOST, "to_device: the tensor is already on device {}",
        tensor.device() ? tensor.device()->id() : -1);
  TensorSpec spec = tensor.spec();
  spec.memory_config = memory_config;
  return profile.output(encode_logical(decode_logical(tensor, "to_device"), spec, &device, "to_device"));
}

Tensor from_device(const Tensor& tensor) {
  profiler::OpScope profile("from_device", {&tensor});
  check(tensor.storage_type() == StorageType::DEVICE, "from_device: the tensor is already on the host");
  TensorSpec spec = tensor.spec();
  spec.memory_config = DRAM_MEMORY_CONFIG;
  return profile.output(encode_logical(decode_logical(tensor, "from_device"), spec, nullptr, "from_device"));
}

}  // namespace ttnn
