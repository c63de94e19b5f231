// The model's input tensor: an NCHW float32 image as [1, 1, N*H*W, C'] rows (C' >= C; channels past C are
// zero), in the tensor's own dtype, layout and memory config. The first pass writes it into a tensor it
// allocates, the planned pass into its arena.
#pragma once

#include <span>

#include "core/buffer_layout.hpp"
#include "ttnn/device.hpp"
#include "ttnn/shape.hpp"

namespace ttnn::model {

// Writes the logical rows of `layout` (padding tiles stay as they are) on the device's threads.
void write_nchw_image(std::span<const float> nchw, const Shape& nchw_shape, const BufferLayout& layout,
                      std::byte* bytes, const Device& device);

}  // namespace ttnn::model
