// `mobilenetv2 accuracy`: what each (dtype, fidelity) configuration loses against float32 on given inputs,
// for the logits and (--per-layer) every conv, with a chart and the cheapest overrides reaching a target.
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>

#include "mobilenetv2/commands.hpp"
#include "mobilenetv2/inputs.hpp"
#include "mobilenetv2/model_options.hpp"
#include "mobilenetv2/report/svg.hpp"
#include "mobilenetv2/terminal.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/npy.hpp"
#include "ttnn/model/accuracy.hpp"
#include "ttnn/model/mobilenetv2.hpp"

namespace mobilenetv2 {
namespace {

using ttnn::model::AccuracyConfiguration;
using ttnn::model::AccuracyResult;

struct AccuracyOptions {
  ModelOptions model;
  std::vector<std::string> images;
  std::string input;
  std::string numerics = "accurate";
  bool per_layer = false;
  bool json = false;
  std::string chart;
  std::optional<double> target_pcc;
  std::string raise_to = "bfloat16:hifi4";
};

struct Inputs {
  std::vector<float> nchw;
  ttnn::Shape shape;
  std::vector<std::string> names;
};

Inputs load_inputs(const AccuracyOptions& options) {
  Inputs inputs;
  if (!options.input.empty()) {
    const ttnn::io::NpyArray array = ttnn::io::read_npy(options.input);
    if (array.shape.size() != 4 || array.shape[1] != 3)
      throw ttnn::InvalidArgument(fmt::format("accuracy: --input '{}' has shape [{}], expected [N, 3, H, W] float32",
                                              options.input, fmt::join(array.shape, ", ")));
    inputs.nchw = array.to_float32();
    inputs.shape = ttnn::Shape{uint32_t(array.shape[0]), 3, uint32_t(array.shape[2]), uint32_t(array.shape[3])};
    for (uint64_t i = 0; i < array.shape[0]; ++i) inputs.names.push_back(fmt::format("{}[{}]", options.input, i));
    return inputs;
  }
  if (options.images.empty())
    throw ttnn::InvalidArgument("accuracy: give the inputs, --images FILE|DIR... or --input X.npy ([N, 3, H, W] float32)");
  ImageBatch batch = load_image_batch(options.images);
  inputs.nchw = std::move(batch.nchw);
  inputs.shape = ttnn::Shape{uint32_t(batch.files.size()), 3, 224, 224};
  for (const auto& file : batch.files) inputs.names.push_back(file.filename().string());
  return inputs;
}

std::vector<ttnn::Numerics> selected_numerics(const std::string& text) {
  if (text == "both") return {ttnn::Numerics::accurate, ttnn::Numerics::tt_metal};
  return {ttnn::parse_numerics(text)};
}

ttnn::model::LayerOverride parse_raise_to(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos)
    throw ttnn::InvalidArgument("accuracy: --raise-to '" + text + "': expected DTYPE:FIDELITY, e.g. bfloat16:hifi4");
  ttnn::model::LayerOverride layer;
  layer.dtype = layer.weights_dtype = ttnn::parse_data_type(text.substr(0, colon));
  layer.math_fidelity = ttnn::parse_math_fidelity(text.substr(colon + 1));
  return layer;
}

nlohmann::json result_json(const AccuracyResult& result) {
  nlohmann::json line{{"configuration", result.name},
                      {"dtype", ttnn::to_string(result.config.dtype)},
                      {"math_fidelity", ttnn::to_string(result.config.math_fidelity)},
                      {"numerics", ttnn::to_string(result.config.numerics.value_or(ttnn::Numerics::accurate))},
                      {"pcc", result.pcc},
                      {"max_abs_error", result.max_abs_error},
                      {"top1_agreement", result.top1_agreement},
                      {"top5_agreement", result.top5_agreement},
                      {"images", result.images}};
  if (!result.layers.empty()) {
    line["layers"] = nlohmann::json::array();
    for (const auto& layer : result.layers) line["layers"].push_back({{"module", layer.module_path}, {"pcc", layer.pcc}});
  }
  return line;
}

void print_table(const std::vector<AccuracyResult>& results, const Inputs& inputs) {
  std::printf("Accuracy vs float32 + HiFi4 on %zu input(s): %s\n\n", inputs.names.size(),
              fmt::format("{}", fmt::join(inputs.names, ", ")).c_str());
  std::printf("%-28s %10s %12s %7s %7s\n", "configuration", "PCC", "max abs err", "top-1", "top-5");
  for (const AccuracyResult& r : results)
    std::printf("%-28s %10.6f %12.4g %3u/%-3u %3u/%-3u\n", r.name.c_str(), r.pcc, r.max_abs_error, r.top1_agreement,
                r.images, r.top5_agreement, r.images);
}

void print_per_layer(const std::vector<AccuracyResult>& results) {
  if (results.empty() || results[0].layers.empty()) return;
  std::printf("\nPer-layer PCC vs float32 (columns: ");
  for (size_t c = 0; c < results.size(); ++c) std::printf("%s[%zu] %s", c ? ", " : "", c + 1, results[c].name.c_str());
  std::printf(")\n%-24s", "layer");
  for (size_t c = 0; c < results.size(); ++c) std::printf(" %9s", fmt::format("[{}]", c + 1).c_str());
  std::printf("\n");
  for (size_t l = 0; l < results[0].layers.size(); ++l) {
    std::printf("%-24s", results[0].layers[l].module_path.c_str());
    for (const AccuracyResult& r : results) std::printf(" %9.6f", l < r.layers.size() ? r.layers[l].pcc : 0.0);
    std::printf("\n");
  }
}

void write_chart(const std::string& path, const std::vector<AccuracyResult>& results) {
  std::vector<std::string> layers;
  if (!results.empty())
    for (const auto& layer : results[0].layers) layers.push_back(layer.module_path);
  std::vector<report::LayerPccSeries> series;
  for (const AccuracyResult& r : results) {
    report::LayerPccSeries line{r.name, {}};
    for (const auto& layer : r.layers) line.pcc.push_back(layer.pcc);
    series.push_back(std::move(line));
  }
  write_text_file(path, report::layer_pcc_svg("Per-layer PCC vs float32", layers, series), "accuracy");
}

void report_suggestion(const ttnn::model::OverrideSuggestion& s, double target, const std::string& base, bool json) {
  const double moved = s.multiply_adds_total ? 100.0 * double(s.multiply_adds_moved) / double(s.multiply_adds_total) : 0;
  if (json) {
    nlohmann::json line{{"target_pcc", target}, {"base", base}, {"reached", s.reached}, {"base_pcc", s.base_pcc},
                        {"pcc", s.pcc}, {"multiply_adds_moved", s.multiply_adds_moved},
                        {"multiply_adds_total", s.multiply_adds_total}, {"evaluations", s.evaluations},
                        {"layers", nlohmann::json::array()}, {"cli", ttnn::model::overrides_as_cli(s.overrides)},
                        {"cpp", ttnn::model::overrides_as_cpp(s.overrides)}};
    for (const auto& [path, layer] : s.overrides) line["layers"].push_back(path);
    std::printf("%s\n", line.dump().c_str());
    return;
  }
  std::printf("\n--target-pcc %.6g from %s (PCC %.6f): ", target, base.c_str(), s.base_pcc);
  if (s.overrides.empty() && s.reached) {
    std::printf("already reached, no override needed\n");
    return;
  }
  std::printf("%s with %zu override(s), PCC %.6f, moving %.2f%% of the multiply-adds (%llu of %llu); %u model runs\n",
              s.reached ? "reached" : "NOT reached even", s.overrides.size(), s.pcc, moved,
              static_cast<unsigned long long>(s.multiply_adds_moved),
              static_cast<unsigned long long>(s.multiply_adds_total), s.evaluations);
  std::printf("  command line: %s\n  C++:\n", ttnn::model::overrides_as_cli(s.overrides).c_str());
  const std::string cpp = ttnn::model::overrides_as_cpp(s.overrides);
  size_t start = 0;
  for (size_t end; (end = cpp.find('\n', start)) != std::string::npos; start = end + 1)
    std::printf("    %s\n", cpp.substr(start, end - start).c_str());
}

int run_accuracy(const AccuracyOptions& options) {
  const std::vector<ttnn::Numerics> numerics = selected_numerics(options.numerics);
  const std::optional<ttnn::model::LayerOverride> raised =
      options.target_pcc ? std::optional(parse_raise_to(options.raise_to)) : std::nullopt;
  const Inputs inputs = load_inputs(options);
  const ttnn::StateDict weights = options.model.load_weights();
  auto device = options.model.open_device();

  std::vector<AccuracyConfiguration> configurations;
  for (const ttnn::Numerics n : numerics)
    for (auto& configuration : ttnn::model::standard_accuracy_configurations(n)) configurations.push_back(configuration);
  StepProgress progress("accuracy", configurations.size() + 1);
  progress.show("float32 reference");
  const ttnn::model::AccuracyEvaluator evaluator(
      ttnn::model::create_mobilenetv2_model_parameters(weights, inputs.shape), *device, inputs.nchw,
      options.per_layer || !options.chart.empty());
  progress.step("float32 reference");
  std::vector<AccuracyResult> results;
  for (const AccuracyConfiguration& configuration : configurations) {
    progress.show(configuration.name);
    results.push_back(evaluator.evaluate(configuration));
    progress.step(configuration.name);
    if (options.json) {
      nlohmann::json line = result_json(results.back());
      if (!options.per_layer) line.erase("layers");
      std::printf("%s\n", line.dump().c_str());
      std::fflush(stdout);
    }
  }
  if (!options.json) {
    print_table(results, inputs);
    if (options.per_layer) print_per_layer(results);
  }
  if (!options.chart.empty()) {
    write_chart(options.chart, results);
    if (!options.json) std::printf("\nchart: %s\n", options.chart.c_str());
  }
  if (options.target_pcc) {
    for (const ttnn::Numerics n : numerics) {
      ttnn::model::ModelConfig base;  // bfloat8_b + LoFi, the fast configuration
      base.numerics = n;
      const std::string base_name = ttnn::model::configuration_name(base.dtype, base.math_fidelity, n);
      const auto suggestion = ttnn::model::suggest_overrides(evaluator, base, *options.target_pcc, *raised,
                                                             [&](const std::string& what) { progress.show(what); });
      report_suggestion(suggestion, *options.target_pcc, base_name, options.json);
    }
  }
  return 0;
}

}  // namespace

