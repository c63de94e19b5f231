// The accuracy evaluator and the --target-pcc search on a seeded MobileNetV2 (shapes and logic; the
// figures on real trained weights are in real_weights_test.cpp).
#include <gtest/gtest.h>

#include "ttnn/device.hpp"
#include "ttnn/model/accuracy.hpp"
#include "ttnn/model/mobilenetv2.hpp"

namespace ttnn::test {
namespace {

using model::AccuracyConfiguration;
using model::AccuracyEvaluator;
using model::ModelConfig;

std::vector<float> seeded_input(size_t count) {
  std::vector<float> values(count);
  uint32_t state = 12345;
  for (float& v : values) {
    state = state * 1664525u + 1013904223u;
    v = float(int(state >> 9) % 2001 - 1000) / 400.0f;
  }
  return values;
}

class AccuracyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    device_ = open_device(0);
    auto module = std::make_shared<model::MobileNetV2Module>(0.5f, 10);
    const Shape shape{2, 3, 64, 64};
    evaluator_ = std::make_unique<AccuracyEvaluator>(
        model::create_model_parameters(module, model::random_state_dict(*module, 7), shape), *device_,
        seeded_input(shape.volume()), /*per_layer=*/true);
  }
  static void TearDownTestSuite() {
    evaluator_.reset();
    device_.reset();
  }
  static AccuracyConfiguration configuration(DataType dtype, MathFidelity fidelity, Numerics numerics) {
    ModelConfig config;
    config.dtype = config.weights_dtype = dtype;
    config.math_fidelity = fidelity;
    config.numerics = numerics;
    return {model::configuration_name(dtype, fidelity, numerics), config};
  }
  static inline std::shared_ptr<Device> device_;
  static inline std::unique_ptr<AccuracyEvaluator> evaluator_;
};

TEST_F(AccuracyTest, StandardConfigurationsCoverEveryDtypeAndFidelity) {
  const auto configurations = model::standard_accuracy_configurations(Numerics::tt_metal);
  ASSERT_EQ(configurations.size(), 12u);
  EXPECT_EQ(configurations.front().name, "float32 HiFi4 tt_metal");
  EXPECT_EQ(configurations.back().name, "bfloat8_b LoFi tt_metal");
  for (const auto& c : configurations) EXPECT_EQ(c.config.numerics, Numerics::tt_metal);
}

TEST_F(AccuracyTest, ReferenceConfigurationAgreesExactly) {
  const auto result = evaluator_->evaluate(configuration(DataType::FLOAT32, MathFidelity::HiFi4, Numerics::accurate));
  EXPECT_EQ(result.pcc, 1.0);
  EXPECT_EQ(result.max_abs_error, 0.0);
  EXPECT_EQ(result.top1_agreement, 2u);
  EXPECT_EQ(result.top5_agreement, 2u);
  ASSERT_EQ(result.layers.size(), evaluator_->layer_multiply_adds().size());
  for (const auto& layer : result.layers) EXPECT_EQ(layer.pcc, 1.0) << layer.module_path;
}

TEST_F(AccuracyTest, LowPrecisionLosesAccuracyLayerByLayer) {
  const auto result = evaluator_->evaluate(configuration(DataType::BFLOAT8_B, MathFidelity::LoFi, Numerics::accurate));
  EXPECT_LT(result.pcc, 0.999999);
  EXPECT_GT(result.pcc, 0.99);
  EXPECT_GT(result.max_abs_error, 0.0);
  ASSERT_FALSE(result.layers.empty());
  EXPECT_EQ(result.layers.front().module_path, "features.0.0");
  EXPECT_EQ(result.layers.back().module_path, "classifier.1");
  for (const auto& layer : result.layers) {
    EXPECT_LT(layer.pcc, 1.0) << layer.module_path;
    EXPECT_GT(layer.pcc, 0.95) << layer.module_path;
  }
}

TEST_F(AccuracyTest, TtMetalNumericsDifferFromAccurate) {
  const auto accurate = evaluator_->evaluate(configuration(DataType::BFLOAT8_B, MathFidelity::LoFi, Numerics::accurate));
  const auto tt_metal = evaluator_->evaluate(configuration(DataType::BFLOAT8_B, MathFidelity::LoFi, Numerics::tt_metal));
  EXPECT_NE(accurate.pcc, tt_metal.pcc);
  EXPECT_GT(tt_metal.pcc, 0.9);
  EXPECT_LT(tt_metal.pcc, 1.0);
}

TEST_F(AccuracyTest, SuggestedOverridesReachTheTargetAndNoneCanBeDropped) {
  ModelConfig base;  // bfloat8_b + LoFi
  base.numerics = Numerics::accurate;
  model::LayerOverride raised;
  raised.dtype = raised.weights_dtype = DataType::BFLOAT16;
  raised.math_fidelity = MathFidelity::HiFi4;
  const double base_pcc = evaluator_->evaluate({"base", base}).pcc;
  const double target = 1.0 - (1.0 - base_pcc) / 4;
  const auto suggestion = model::suggest_overrides(*evaluator_, base, target, raised);
  EXPECT_EQ(suggestion.base_pcc, base_pcc);
  ASSERT_TRUE(suggestion.reached) << "best PCC " << suggestion.pcc << " for target " << target;
  ASSERT_FALSE(suggestion.overrides.empty());
  EXPECT_LT(suggestion.multiply_adds_moved, suggestion.multiply_adds_total);

  const auto pcc_with = [&](const std::map<std::string, model::LayerOverride>& overrides) {
    ModelConfig config = base;
    config.overrides = overrides;
    return evaluator_->evaluate({"check", config}).pcc;
  };
  EXPECT_GE(pcc_with(suggestion.overrides), target);
  for (const auto& [path, layer] : suggestion.overrides) {
    auto without = suggestion.overrides;
    without.erase(path);
    EXPECT_LT(pcc_with(without), target) << "the override of " << path << " is not needed";
  }
  const std::string cli = model::overrides_as_cli(suggestion.overrides);
  EXPECT_NE(cli.find("--layer "), std::string::npos);
  EXPECT_NE(cli.find(":dtype=bfloat16,weights_dtype=bfloat16,math_fidelity=hifi4"), std::string::npos) << cli;
  EXPECT_NE(model::overrides_as_cpp(suggestion.overrides).find("ttnn::MathFidelity::HiFi4"), std::string::npos);
}

TEST_F(AccuracyTest, UnreachableTargetIsReportedNotFaked) {
  ModelConfig base;
  model::LayerOverride raised;
  raised.dtype = raised.weights_dtype = DataType::BFLOAT8_B;  // raising to the same setting gains nothing
  raised.math_fidelity = MathFidelity::LoFi;
  const auto suggestion = model::suggest_overrides(*evaluator_, base, 0.9999999, raised);
  EXPECT_FALSE(suggestion.reached);
  EXPECT_LT(suggestion.pcc, 0.9999999);
}

}  // namespace
}  // namespace ttnn::test
