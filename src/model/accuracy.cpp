#include "ttnn/model/accuracy.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <numeric>

#include "core/check.hpp"
#include "ttnn/metrics.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn::model {
namespace {

bool is_weighted(const ModelStep& step) { return step.op == "conv2d" || step.op == "linear"; }

// Indices of the `count` largest values (ties: lower index first).
std::vector<size_t> top_indices(std::span<const float> values, size_t count) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t(0));
  count = std::min(count, order.size());
  std::partial_sort(order.begin(), order.begin() + long(count), order.end(), [&](size_t a, size_t b) {
    return values[a] != values[b] ? values[a] > values[b] : a < b;
  });
  order.resize(count);
  return order;
}

double output_pcc(const AccuracyEvaluator& evaluator, const ModelConfig& config) {
  return evaluator.evaluate({"", config}).pcc;
}

}  // namespace

std::string configuration_name(DataType dtype, MathFidelity fidelity, Numerics numerics) {
  return fmt::format("{} {} {}", to_string(dtype), to_string(fidelity), to_string(numerics));
}

std::vector<AccuracyConfiguration> standard_accuracy_configurations(Numerics numerics) {
  std::vector<AccuracyConfiguration> configurations;
  for (const DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B})
    for (const MathFidelity fidelity :
         {MathFidelity::HiFi4, MathFidelity::HiFi3, MathFidelity::HiFi2, MathFidelity::LoFi}) {
      ModelConfig config;
      config.dtype = config.weights_dtype = dtype;
      config.math_fidelity = fidelity;
      config.numerics = numerics;
      configurations.push_back({configuration_name(dtype, fidelity, numerics), config});
    }
  return configurations;
}

AccuracyEvaluator::AccuracyEvaluator(ModelParameters parameters, Device& device, std::vector<float> input,
                                     bool per_layer)
    : parameters_(std::move(parameters)), device_(device), input_(std::move(input)), per_layer_(per_layer) {
  ModelConfig reference;
  reference.dtype = reference.weights_dtype = DataType::FLOAT32;
  reference.math_fidelity = MathFidelity::HiFi4;
  reference.numerics = Numerics::accurate;
  Model model(parameters_, device_, reference);
  for (const ModelStep& step : model.steps())
    if (is_weighted(step)) multiply_adds_[step.module_path] += step.multiply_adds;
  reference_layers_.resize(model.steps().size());
  reference_output_ = model.run(input_, [&](size_t index, const ModelStep& step, const Tensor& output) {
    if (per_layer_ && is_weighted(step)) reference_layers_[index] = to_host(output);
  });
}

AccuracyResult AccuracyEvaluator::evaluate(const AccuracyConfiguration& configuration) const {
  AccuracyResult result;
  result.name = configuration.name;
  result.config = configuration.config;
  result.images = images();
  Model model(parameters_, device_, configuration.config);
  const std::vector<float> output = model.run(input_, [&](size_t index, const ModelStep& step, const Tensor& tensor) {
    if (index >= reference_layers_.size() || reference_layers_[index].empty()) return;
    const std::vector<float> values = to_host(tensor);
    const std::vector<float>& reference = reference_layers_[index];
    result.layers.push_back(
        {step.module_path, values.size() == reference.size() ? pearson_correlation(values, reference) : 0.0});
  });
  check(output.size() == reference_output_.size(), "accuracy: '{}' gave {} outputs, the reference {}",
        configuration.name, output.size(), reference_output_.size());
  result.pcc = pearson_correlation(output, reference_output_);
  result.max_abs_error = max_abs_error(output, reference_output_);
  const size_t classes = output.size() / std::max<uint32_t>(1, result.images);
  for (uint32_t image = 0; image < result.images; ++image) {
    const auto got = std::span(output).subspan(image * classes, classes);
    const auto want = std::span(reference_output_).subspan(image * classes, classes);
    const size_t expected = top_indices(want, 1).at(0);
    const std::vector<size_t> top5 = top_indices(got, 5);
    result.top1_agreement += top5.at(0) == expected;
    result.top5_agreement += std::find(top5.begin(), top5.end(), expected) != top5.end();
  }
  return result;
}

