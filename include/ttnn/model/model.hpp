// Running a traced model on a device. The traced graph is lowered once into ops: each Conv2d takes the
// BatchNorm2d folded into it and the ReLU/ReLU6 after it fused; dropout vanishes; global average pooling,
// flatten, linear and residual adds map to their ops. Activations are deallocated after their last use.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ttnn/device.hpp"
#include "ttnn/model/parameters.hpp"
#include "ttnn/operations/conv2d.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn::model {

// Per-layer settings, by module path ("features.0.0", "features.3.conv.1.0", "classifier.1").
struct LayerOverride {
  std::optional<DataType> dtype;
  std::optional<DataType> weights_dtype;
  std::optional<MathFidelity> math_fidelity;
  std::optional<TensorMemoryLayout> shard_layout;
};

struct ModelConfig {
  // The seed's optimised configuration: bfloat8_b weights and activations, LoFi.
  DataType dtype = DataType::BFLOAT8_B;
  DataType weights_dtype = DataType::BFLOAT8_B;
  MathFidelity math_fidelity = MathFidelity::LoFi;
  std::optional<Numerics> numerics;  // unset: the device's
  // Convs shard HEIGHT where N*H*W >> C (the early layers) and BLOCK elsewhere, unless overridden.
  bool deallocate_activations = true;
  DataType logits_dtype = DataType::FLOAT32;  // the classifier's output
  // Plan the passes after the first (see Model::run). A model that runs once saves the planning: it costs
  // one single-threaded pass per device thread (each thread runs the pass alone once, so its scratch grows
  // to what any work item needs), inside the first run().
  bool plan = true;
  // In planned passes, run each expand and project conv inside the depthwise conv between them (accurate
  // numerics; see PlannedPass). false keeps every conv an op of its own, slower, so that the profiler times
  // each one; residual adds still run in their convs' epilogue.
  bool fuse_convs = true;
  std::map<std::string, LayerOverride> overrides;

  // Throws InvalidArgument naming an override path that is not a conv or linear of the model.
  void validate_overrides(const ModelParameters& parameters) const;
};

// One lowered op, for the profiler, the graph picture and tests.
struct ModelStep {
  std::string op;           // "conv2d", "add", "global_avg_pool2d", "linear", "relu6", ...
  std::string module_path;  // the conv/linear's path (for adds: the block's)
  std::vector<std::string> fused;  // module paths folded or fused into this op
  DataType dtype = DataType::BFLOAT16;
  DataType weights_dtype = DataType::BFLOAT16;
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  std::optional<TensorMemoryLayout> shard_layout;
  uint64_t multiply_adds = 0;  // per forward pass
};

// How a model's planned pass holds its activations (see Model::run).
struct MemoryPlan {
  bool planned = false;        // false until a first pass without an observer ran
  size_t arena_bytes = 0;      // the one buffer every activation lives in
  size_t activation_bytes = 0; // the activations' sizes summed: what holding each apart would take
  size_t peak_live_bytes = 0;  // the most bytes alive at one step: what no placement can go under
};

// Runs one pass at a time: its steps and its planned pass's arena are shared by every call, so two threads
// must not run the same Model at once (each may run a Model of its own; ops run on the device's threads).
class Model {
 public:
  Model(ModelParameters parameters, Device& device, ModelConfig config = {});
  ~Model();
  Model(Model&&) noexcept;

  // Sees every step's output as it is produced (per-layer accuracy, debugging); the tensor may be freed
  // after the call returns.
  using StepObserver = std::function<void(size_t step_index, const ModelStep& step, const Tensor& output)>;

  // input: NCHW float32 of the traced input shape; returns the output (e.g. logits [N, classes]) as float32.
  // The first pass (without an observer) runs op by op and plans the ones after it: every op's plan kept,
  // activations at fixed places in one arena where dead values leave room for later ones. Later passes
  // run that plan and allocate nothing on the heap beyond the returned vector (when they run on the
  // thread that ran the first: another thread's scratch grows on its first pass).
  std::vector<float> run(std::span<const float> nchw_input, const StepObserver& observer = {});
  // The same into `output` (its size must be the output's volume): a planned pass allocates nothing.
  void run(std::span<const float> nchw_input, std::span<float> output);
  MemoryPlan memory_plan() const;
  // The traced graph, module args and shapes. The weights' values are released once lowered (the steps
  // hold them as device tensors): keep your own ModelParameters to run other configurations.
  const ModelParameters& parameters() const;
  const std::vector<ModelStep>& steps() const;
  // The ops a planned pass runs: steps(), with each residual add that runs in the epilogue of the conv
  // making its other operand listed in that conv's `fused`, and each expand conv that runs inside the
  // depthwise conv reading its output listed first in that conv's `fused` (its multiply-adds counted
  // there); the accurate numerics, same bits. steps() until a pass is planned.
  const std::vector<ModelStep>& planned_steps() const;
  const ModelConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ttnn::model
