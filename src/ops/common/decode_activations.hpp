// Decodes a whole tensor's 2D view into a dense float array [rows][cols] (logical columns only), in
// parallel over the device's threads, optionally truncating each value to `truncate_bits` significand bits
// (the multiplier's view of operand B). The working copy ops compute from.
#pragma once

#include <string_view>
#include <vector>

#include "ttnn/tensor.hpp"

namespace ttnn {

struct DecodedActivations {
  std::vector<float> values;
  uint64_t rows = 0;  // physical view rows
  uint64_t cols = 0;  // logical columns
};

DecodedActivations decode_activations(const Tensor& tensor, const std::byte* bytes, int truncate_bits,
                                      std::string_view op);

}  // namespace ttnn
