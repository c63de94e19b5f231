// What a (dtype, fidelity, numerics) configuration costs in accuracy: a model run against the float32
// reference on the same inputs, for the whole output and layer by layer, and the cheapest per-layer
// overrides that lift a configuration to a target PCC (`mobilenetv2 accuracy`).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ttnn/device.hpp"
#include "ttnn/model/model.hpp"
#include "ttnn/model/parameters.hpp"

namespace ttnn::model {

struct AccuracyConfiguration {
  std::string name;  // e.g. "bfloat8_b LoFi accurate"
  ModelConfig config;
};

// Every (dtype, fidelity) pair at the given numerics, weights in the activations' dtype, float32 logits:
// float32, bfloat16, bfloat8_b x HiFi4, HiFi3, HiFi2, LoFi.
std::vector<AccuracyConfiguration> standard_accuracy_configurations(Numerics numerics);
std::string configuration_name(DataType dtype, MathFidelity fidelity, Numerics numerics);

struct LayerAccuracy {
  std::string module_path;  // a conv or linear step
  double pcc = 0;           // its output vs the reference's
};

struct AccuracyResult {
  std::string name;
  ModelConfig config;
  double pcc = 0;             // output (logits) vs the reference, all images together
  double max_abs_error = 0;
  uint32_t top1_agreement = 0;  // images whose top class equals the reference's
  uint32_t top5_agreement = 0;  // images whose top 5 contain the reference's top class
  uint32_t images = 0;
  std::vector<LayerAccuracy> layers;  // filled when the evaluator keeps per-layer references
};

class AccuracyEvaluator {
 public:
  // Runs the reference (float32, HiFi4, accurate numerics) on `input`: NCHW float32 of the parameters'
  // traced shape (its batch = the images). With `per_layer`, keeps every conv and linear output.
  AccuracyEvaluator(ModelParameters parameters, Device& device, std::vector<float> input, bool per_layer);

  AccuracyResult evaluate(const AccuracyConfiguration& configuration) const;

  const std::vector<float>& reference_output() const { return reference_output_; }
  const ModelParameters& parameters() const { return parameters_; }
  // Multiply-adds per forward pass of each conv and linear, by module path.
  const std::map<std::string, uint64_t>& layer_multiply_adds() const { return multiply_adds_; }
  uint32_t images() const { return parameters_.input_shape[0]; }

 private:
  ModelParameters parameters_;
  Device& device_;
  std::vector<float> input_;
  bool per_layer_;
  std::vector<float> reference_output_;
  std::vector<std::vector<float>> reference_layers_;  // by step index; empty for other steps
  std::map<std::string, uint64_t> multiply_adds_;
};

// The `--target-pcc` search: which layers of `base` to run at `raised` (e.g. bfloat16 + HiFi4) so the output
// reaches PCC >= target_pcc, moving as few multiply-adds as it can. Greedy by measured gain per multiply-add
// (each layer raised alone), then pruned until no single override can be dropped while still reaching the
// target. `reached` is false when raising every layer does not reach it (the overrides then raise all).
struct OverrideSuggestion {
  bool reached = false;
  double base_pcc = 0;
  double pcc = 0;                    // with the suggested overrides
  uint64_t multiply_adds_moved = 0;  // of the raised layers, per forward pass
  uint64_t multiply_adds_total = 0;
  std::map<std::string, LayerOverride> overrides;
  uint32_t evaluations = 0;  // model runs the search took
};

using SearchProgress = std::function<void(const std::string& what)>;
OverrideSuggestion suggest_overrides(const AccuracyEvaluator& evaluator, const ModelConfig& base, double target_pcc,
                                     const LayerOverride& raised, const SearchProgress& progress = {});

// The overrides as `--layer` arguments and as C++ for ModelConfig::overrides.
std::string overrides_as_cli(const std::map<std::string, LayerOverride>& overrides);
std::string overrides_as_cpp(const std::map<std::string, LayerOverride>& overrides);

}  // namespace ttnn::model
