// MobileNetV2 with real trained weights on photographs, against torchvision (tests/oracle/real_weights.py:
// a trained Keras MobileNetV2 converted to torchvision's state dict, with a seeded 1000-class classifier).
// Random weights hide precision problems that real per-channel scales and activation outliers expose, so
// the accuracy figures of the configurations are measured and asserted here. Every PCC is printed and
// recorded as a test property so that the figures can be quoted.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/metrics.hpp"
#include "support/oracle.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/npy.hpp"
#include "ttnn/io/pth.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/model/model.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn::test {
namespace {

namespace fs = std::filesystem;
using model::Model;
using model::ModelConfig;

// The generated set: $TTNN_REAL_WEIGHTS_DIR (ttnn_use_test_data in CMakeLists.txt sets it).
struct RealWeights {
  fs::path dir;
  nlohmann::json manifest;
  StateDict state_dict;
  std::vector<std::string> names;  // the photos, in image order
  uint32_t batch = 0;
  std::vector<float> images;  // [N, 3, 224, 224]
  std::vector<float> logits;  // torchvision in float64 (rounded to float32), [N, 1000]
  size_t classes = 0;
};

const RealWeights& real_weights() {
  static const RealWeights data = [] {
    RealWeights d;
    d.dir = generated_data_dir("TTNN_REAL_WEIGHTS_DIR", "real_weights", "tests/oracle/real_weights.py");
    d.manifest = nlohmann::json::parse(std::ifstream(d.dir / "manifest.json"));
    d.state_dict = io::load_state_dict(d.dir / d.manifest["checkpoint"].get<std::string>());
    d.names = nlohmann::json::parse(std::ifstream(d.dir / d.manifest["image_names"].get<std::string>()))
                  .get<std::vector<std::string>>();
    const io::NpyArray images = io::read_npy(d.dir / d.manifest["images"].get<std::string>());
    const io::NpyArray logits = io::read_npy(d.dir / d.manifest["logits_f64"].get<std::string>());
    if (images.shape.size() != 4 || images.shape[0] != d.names.size() || logits.shape.size() != 2 ||
        logits.shape[0] != d.names.size())
      throw std::runtime_error("real_weights: images.npy / logits_f64.npy / image_names.json disagree");
    d.batch = uint32_t(images.shape[0]);
    d.images = images.to_float32();
    d.logits = logits.to_float32();
    d.classes = logits.shape[1];
    return d;
  }();
  return data;
}

std::span<const float> row(const std::vector<float>& logits, size_t image, size_t classes) {
  return std::span<const float>(logits).subspan(image * classes, classes);
}

size_t argmax(std::span<const float> values) {
  return size_t(std::max_element(values.begin(), values.end()) - values.begin());
}

struct Setting {
  const char* name;
  DataType dtype;  // activations and weights
  MathFidelity fidelity;
  double min_pcc;
  bool same_top1;
  std::optional<Numerics> numerics = std::nullopt;
};

struct Measured {
  std::vector<float> logits;
  std::vector<double> per_image;
  double overall = 0;
};

ModelConfig config_for(const Setting& setting) {
  ModelConfig config;
  config.dtype = config.weights_dtype = setting.dtype;
  config.math_fidelity = setting.fidelity;
  config.numerics = setting.numerics;
  return config;
}

// Runs every photo as one batch and prints and records the PCC of each image's logits and of all of them.
Measured measure(const Setting& setting) {
  const RealWeights& data = real_weights();
  auto device = open_device(0);
  Model model(model::create_mobilenetv2_model_parameters(data.state_dict, Shape{data.batch, 3, 224, 224}), *device,
              config_for(setting));
  Measured m;
  m.logits = model.run(data.images);
  EXPECT_EQ(m.logits.size(), data.logits.size());
  m.logits.resize(data.logits.size());
  m.overall = pcc(m.logits, data.logits);
  std::string line = fmt::format("{:<24} overall PCC {:.8f}  per image:", setting.name, m.overall);
  for (size_t i = 0; i < data.batch; ++i) {
    m.per_image.push_back(pcc(row(m.logits, i, data.classes), row(data.logits, i, data.classes)));
    line += fmt::format(" {} {:.8f}", data.names[i], m.per_image.back());
    ::testing::Test::RecordProperty("pcc_" + data.names[i], fmt::format("{:.8f}", m.per_image.back()));
  }
  ::testing::Test::RecordProperty("pcc_overall", fmt::format("{:.8f}", m.overall));
  std::printf("%s\n", line.c_str());
  return m;
}

Measured check(const Setting& setting) {
  const RealWeights& data = real_weights();
  Measured m = measure(setting);
  // The PCC of all images' logits together, as TT-NN's tests measure a batch; per image it is printed (a
  // mostly black photograph such as hubble_deep_field has little signal and scores lowest).
  EXPECT_GE(m.overall, setting.min_pcc) << setting.name << " over all images";
  for (size_t i = 0; i < data.batch; ++i) {
    if (setting.same_top1) {
      EXPECT_EQ(argmax(row(m.logits, i, data.classes)), argmax(row(data.logits, i, data.classes)))
          << setting.name << " on " << data.names[i] << " (torch's top-1 margin "
          << data.manifest["top1_margin"][i].get<double>() << ")";
    }
  }
  return m;
}

const Setting kFloat32 = {"float32+HiFi4", DataType::FLOAT32, MathFidelity::HiFi4, 0.99999, true};
// Measured 0.99993, 0.99939 and 0.99941 (ACCURACY.md); without the float32 bias and the sum-preserving
// depthwise rounding of NUMERICS.md they were 0.99978, 0.99773 and 0.99773, below these thresholds.
const Setting kBfloat16 = {"bfloat16+HiFi4", DataType::BFLOAT16, MathFidelity::HiFi4, 0.9999, true};
const Setting kBfloat8HiFi4 = {"bfloat8_b+HiFi4", DataType::BFLOAT8_B, MathFidelity::HiFi4, 0.998, false};
const Setting kBfloat8HiFi2 = {"bfloat8_b+HiFi2", DataType::BFLOAT8_B, MathFidelity::HiFi2, 0.998, false};
const Setting kBfloat8LoFi = {"bfloat8_b+LoFi", DataType::BFLOAT8_B, MathFidelity::LoFi, 0.99, false};

TEST(RealWeights, CheckpointIsTorchvisionMobileNetV2) {
  const RealWeights& data = real_weights();
  EXPECT_EQ(data.state_dict.size(), 314u);  // torchvision's mobilenet_v2() state dict, every key
  EXPECT_FLOAT_EQ(model::infer_width_multiplier(data.state_dict), 1.0f);
  EXPECT_EQ(model::infer_num_classes(data.state_dict), 1000u);
  EXPECT_EQ(data.classes, 1000u);
  EXPECT_GE(data.batch, 4u);
}

TEST(RealWeights, Float32HiFi4) { check(kFloat32); }
TEST(RealWeights, Bfloat16HiFi4) { check(kBfloat16); }
TEST(RealWeights, Bfloat8HiFi4) { check(kBfloat8HiFi4); }
TEST(RealWeights, Bfloat8HiFi2) { check(kBfloat8HiFi2); }

TEST(RealWeights, Bfloat8LoFi) {
  const Measured m = check(kBfloat8LoFi);
  // Two-sided: bfloat8_b and LoFi must lose precision; a result as good as float32 means they were ignored.
  EXPECT_LT(m.overall, 0.999999);
}

// TT-NN's own arithmetic is less accurate than the default by design (its MobileNetV2 test accepts 0.944).
TEST(RealWeights, TtMetalBfloat8LoFiReported) {
  Setting tt_metal = kBfloat8LoFi;
  tt_metal.name = "bfloat8_b+LoFi tt_metal";
  tt_metal.numerics = Numerics::tt_metal;
  const Measured accurate = measure(kBfloat8LoFi);
  const Measured reported = measure(tt_metal);
  EXPECT_GT(reported.overall, 0.80);
  EXPECT_LT(reported.overall, accurate.overall);
}

// Where precision goes: every step's output for the first photo (batch 1) against torchvision's in float64
// after the same fused conv + batch norm + ReLU6 or residual add. Asserted for float32 (each layer), printed
// for the lower-precision settings.
TEST(RealWeights, PerLayerAgreement) {
  const RealWeights& data = real_weights();
  std::vector<std::string> paths;
  std::map<std::string, std::vector<float>> expected;
  for (const auto& layer : data.manifest["layers"]) {
    paths.push_back(layer["path"].get<std::string>());
    expected[paths.back()] = io::read_npy(data.dir / layer["file"].get<std::string>()).to_float32();
  }
  const Setting settings[] = {kFloat32, kBfloat16, kBfloat8HiFi2, kBfloat8LoFi};
  std::map<std::string, std::vector<double>> table;  // path -> PCC per setting
  const std::span<const float> image(data.images.data(), size_t(3) * 224 * 224);
  auto device = open_device(0);
  for (const Setting& setting : settings) {
    SCOPED_TRACE(setting.name);
    Model model(model::create_mobilenetv2_model_parameters(data.state_dict, Shape{1, 3, 224, 224}), *device,
                config_for(setting));
    size_t compared = 0;
    double worst = 1.0;
    model.run(image, [&](size_t, const model::ModelStep& step, const Tensor& output) {
      const auto it = expected.find(step.module_path);
      if (it == expected.end() || (step.op != "conv2d" && step.op != "add")) return;
      const double r = pcc(to_host(output), it->second);
      table[step.module_path].push_back(r);
      worst = std::min(worst, r);
      ++compared;
      if (setting.dtype == DataType::FLOAT32) {
        EXPECT_GE(r, 0.99999) << step.module_path;
      }
    });
    EXPECT_EQ(compared, expected.size());
    ::testing::Test::RecordProperty(std::string("worst_layer_pcc_") + setting.name, fmt::format("{:.6f}", worst));
  }
  std::string text = fmt::format("{:<24}", "PCC vs torch (float64)");
  for (const Setting& setting : settings) text += fmt::format(" {:>16}", setting.name);
  for (const auto& path : paths) {
    text += fmt::format("\n{:<24}", path);
    for (double r : table[path]) text += fmt::format(" {:>16.6f}", r);
  }
  std::printf("%s\n", text.c_str());
}

}  // namespace
}  // namespace ttnn::test
