// How matmul and conv kernels multiply and accumulate (TT-NN's DeviceComputeKernelConfig).
#pragma once

#include <optional>

#include "ttnn/types.hpp"

namespace ttnn {

struct DeviceComputeKernelConfig {
  // Multiplier fidelity (see MathFidelity). Lower fidelity reads fewer significand bits of each operand.
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  // Approximate transcendental functions; no op here uses any, kept for source compatibility.
  bool math_approx_mode = true;
  // tt_metal numerics: fp32 partial sums when true, bfloat16 partial sums when false.
  // accurate numerics: accumulation is always fp32 (at least as accurate as the hardware).
  bool fp32_dest_acc_en = false;
  // Accumulate partial results in L1 on the device; here a scheduling hint with no effect on values.
  bool packer_l1_acc = false;
  // Overrides the device's numerics for this op (conv2d, matmul, linear; see types.hpp and NUMERICS.md).
  std::optional<Numerics> numerics;
};

inline DeviceComputeKernelConfig init_device_compute_kernel_config(MathFidelity math_fidelity,
                                                                   bool math_approx_mode = true,
                                                                   bool fp32_dest_acc_en = false,
                                                                   bool packer_l1_acc = false) {
  return DeviceComputeKernelConfig{math_fidelity, math_approx_mode, fp32_dest_acc_en, packer_l1_acc, std::nullopt};
}

}  // namespace ttnn
