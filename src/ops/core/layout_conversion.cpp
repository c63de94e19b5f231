// to_layout, to_memory_config, interleaved_to_sharded, sharded_to_interleaved, reshard, typecast.
#include "core/check.hpp"
#include "ops/core/tensor_conversion.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {

Tensor to_layout(const Tensor& tensor, Layout layout, std::optional<DataType> dtype) {
  profiler::OpScope profile("to_layout", {&tensor});
  TensorSpec spec = tensor.spec();
  spec.layout = layout;
  if (dtype) spec.dtype = *dtype;
  check(layout == Layout::TILE || !is_block_float(spec.dtype), "to_layout: {} requires TILE layout, got ROW_MAJOR",
        spec.dtype);
  if (spec == tensor.spec()) return profile.output(tensor);
  if (spec.memory_config.is_sharded() && layout != tensor.layout()) {
    // A shard spec in elements stays valid across layouts only when it is tile aligned.
    const auto& shard = *spec.memory_config.shard_spec;
    check(layout == Layout::ROW_MAJOR || (shard.shape[0] % 32 == 0 && shard.shape[1] % 32 == 0),
          "to_layout: shard shape [{}, {}] is not whole tiles; convert to interleaved first", shard.shape[0], shard.shape[1]);
  }
  return profile.output(convert(tensor, spec, "to_layout"));
}

Tensor typecast(const Tensor& tensor, DataType dtype) {
  profiler::OpScope profile("typecast", {&tensor});
  check(tensor.layout() == Layout::TILE || !is_block_float(dtype), "typecast: {} requires TILE layout, got ROW_MAJOR",
        dtype);
  if (dtype == tensor.dtype()) return profile.output(tensor);
  TensorSpec spec = tensor.spec();
  spec.dtype = dtype;
  return profile.output(convert(tensor, spec, "typecast"));
}

Tensor to_memory_config(const Tensor& tensor, const MemoryConfig& memory_config, std::optional<DataType> dtype) {
  profiler::OpScope profile("to_memory_config", {&tensor});
  check(tensor.storage_type() == StorageType::DEVICE, "to_memory_config: the tensor is on the host; use to_device");
  TensorSpec spec = tensor.spec();
  spec.memory_config = memory_config;
  if (dtype) spec.dtype = *dtype;
  if (spec == tensor.spec()) return profile.output(tensor);
  return profile.output(convert(tensor, spec, "to_memory_config"));
}

Tensor interleaved_to_sharded(const Tensor& tensor, const MemoryConfig& sharded_config) {
  profiler::OpScope profile("interleaved_to_sharded", {&tensor});
  check(!tensor.is_sharded(), "interleaved_to_sharded: the input is already {}", tensor.memory_config().memory_layout);
  check(sharded_config.is_sharded(), "interleaved_to_sharded: the target memory config must be sharded, got {}",
        sharded_config);
  return profile.output(to_memory_config(tensor, sharded_config));
}

Tensor sharded_to_interleaved(const Tensor& tensor, const MemoryConfig& interleaved_config) {
  profiler::OpScope profile("sharded_to_interleaved", {&tensor});
  check(tensor.is_sharded(), "sharded_to_interleaved: the input is not sharded ({})", tensor.memory_config());
  check(!interleaved_config.is_sharded(), "sharded_to_interleaved: the target memory config must be INTERLEAVED, got {}",
        interleaved_config);
  return profile.output(to_memory_config(tensor, interleaved_config));
}

Tensor reshard(const Tensor& tensor, const MemoryConfig& sharded_config) {
  profiler::OpScope profile("reshard", {&tensor});
  check(tensor.is_sharded(), "reshard: the input is not sharded ({})", tensor.memory_config());
  check(sharded_config.is_sharded(), "reshard: the target memory config must be sharded, got {}",
        sharded_config);
  return profile.output(to_memory_config(tensor, sharded_config));
}

}  // namespace ttnn
