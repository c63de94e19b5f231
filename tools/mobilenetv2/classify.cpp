// `mobilenetv2 classify IMAGE|FOLDER...`: ImageNet top-k classes with probabilities.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "mobilenetv2/commands.hpp"
#include "mobilenetv2/inputs.hpp"
#include "mobilenetv2/model_options.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/labels.hpp"
#include "ttnn/model/mobilenetv2.hpp"

namespace mobilenetv2 {
namespace {

struct ClassifyOptions {
  ModelOptions model;
  std::vector<std::string> inputs;
  uint32_t topk = 5;
  bool json = false;
};

struct Prediction {
  size_t index;
  float probability;
};

std::vector<Prediction> top_predictions(std::span<const float> logits, uint32_t k) {
  const float max = *std::max_element(logits.begin(), logits.end());
  std::vector<Prediction> predictions(logits.size());
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) sum += std::exp(double(logits[i]) - max);
  for (size_t i = 0; i < logits.size(); ++i) predictions[i] = {i, float(std::exp(double(logits[i]) - max) / sum)};
  const size_t count = std::min<size_t>(k, predictions.size());
  std::partial_sort(predictions.begin(), predictions.begin() + long(count), predictions.end(),
                    [](const Prediction& a, const Prediction& b) {
                      return a.probability != b.probability ? a.probability > b.probability : a.index < b.index;
                    });
  predictions.resize(count);
  return predictions;
}

std::string label(const std::vector<std::string>& classes, size_t index) {
  return index < classes.size() ? classes[index] : "class " + std::to_string(index);
}

int run_classify(const ClassifyOptions& options) {
  ImageBatch images;
  try {
    images = load_image_batch(options.inputs);
  } catch (const ttnn::InvalidArgument& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  const std::vector<std::filesystem::path>& files = images.files;
  const auto batch = uint32_t(files.size());
  auto device = options.model.open_device();
  ttnn::model::ModelConfig single_pass_config = options.model.config();
  single_pass_config.plan = false;  // one pass: nothing to plan for
  // The checkpoint is only needed while tracing: a temporary, freed before the model runs.
  ttnn::model::Model model(
      ttnn::model::create_mobilenetv2_model_parameters(options.model.load_weights(), ttnn::Shape{batch, 3, 224, 224}),
      *device, single_pass_config);
  const std::vector<float> logits = model.run(images.nchw);
  const size_t classes = logits.size() / batch;
  const std::vector<std::string> names =
      classes == ttnn::io::kImageNetClassCount ? ttnn::io::imagenet_classes() : std::vector<std::string>{};

  for (uint32_t i = 0; i < batch; ++i) {
    const auto predictions = top_predictions(std::span(logits).subspan(i * classes, classes), options.topk);
    if (options.json) {
      nlohmann::json line{{"image", files[i].string()}, {"predictions", nlohmann::json::array()}};
      for (const auto& p : predictions)
        line["predictions"].push_back({{"index", p.index}, {"class", label(names, p.index)}, {"probability", p.probability}});
      std::printf("%s\n", line.dump().c_str());
      continue;
    }
    std::printf("%s\n", files[i].c_str());
    for (size_t rank = 0; rank < predictions.size(); ++rank)
      std::printf("  %zu. %-40s %6.2f%%\n", rank + 1, label(names, predictions[rank].index).c_str(),
                  100.0 * predictions[rank].probability);
  }
  return 0;
}

}  // namespace

Command add_classify_command(CLI::App& app) {
  auto options = std::make_shared<ClassifyOptions>();
  auto* command = app.add_subcommand("classify", "Classify JPEG/PNG images (files or folders) with ImageNet classes");
  command->add_option("images", options->inputs, "Image files or folders")->required();
  options->model.add_to(*command);
  command->add_option("--topk", options->topk, "Classes to print per image")->capture_default_str()->check(CLI::Range(1, 1000));
  command->add_flag("--json", options->json, "One JSON object per image");
  return [command, options] { return command->parsed() ? run_classify(*options) : -1; };
}

}  // namespace mobilenetv2
