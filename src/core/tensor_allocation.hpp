// Creating tensors with fresh buffers (internal to the library; ops allocate their outputs here).
#pragma once

#include <span>
#include <string_view>

#include "core/buffer_layout.hpp"
#include "ttnn/device.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

// A host tensor (zero-filled) for `spec`; the memory config is kept for a later to_device.
Tensor allocate_host_tensor(const TensorSpec& spec, std::string_view label);
// A device tensor (zero-filled), accounted by the device's allocator; throws OutOfMemory naming `label`.
Tensor allocate_device_tensor(const TensorSpec& spec, Device& device, std::string_view label);
// Either of the above.
Tensor allocate_tensor(const TensorSpec& spec, Device* device, std::string_view label);

// Gives `tensor` back the bytes its buffer handed out for consumption (Buffer::take_for_consumption),
// accounted again on its device: an op that consumed its input and then failed to allocate its output
// leaves the input usable (a caller can retry elsewhere, in DRAM say). Its space was just freed, so it fits.
void reclaim_consumed(const Tensor& tensor, Buffer::Bytes bytes, std::string_view label);

// A host float32 ROW_MAJOR tensor over `values`, without copying them: they must outlive the tensor and
// stay unchanged, and nothing may write through it (a model hands its checkpoint's weights to weight
// preparation this way, which only reads them).
Tensor host_view(std::span<const float> values, const Shape& shape);

// Zero-fills `size` bytes on the device's threads (the activations of a large batch are megabytes).
void zero_on_device(std::byte* bytes, size_t size, const Device& device);

}  // namespace ttnn
