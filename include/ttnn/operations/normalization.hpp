// Normalization: softmax.
#pragma once

#include <optional>

#include "ttnn/memory_config.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

// exp(x - max) / sum(exp(x - max)) along `dim` (negative counts from the end), computed in float32 and
// stored in the input's dtype and layout, in `memory_config` (unset: the input's).
Tensor softmax(const Tensor& input, int dim = -1, const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
