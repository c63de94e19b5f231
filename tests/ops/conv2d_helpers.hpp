// Running an oracle conv2d case through ttnn::conv2d with a given configuration.
#pragma once

#include <optional>
#include <vector>

#include "support/oracle.hpp"
#include "ttnn/operations/conv2d.hpp"

namespace ttnn::test {

struct ConvRun {
  DataType dtype = DataType::FLOAT32;          // activations in and (unless output_dtype) out
  std::optional<DataType> output_dtype;
  DataType weights_dtype = DataType::FLOAT32;
  MathFidelity fidelity = MathFidelity::HiFi4;
  std::optional<TensorMemoryLayout> shard_layout;
  std::optional<MemoryConfig> output_memory_config;
  std::string activation;
  bool use_bias = true;
  std::optional<DeviceComputeKernelConfig> compute_config;  // unset: fidelity's, other fields default
};

inline ConvRun conv_run(DataType dtype, DataType weights_dtype, MathFidelity fidelity) {
  ConvRun run;
  run.dtype = dtype;
  run.weights_dtype = weights_dtype;
  run.fidelity = fidelity;
  return run;
}

// Conv2dArgs for the case with the input placed on `device` in run.dtype, TILE, L1 interleaved.
Conv2dArgs conv_args(const OracleCase& oracle, Device& device, const ConvRun& run);

// The same from the case's params (batch, channels, sizes, kernel, stride, padding, dilation, groups) and
// the data given: the input NHWC flattened [N*H*W][C], raw weights, and the bias if any.
Conv2dArgs conv_args(const nlohmann::json& params, const std::vector<float>& nhwc_input, const std::vector<float>& weight,
                     const std::optional<std::vector<float>>& bias, Device& device, const ConvRun& run);

// Runs the case and returns the output as float32 [N*OH*OW * C_out].
std::vector<float> run_conv(const OracleCase& oracle, Device& device, const ConvRun& run);

}  // namespace ttnn::test
