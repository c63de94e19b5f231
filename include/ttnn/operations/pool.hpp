// 2D pooling over NHWC activations flattened to [1, 1, N*H*W, C], as TT-NN runs it.
//
// Input: [1, 1, N*H*W, C] (row (n*H + h)*W + w), or [N, H, W, C]; any dtype, layout and memory config.
// Output of max_pool2d/avg_pool2d: [1, 1, N*OH*OW, C] with
//   OH = floor_or_ceil((H + top + bottom - dilation_h*(kh - 1) - 1) / stride_h) + 1   (likewise OW),
// in the input's dtype and layout, in `memory_config` when given, else interleaved like the input, or
// (sharded input) sharded the same way on the input's grid with the shard shape fitted to the output.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "ttnn/memory_config.hpp"
#include "ttnn/operations/conv2d.hpp"  // Padding2d
#include "ttnn/tensor.hpp"

namespace ttnn {

// Max over each window; padding counts as -infinity. Padding may not exceed half the kernel (as torch).
Tensor max_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w, uint32_t channels,
                  std::array<uint32_t, 2> kernel_size, std::array<uint32_t, 2> stride, Padding2d padding,
                  std::array<uint32_t, 2> dilation = {1, 1},
                  const std::optional<MemoryConfig>& memory_config = std::nullopt, bool ceil_mode = false);

// Mean over each window. count_include_pad: divide by the window clipped to the padded input (torch's
// rule), else by the number of input elements in it. ceil_mode: round OH/OW up (a window must still start
// inside the input or its leading padding).
Tensor avg_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w, uint32_t channels,
                  std::array<uint32_t, 2> kernel_size, std::array<uint32_t, 2> stride, Padding2d padding,
                  bool ceil_mode = false, bool count_include_pad = true,
                  const std::optional<MemoryConfig>& memory_config = std::nullopt);

// Mean over all spatial positions. input [N, H, W, C] (TT-NN also feeds [N, 1, H*W, C]): returns
// [N, 1, 1, C]. A [1, 1, N*H*W, C] input is one image of N*H*W positions here; use the overload below.
Tensor global_avg_pool2d(const Tensor& input, const std::optional<MemoryConfig>& memory_config = std::nullopt,
                         std::optional<DataType> dtype = std::nullopt);

// input [1, 1, N*H*W, C] (or [N, H, W, C]) holding `batch_size` images of input_h x input_w: returns
// [1, 1, N, C], the NHWC-flattened form of [N, 1, 1, C] (the same values, row n = image n).
Tensor global_avg_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w,
                         const std::optional<MemoryConfig>& memory_config = std::nullopt,
                         std::optional<DataType> dtype = std::nullopt);

}  // namespace ttnn
