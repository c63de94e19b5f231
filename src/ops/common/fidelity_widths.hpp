// Significand widths each math fidelity reads (hidden bit included), for both numerics (NUMERICS.md).
#pragma once

#include "ttnn/types.hpp"

namespace ttnn {

// accurate: operand A (weights) is rounded to nearest-even to a_bits when prepared, the width the
// multiplier reads, without truncation's bias: once, for free. Operand B (activations) is read as stored
// (b_bits 0) except at LoFi, whose 5-bit weights and bfloat16 activations (b_bits 8, one bit more than the
// device's multiplier reads) run as exact bfloat16 dot products: cutting the activations further would add
// work to every layer for no speed. Every operand is at least as wide as the device reads it, so the
// results are at least as accurate as the device's. 0 means the operand is used as stored.
struct FidelityWidths {
  int a_bits;
  int b_bits;
};

constexpr FidelityWidths fidelity_widths(MathFidelity fidelity) {
  switch (fidelity) {
    case MathFidelity::LoFi: return {5, 8};
    case MathFidelity::HiFi2: return {9, 0};
    case MathFidelity::HiFi3: return {9, 0};
    case MathFidelity::HiFi4: return {0, 0};
  }
  return {0, 0};
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

// How the kernels read operand B (0 bits: as stored). HiFi3 under tt_metal reads 13 bits and splits them.
struct OperandCut {
  int bits = 0;
  bool round = false;  // to nearest even; else truncated toward zero
};
constexpr OperandCut activation_cut(MathFidelity fidelity, Numerics numerics) {
  if (numerics == Numerics::accurate) return {fidelity_widths(fidelity).b_bits, true};
  const TtMetalMultiplier multiplier = tt_metal_multiplier(fidelity);
  return {multiplier.second_phase ? 13 : multiplier.b_bits, false};
}

}  // namespace ttnn
