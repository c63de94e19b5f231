// Significand widths each math fidelity reads (hidden bit included), for the accurate numerics.
// Operand A (weights) is rounded to nearest-even to a_bits when prepared; operand B (activations) is
// truncated to b_bits as the multiplier reads it. HiFi3 also keeps the small lo(A)*lo(B) term the hardware
// drops, so it is at least as accurate as the device. 0 means the operand is used as stored.
#pragma once

#include "ttnn/types.hpp"

namespace ttnn {

struct FidelityWidths {
  int a_bits;
  int b_bits;
};

constexpr FidelityWidths fidelity_widths(MathFidelity fidelity) {
  switch (fidelity) {
    case MathFidelity::LoFi: return {5, 7};
    case MathFidelity::HiFi2: return {9, 7};
    case MathFidelity::HiFi3: return {9, 13};
    case MathFidelity::HiFi4: return {0, 0};
  }
  return {0, 0};
}

}  // namespace ttnn
