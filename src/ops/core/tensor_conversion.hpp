// The one generic re-layout: decode a tensor to its logical float32 values and encode them into another
// spec. Every data-movement op that changes bytes goes through here.
#pragma once

#include <string_view>
#include <span>
#include <vector>

#include "ttnn/tensor.hpp"

namespace ttnn {

std::vector<float> decode_logical(const Tensor& tensor, std::string_view op);
// A new tensor for `spec` on `device` (host when null) holding `logical` encoded in the spec's dtype/layout.
Tensor encode_logical(std::span<const float> logical, const TensorSpec& spec, Device* device, std::string_view op);
// Re-encodes `tensor` into `spec` on the same storage (device or host).
Tensor convert(const Tensor& tensor, const TensorSpec& spec, std::string_view op);

}  // namespace ttnn
