// A module tree in PyTorch's style (Conv2d, BatchNorm2d, ReLU6, Linear, MaxPool2d, AdaptiveAvgPool2d,
// Sequential and user-defined composites). Modules hold hyper-parameters, not weights: weights come from a
// state dict keyed by the modules' paths. forward() runs on shapes only, recording a Graph (tracing).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ttnn/model/graph.hpp"

namespace ttnn::model {

class Module;

// A value flowing through a traced forward pass: its shape and the node output that produced it.
struct TracedTensor {
  Shape shape;
  size_t node = 0;
  size_t output_index = 0;
};

// Records nodes while modules run their forward passes; keeps the current module path.
class Tracer {
 public:
  explicit Tracer(const Shape& input_shape);
  const TracedTensor& input() const { return input_; }

  // Runs `module` as the child `name` of the module currently running (the path grows by `name`).
  TracedTensor call(const std::string& name, const Module& module, const std::vector<TracedTensor>& inputs);
  // Records one operation run by the current module (leaf modules record themselves; composites record
  // functional ops such as "add" or "flatten").
  TracedTensor record(std::string operation, const std::vector<TracedTensor>& inputs, Shape output,
                      std::map<std::string, std::string> attributes = {});
  const std::string& current_path() const { return path_; }
  const Module* current_module() const { return module_stack_.empty() ? nullptr : module_stack_.back(); }
  // Throws InvalidArgument "<path>: <message>" (a shape that cannot flow, found before any weight is read).
  [[noreturn]] void fail(const std::string& message) const;

  Graph finish(const TracedTensor& output);

 private:
  Graph graph_;
  TracedTensor input_;
  std::string path_;
  std::vector<const Module*> module_stack_;
};

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view type_name() const = 0;
  // Traced forward pass; most modules take one input.
  virtual TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const = 0;

  const std::vector<std::pair<std::string, std::unique_ptr<Module>>>& children() const { return children_; }
  // The child called `name`, or null.
  const Module* child(std::string_view name) const;

 protected:
  template <class M>
  M& add(std::string name, std::unique_ptr<M> module) {
    M& reference = *module;
    children_.emplace_back(std::move(name), std::move(module));
    return reference;
  }
  // Calls child `index` (in registration order) through the tracer.
  TracedTensor call_child(Tracer& tracer, size_t index, const TracedTensor& input) const;

 private:
  std::vector<std::pair<std::string, std::unique_ptr<Module>>> children_;
};

// Traces `model` on an input of `input_shape` (NCHW for vision models) and returns the graph.
Graph trace(const Module& model, const Shape& input_shape);

// The shape of every parameter and buffer the module tree's state dict holds, by key (PyTorch's names:
// "<path>.weight", ".bias", ".running_mean", ".running_var").
std::map<std::string, Shape> parameter_shapes(const Module& root);

struct Conv2dOptions {
  uint32_t in_channels = 0, out_channels = 0;
  std::array<uint32_t, 2> kernel_size{1, 1};
  std::array<uint32_t, 2> stride{1, 1};
  std::array<uint32_t, 2> padding{0, 0};
  std::array<uint32_t, 2> dilation{1, 1};
  uint32_t groups = 1;
  bool bias = true;
  std::string padding_mode = "zeros";
};

class Conv2d : public Module {
 public:
  explicit Conv2d(Conv2dOptions options);
  std::string_view type_name() const override { return "Conv2d"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
  const Conv2dOptions& options() const { return options_; }

 private:
  Conv2dOptions options_;
};

class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(uint32_t num_features, float eps = 1e-5f, bool track_running_stats = true)
      : num_features_(num_features), eps_(eps), track_running_stats_(track_running_stats) {}
  std::string_view type_name() const override { return "BatchNorm2d"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
  uint32_t num_features() const { return num_features_; }
  float eps() const { return eps_; }
  bool track_running_stats() const { return track_running_stats_; }

 private:
  uint32_t num_features_;
  float eps_;
  bool track_running_stats_;
};

// Element-wise activations and identity-like modules: the output has the input's shape.
class ReLU : public Module {
 public:
  std::string_view type_name() const override { return "ReLU"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
};
class ReLU6 : public Module {
 public:
  std::string_view type_name() const override { return "ReLU6"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
};
class Dropout : public Module {
 public:
  explicit Dropout(float p = 0.5f) : p_(p) {}
  std::string_view type_name() const override { return "Dropout"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;

 private:
  float p_;
};

class Linear : public Module {
 public:
  Linear(uint32_t in_features, uint32_t out_features, bool bias = true)
      : in_features_(in_features), out_features_(out_features), bias_(bias) {}
  std::string_view type_name() const override { return "Linear"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
  uint32_t in_features() const { return in_features_; }
  uint32_t out_features() const { return out_features_; }
  bool has_bias() const { return bias_; }

 private:
  uint32_t in_features_, out_features_;
  bool bias_;
};

struct MaxPool2dOptions {
  std::array<uint32_t, 2> kernel_size{2, 2};
  std::array<uint32_t, 2> stride{2, 2};
  std::array<uint32_t, 2> padding{0, 0};
  std::array<uint32_t, 2> dilation{1, 1};
  bool ceil_mode = false;
};

class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(MaxPool2dOptions options) : options_(options) {}
  std::string_view type_name() const override { return "MaxPool2d"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
  const MaxPool2dOptions& options() const { return options_; }

 private:
  MaxPool2dOptions options_;
};

// Only output size 1x1 (global average pooling), as the models here use it.
class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(std::array<uint32_t, 2> output_size = {1, 1});
  std::string_view type_name() const override { return "AdaptiveAvgPool2d"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
};

class Flatten : public Module {
 public:
  std::string_view type_name() const override { return "Flatten"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
};

// Children named "0", "1", ... run in order.
class Sequential : public Module {
 public:
  Sequential() = default;
  std::string_view type_name() const override { return "Sequential"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override;
  template <class M>
  M& append(std::unique_ptr<M> module) {
    return add(std::to_string(children().size()), std::move(module));
  }
};

}  // namespace ttnn::model
