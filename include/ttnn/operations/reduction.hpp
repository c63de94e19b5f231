// Reductions: topk.
#pragma once

#include <cstdint>
#include <optional>

#include "ttnn/memory_config.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct TopkResult {
  Tensor values;   // the input's dtype and layout; shape of the input with `dim` set to k
  Tensor indices;  // float32 holding exact integer positions along `dim` (dims up to 2^24), same layout/shape
};

// The k largest (or smallest) elements along `dim` (negative counts from the end) and their positions.
// Ties go to the lower index; NaN ranks above every number (as torch). sorted: best first; otherwise the k
// elements in increasing index order. Output memory config: `memory_config`, else the input's when it is
// interleaved or dim is the last (HEIGHT-sharded: the shard width fitted to k), else interleaved in its
// buffer type. Unlike TT-NN's device kernel there is no limit on k, dtype, layout or the dim's size.
// `auto [values, indices] = ttnn::topk(x, 5);`
TopkResult topk(const Tensor& input, uint32_t k, int dim = -1, bool largest = true, bool sorted = true,
                const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
