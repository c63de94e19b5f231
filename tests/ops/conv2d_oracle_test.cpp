// conv2d against PyTorch on every MobileNetV2-1.0 conv shape (batch 1 and 3) and the odd shapes.
#include <gtest/gtest.h>

#include <cmath>

#include "ops/conv2d_helpers.hpp"
#include "support/metrics.hpp"
#include "ttnn/device.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn::test {
namespace {

struct Threshold {
  const char* name;
  ConvRun run;
  double min_pcc;
  double max_abs;  // outputs are O(1): weights and bias scale as 1/sqrt(fan_in), inputs standard normal
};

// The per-layer thresholds vs torch fp32. Max-abs bounds: fp32 summation noise; bf16 operand and
// output rounding (2^-9 relative); bfloat8_b blocks with LoFi weights (5 significant bits).
const Threshold kThresholds[] = {
    {"float32+HiFi4", conv_run(DataType::FLOAT32, DataType::FLOAT32, MathFidelity::HiFi4), 0.99999, 2e-4},
    {"bfloat16+HiFi4", conv_run(DataType::BFLOAT16, DataType::BFLOAT16, MathFidelity::HiFi4), 0.9999, 0.12},
    {"bfloat8_b+LoFi", conv_run(DataType::BFLOAT8_B, DataType::BFLOAT8_B, MathFidelity::LoFi), 0.999, 0.6},
};

TEST(Conv2dOracle, EveryLayerMeetsItsThresholdAtEveryDtype) {
  auto device = open_device(0);
  size_t checked = 0;
  for (const auto& oracle : oracle_cases("conv2d")) {
    const auto expected = oracle.floats("output");
    std::vector<float> exact;
    for (const auto& threshold : kThresholds) {
      SCOPED_TRACE(oracle.name + " " + threshold.name);
      const auto actual = run_conv(oracle, *device, threshold.run);
      EXPECT_TRUE(AgreesWith(actual, expected, threshold.min_pcc, threshold.max_abs));
      if (threshold.run.dtype == DataType::FLOAT32) exact = actual;
      else EXPECT_GT(max_abs_error(actual, exact), 0.0) << "reduced precision gave the float32 result: setting ignored";
      ++checked;
    }
  }
  EXPECT_GE(checked, 3u * 100);
}

TEST(Conv2dOracle, FidelityIsVisibleAndHiFi4IsExactOnBfloat16Operands) {
  auto device = open_device(0);
  for (const auto& oracle : oracle_cases("conv2d")) {
    if (oracle.params["batch"] != 1 || oracle.params.value("kind", "") != "expand") continue;
    SCOPED_TRACE(oracle.name);
    const auto expected = oracle.floats("output");
    // bfloat16 operands (inputs stored in bfloat16), float32 output so only the products differ.
    auto error_at = [&](MathFidelity fidelity) {
      ConvRun run = conv_run(DataType::BFLOAT16, DataType::BFLOAT16, fidelity);
      auto args = conv_args(oracle, *device, run);
      args.conv_config.dtype = DataType::FLOAT32;
      return to_host(conv2d(args).output);
    };
    const auto lofi = error_at(MathFidelity::LoFi), hifi2 = error_at(MathFidelity::HiFi2);
    const auto hifi3 = error_at(MathFidelity::HiFi3), hifi4 = error_at(MathFidelity::HiFi4);
    EXPECT_GT(mean_abs_error(lofi, expected), mean_abs_error(hifi2, expected));
    EXPECT_GE(mean_abs_error(hifi2, expected), mean_abs_error(hifi4, expected));
    EXPECT_GE(mean_abs_error(hifi3, expected), mean_abs_error(hifi4, expected) * (1 - 1e-6));
    // HiFi4 on bfloat16 operands is the exact product sum, rounded only by fp32 accumulation.
    const auto exact = oracle.floats("output_bf16_operands");
    double range = 0;
    for (float v : exact) range = std::max(range, double(std::fabs(v)));
    EXPECT_LE(max_abs_error(hifi4, exact), 1e-5 * range);
    EXPECT_GT(max_abs_error(lofi, exact), 1e-3 * range);
  }
}

TEST(Conv2dOracle, FusedActivationsClampTheOutput) {
  auto device = open_device(0);
  const auto cases = oracle_cases("conv2d");
  const auto& oracle = cases.front();
  auto expected = oracle.floats("output");
  ConvRun run;
  run.activation = "relu6";
  const auto actual = run_conv(oracle, *device, run);
  for (float& v : expected) v = std::min(std::max(v, 0.0f), 6.0f);
  EXPECT_TRUE(AgreesWith(actual, expected, 0.99999, 2e-4));
  run.activation = "relu";
  auto relu = oracle.floats("output");
  for (float& v : relu) v = std::max(v, 0.0f);
  EXPECT_TRUE(AgreesWith(run_conv(oracle, *device, run), relu, 0.99999, 2e-4));
}

}  // namespace
}  // namespace ttnn::test
