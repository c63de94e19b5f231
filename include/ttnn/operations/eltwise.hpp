// Elementwise ops: relu, relu6 and add, on tensors of any shape, dtype, layout and memory config.
//
// Each op keeps the (first) input's shape and layout; the output is rounded to the output dtype. Work runs
// as one item per output shard (sharded output) or per band of 32-row tiles (interleaved output).
#pragma once

#include <optional>
#include <string_view>

#include "ttnn/memory_config.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

// max(x, 0). Output: the input's dtype and layout, in `memory_config` (unset: the input's). NaN stays NaN.
Tensor relu(const Tensor& input, const std::optional<MemoryConfig>& memory_config = std::nullopt);

// min(max(x, 0), 6), as relu above.
Tensor relu6(const Tensor& input, const std::optional<MemoryConfig>& memory_config = std::nullopt);

// a + b, then the fused `activation` ("", "relu" or "relu6"). Shapes must be equal (no broadcasting).
// The operands may differ in dtype, layout and memory config (one sharded, one interleaved, or two shard
// specs): both are read into the output's config, which is `memory_config` when given, else a's.
// Output dtype: `dtype` when given, else a's; layout: a's. Both operands live on the same device (or host).
Tensor add(const Tensor& a, const Tensor& b, const std::optional<MemoryConfig>& memory_config = std::nullopt,
           std::optional<DataType> dtype = std::nullopt, std::string_view activation = "");

}  // namespace ttnn