Command add_accuracy_command(CLI::App& app) {
  auto options = std::make_shared<AccuracyOptions>();
  auto* command = app.add_subcommand(
      "accuracy", "PCC, max error and top-1/top-5 agreement of every dtype x fidelity configuration vs float32");
  options->model.add_weights_to(*command);
  options->model.add_threads_to(*command);
  command->add_option("--images", options->images, "Image files or folders to measure on");
  command->add_option("--input", options->input, "Or an NCHW float32 .npy batch [N, 3, H, W], already preprocessed");
  command->add_option("--numerics", options->numerics, "accurate, tt_metal or both (see NUMERICS.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"accurate", "tt_metal", "tt-metal", "both"}));
  command->add_flag("--per-layer", options->per_layer, "Also each conv's and the classifier's output PCC vs float32");
  command->add_flag("--json", options->json, "One JSON object per configuration (and per --target-pcc search)");
  command->add_option("--chart", options->chart, "Write the per-layer PCC of every configuration as an SVG chart");
  command->add_option("--target-pcc", options->target_pcc,
                      "Suggest per-layer overrides that lift bfloat8_b + LoFi to this PCC, moving the fewest "
                      "multiply-adds")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--raise-to", options->raise_to, "What --target-pcc moves a layer to, DTYPE:FIDELITY")
      ->capture_default_str();
  return [command, options] { return command->parsed() ? run_accuracy(*options) : -1; };
}

}  // namespace mobilenetv2