OverrideSuggestion suggest_overrides(const AccuracyEvaluator& evaluator, const ModelConfig& base, double target_pcc,
                                     const LayerOverride& raised, const SearchProgress& progress) {
  OverrideSuggestion suggestion;
  const auto& macs = evaluator.layer_multiply_adds();
  for (const auto& [path, count] : macs) suggestion.multiply_adds_total += count;
  const auto evaluate = [&](const std::map<std::string, LayerOverride>& overrides) {
    ModelConfig config = base;
    for (const auto& [path, layer] : overrides) config.overrides[path] = layer;
    ++suggestion.evaluations;
    return output_pcc(evaluator, config);
  };
  suggestion.base_pcc = evaluate({});
  suggestion.pcc = suggestion.base_pcc;
  if (suggestion.base_pcc >= target_pcc) {
    suggestion.reached = true;
    return suggestion;
  }

  // Gain per multiply-add of raising each layer alone.
  struct Candidate {
    std::string path;
    double gain_per_mac;
  };
  std::vector<Candidate> candidates;
  for (const auto& [path, count] : macs) {
    if (progress) progress("trying " + path + " alone");
    const double gain = evaluate({{path, raised}}) - suggestion.base_pcc;
    candidates.push_back({path, gain / double(std::max<uint64_t>(count, 1))});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.gain_per_mac > b.gain_per_mac; });

  std::map<std::string, LayerOverride> chosen;
  double pcc = suggestion.base_pcc;
  for (const Candidate& candidate : candidates) {
    chosen[candidate.path] = raised;
    if (progress) progress(fmt::format("adding {} ({} layers)", candidate.path, chosen.size()));
    pcc = evaluate(chosen);
    if (pcc >= target_pcc) break;
  }
  suggestion.reached = pcc >= target_pcc;
  if (suggestion.reached) {
    // Drop overrides the target does not need, most expensive first, until none can go.
    for (bool dropped = true; dropped;) {
      dropped = false;
      std::vector<std::string> paths;
      for (const auto& [path, layer] : chosen) paths.push_back(path);
      std::stable_sort(paths.begin(), paths.end(),
                       [&](const std::string& a, const std::string& b) { return macs.at(a) > macs.at(b); });
      for (const std::string& path : paths) {
        std::map<std::string, LayerOverride> without = chosen;
        without.erase(path);
        if (progress) progress("dropping " + path);
        if (const double candidate_pcc = evaluate(without); candidate_pcc >= target_pcc) {
          chosen = std::move(without);
          pcc = candidate_pcc;
          dropped = true;
        }
      }
    }
  }
  suggestion.pcc = pcc;
  suggestion.overrides = chosen;
  for (const auto& [path, layer] : chosen) suggestion.multiply_adds_moved += macs.at(path);
  return suggestion;
}

namespace {

std::vector<std::pair<std::string, std::string>> override_fields(const LayerOverride& layer) {
  std::vector<std::pair<std::string, std::string>> fields;
  const auto lower = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  if (layer.dtype) fields.emplace_back("dtype", std::string(to_string(*layer.dtype)));
  if (layer.weights_dtype) fields.emplace_back("weights_dtype", std::string(to_string(*layer.weights_dtype)));
  if (layer.math_fidelity) fields.emplace_back("math_fidelity", lower(to_string(*layer.math_fidelity)));
  if (layer.shard_layout) fields.emplace_back("shard", lower(to_string(*layer.shard_layout)));
  return fields;
}

std::string cpp_enum(DataType dtype) {
  std::string name(to_string(dtype));
  for (char& c : name) c = char(std::toupper(static_cast<unsigned char>(c)));
  return "ttnn::DataType::" + name;
}

}  // namespace

std::string overrides_as_cli(const std::map<std::string, LayerOverride>& overrides) {
  std::string text;
  for (const auto& [path, layer] : overrides) {
    std::string fields;
    for (const auto& [key, value] : override_fields(layer)) fields += (fields.empty() ? "" : ",") + key + "=" + value;
    text += (text.empty() ? "" : " ") + fmt::format("--layer {}:{}", path, fields);
  }
  return text;
}

std::string overrides_as_cpp(const std::map<std::string, LayerOverride>& overrides) {
  std::string text;
  for (const auto& [path, layer] : overrides) {
    std::vector<std::string> parts;
    parts.push_back(layer.dtype ? cpp_enum(*layer.dtype) : "std::nullopt");
    parts.push_back(layer.weights_dtype ? cpp_enum(*layer.weights_dtype) : "std::nullopt");
    parts.push_back(layer.math_fidelity ? "ttnn::MathFidelity::" + std::string(to_string(*layer.math_fidelity))
                                        : "std::nullopt");
    parts.push_back(layer.shard_layout ? "ttnn::TensorMemoryLayout::" + std::string(to_string(*layer.shard_layout))
                                       : "std::nullopt");
    text += fmt::format("config.overrides[\"{}\"] = {{{}}};\n", path, fmt::join(parts, ", "));
  }
  return text;
}

}  // namespace ttnn::model
