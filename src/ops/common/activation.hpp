// Fused activations ("", "relu", "relu6") as the clamp range kernels apply in their epilogue.
#pragma once

#include <limits>
#include <string>
#include <string_view>

#include "core/check.hpp"

namespace ttnn {

struct ClampRange {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

inline ClampRange activation_clamp(std::string_view activation, std::string_view op) {
  if (activation.empty()) return {};
  if (activation == "relu") return {0.0f, std::numeric_limits<float>::infinity()};
  if (activation == "relu6") return {0.0f, 6.0f};
  fail("{}: activation '{}' is not supported, expected \"\", \"relu\" or \"relu6\"", op, activation);
}

}  // namespace ttnn
