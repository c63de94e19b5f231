// Moving tensors between host and device, and between layouts and memory configs.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "ttnn/device.hpp"
#include "ttnn/memory_config.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

// Builds a tensor from `data` (float32, row-major, logical `shape`) converted to `dtype` and `layout`:
// bfloat16 rounds to nearest even, bfloat8_b/bfloat4_b quantise per 16-value face row (TILE only).
// With a device the tensor is placed there in `memory_config`; without one it stays on the host.
Tensor from_host(std::span<const float> data, const Shape& shape, DataType dtype = DataType::FLOAT32,
                 Layout layout = Layout::ROW_MAJOR, Device* device = nullptr,
                 const MemoryConfig& memory_config = DRAM_MEMORY_CONFIG);

// The tensor's logical values as float32, row-major (TT-NN's to_torch).
std::vector<float> to_host(const Tensor& tensor);

Tensor to_device(const Tensor& tensor, Device& device, const MemoryConfig& memory_config = DRAM_MEMORY_CONFIG);
Tensor from_device(const Tensor& tensor);

// Converts between ROW_MAJOR and TILE. Block-float dtypes cannot leave TILE (InvalidArgument).
Tensor to_layout(const Tensor& tensor, Layout layout, std::optional<DataType> dtype = std::nullopt);
// Same values in another memory config (interleaved <-> sharded, L1 <-> DRAM, another shard spec).
Tensor to_memory_config(const Tensor& tensor, const MemoryConfig& memory_config,
                        std::optional<DataType> dtype = std::nullopt);
Tensor interleaved_to_sharded(const Tensor& tensor, const MemoryConfig& sharded_config);
Tensor sharded_to_interleaved(const Tensor& tensor, const MemoryConfig& interleaved_config = L1_MEMORY_CONFIG);
Tensor reshard(const Tensor& tensor, const MemoryConfig& sharded_config);
// Converts the tensor to another dtype (TT-NN's typecast).
Tensor typecast(const Tensor& tensor, DataType dtype);

// Same values, another logical shape of equal volume. Free (shares the buffer) when the 2D physical view
// does not change; otherwise the data is re-laid out.
Tensor reshape(const Tensor& tensor, const Shape& shape);
// Reorders dimensions: output dim i is input dim order[i].
Tensor permute(const Tensor& tensor, std::span<const int> order);
Tensor permute(const Tensor& tensor, std::initializer_list<int> order);

// Host data from NCHW to NHWC order (the [1, 1, N*H*W, C] activations conv2d takes), without a tensor.
std::vector<float> nchw_to_nhwc(std::span<const float> nchw, uint32_t n, uint32_t c, uint32_t h, uint32_t w,
                                Device* device = nullptr);  // device: split across its threads

}  // namespace ttnn
