// matmul and linear. Operand A of the fidelity rules is the second input (the weights), operand B the first
// (the activations), as TT-NN feeds its multiplier.
#pragma once

#include <optional>
#include <string>

#include "ttnn/memory_config.hpp"
#include "ttnn/operations/compute_config.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct MatmulOptions {
  std::optional<MemoryConfig> memory_config;  // unset: the first input's (sharded inputs: sharded by rows)
  std::optional<DataType> dtype;              // unset: the first input's
  std::optional<DeviceComputeKernelConfig> compute_kernel_config;  // unset: HiFi4
  std::string activation;                     // "", "relu" or "relu6", fused
};

// a: [..., M, K]; b: [K, N] (shared by every batch) or [..., K, N] with a's batch dims. Returns [..., M, N].
// b is prepared once per buffer and numerics/fidelity and kept with it (NUMERICS.md, "Matmul and linear").
Tensor matmul(const Tensor& a, const Tensor& b, const MatmulOptions& options = {});

// input: [..., M, K]; weight: [K, N] (torch's Linear weight transposed, as TT-NN expects); bias: [N] or
// [1, N] or [1, 1, 1, N]. Returns [..., M, N].
Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias = std::nullopt,
              const MatmulOptions& options = {});

}  // namespace ttnn
