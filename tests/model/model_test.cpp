// MobileNetV2 end to end against torchvision (random and pretrained-like checkpoints, both file formats).
#include <gtest/gtest.h>

#include <algorithm>

#include "support/metrics.hpp"
#include "support/oracle.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/pth.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/model/model.hpp"

namespace ttnn::test {
namespace {

using model::Model;
using model::ModelConfig;

struct Setting {
  const char* name;
  DataType dtype;
  MathFidelity fidelity;
  double min_pcc_random;
  double min_pcc_pretrained_like;
  bool same_top1;
};
const Setting kSettings[] = {
    {"float32+HiFi4", DataType::FLOAT32, MathFidelity::HiFi4, 0.99999, 0.99999, true},
    {"bfloat16+HiFi4", DataType::BFLOAT16, MathFidelity::HiFi4, 0.999, 0.999, true},
    {"bfloat8_b+LoFi", DataType::BFLOAT8_B, MathFidelity::LoFi, 0.999, 0.98, false},
};

std::vector<size_t> top1(const std::vector<float>& logits, size_t classes) {
  std::vector<size_t> result;
  for (size_t row = 0; row * classes < logits.size(); ++row) {
    const auto begin = logits.begin() + long(row * classes);
    result.push_back(size_t(std::max_element(begin, begin + long(classes)) - begin));
  }
  return result;
}

StateDict load(const OracleCase& oracle, const char* role) {
  return io::load_state_dict(oracle.dir / oracle.params[role].get<std::string>());
}

TEST(MobileNetV2, BothCheckpointFormatsLoadToIdenticalTensors) {
  for (const auto& oracle : oracle_cases("model")) {
    const StateDict zip = load(oracle, "checkpoint_zip"), legacy = load(oracle, "checkpoint_legacy");
    ASSERT_EQ(zip.names(), legacy.names());
    for (const auto& name : zip.names()) {
      EXPECT_EQ(zip.at(name).shape, legacy.at(name).shape) << name;
      EXPECT_EQ(zip.at(name).values, legacy.at(name).values) << name;
    }
    EXPECT_FLOAT_EQ(model::infer_width_multiplier(zip), oracle.params["width_mult"].get<float>());
  }
}

TEST(MobileNetV2, MatchesTorchvisionAtEveryDtype) {
  auto device = open_device(0);
  for (const auto& oracle : oracle_cases("model")) {
    const StateDict state_dict = load(oracle, "checkpoint_zip");
    const uint32_t n = oracle.params["batch"], h = oracle.params["height"], w = oracle.params["width"];
    const auto input = oracle.floats("input");
    const auto expected = oracle.floats("logits");
    const bool pretrained_like = oracle.params["init"] == "pretrained_like";
    const size_t classes = oracle.params["num_classes"];
    for (const auto& setting : kSettings) {
      SCOPED_TRACE(oracle.name + " " + setting.name);
      ModelConfig config;
      config.dtype = config.weights_dtype = setting.dtype;
      config.math_fidelity = setting.fidelity;
      Model model(model::create_mobilenetv2_model_parameters(state_dict, Shape{n, 3, h, w}), *device, config);
      const auto logits = model.run(input);
      const double min_pcc = pretrained_like ? setting.min_pcc_pretrained_like : setting.min_pcc_random;
      EXPECT_TRUE(AgreesWith(logits, expected, min_pcc, 1e9));
      if (setting.same_top1) {
        EXPECT_EQ(top1(logits, classes), top1(expected, classes));
      }
      // A second run reuses the prepared weights and gives the same logits.
      EXPECT_EQ(model.run(input), logits);
    }
  }
}

TEST(MobileNetV2, ShapesThatCannotFlowFailAtTraceTime) {
  const model::MobileNetV2Module module(1.0f);
  try {
    model::trace(module, Shape{1, 4, 224, 224});
    FAIL();
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("[N, 3, H, W]"), std::string::npos) << error.what();
  }
  // A kernel larger than its (padded) input, deep inside a nested Sequential.
  model::Sequential net;
  auto& inner = net.append(std::make_unique<model::Sequential>());
  model::Conv2dOptions big;
  big.in_channels = 3;
  big.out_channels = 8;
  big.kernel_size = {7, 7};
  inner.append(std::make_unique<model::Conv2d>(big));
  try {
    model::trace(net, Shape{1, 3, 4, 4});
    FAIL();
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("0.0: input height 4"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(model::trace(module, Shape{1, 3, 32, 32}));
}

TEST(MobileNetV2, CheckpointProblemsNameTheTensor) {
  const auto cases = oracle_cases("model");
  StateDict full = load(cases.front(), "checkpoint_zip");
  StateDict without_stats, reshaped;
  for (const auto& name : full.names()) {
    HostArray array = full.at(name);
    if (name != "features.5.conv.1.1.running_var") without_stats.insert(name, array);
    if (name == "features.2.conv.0.0.weight") array.shape = Shape{96, 16, 1, 2}, array.values.resize(96 * 32);
    reshaped.insert(name, std::move(array));
  }
  try {
    model::create_mobilenetv2_model_parameters(without_stats, Shape{1, 3, 224, 224});
    FAIL();
  } catch (const FormatError& error) {
    EXPECT_NE(std::string(error.what()).find("track_running_stats=True"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("features.5.conv.1.1"), std::string::npos) << error.what();
  }
  try {
    model::create_mobilenetv2_model_parameters(reshaped, Shape{1, 3, 224, 224});
    FAIL();
  } catch (const FormatError& error) {
    EXPECT_NE(std::string(error.what()).find("features.2.conv.0.0.weight"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ttnn::test
