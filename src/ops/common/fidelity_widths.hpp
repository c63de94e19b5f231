// Significand widths each math fidelity reads (hidden bit included), for both numerics (NUMERICS.md).
#pragma once

#include "ttnn/types.hpp"

namespace ttnn {

// accurate: operand A (weights) is rounded to nearest-even to a_bits when prepared, the width the
// multiplier reads, without truncation's bias: once, for free. Operand B (activations): activation_cut.
struct FidelityWidths {
  int a_bits;  // 0: the weights as stored
};

constexpr FidelityWidths fidelity_widths(MathFidelity fidelity) {
  switch (fidelity) {
    case MathFidelity::LoFi: return {5};
    case MathFidelity::HiFi2: return {9};
    case MathFidelity::HiFi3: return {9};
    case MathFidelity::HiFi4: return {0};
  }
  return {0};
}

// tt_metal: both operands are truncated at the multiplier, A to a_bits and B to b_bits. HiFi3's phases
// add a second product, A truncated to 5 bits times B's next 6 bits (B13 - B7), and drop lo(A)*lo(B).
struct TtMetalMultiplier {
  int a_bits;
  int b_bits;
  bool second_phase;  // HiFi3: + trunc(A, 5) * (trunc(B, 13) - trunc(B, 7))
};
inline constexpr int kTtMetalTopABits = 5;
inline constexpr int kTtMetalTopBBits = 7;

constexpr TtMetalMultiplier tt_metal_multiplier(MathFidelity fidelity) {
  switch (fidelity) {
    case MathFidelity::LoFi: return {5, 7, false};
    case MathFidelity::HiFi2: return {9, 7, false};
    case MathFidelity::HiFi3: return {9, 7, true};
    case MathFidelity::HiFi4: return {9, 13, false};
  }
  return {9, 13, false};
}

// How the kernels read operand B. accurate reads it as stored, except at LoFi, where it is rounded as a
// bfloat16 tensor stores it (one bit more than the device's multiplier reads): LoFi's 5-bit weights times
// bfloat16 activations are exact bfloat16 dot products. Reading every operand at least as wide as the device
// keeps the results at least as accurate as the device's; a narrower cut would add work to every layer for no
// speed. tt_metal truncates it at the multiplier (HiFi3 reads 13 bits and splits them).
struct OperandCut {
  int bits = 0;              // 1..23: truncated toward zero to that many significant bits
  bool to_bfloat16 = false;  // rounded as formats::round_to_bfloat16 rounds (bits 0)
  bool none() const { return bits <= 0 && !to_bfloat16; }
  bool operator==(const OperandCut&) const = default;
};
constexpr OperandCut activation_cut(MathFidelity fidelity, Numerics numerics) {
  if (numerics == Numerics::accurate) return {0, fidelity == MathFidelity::LoFi};
  const TtMetalMultiplier multiplier = tt_metal_multiplier(fidelity);
  return {multiplier.second_phase ? 13 : multiplier.b_bits, false};
}

}  // namespace ttnn
