// Module-argument inference (the seed's infer_ttnn_module_args): trace one forward pass and read, for
// every Conv2d and MaxPool2d, its hyper-parameters plus the batch size and input size it actually saw.
//
//   const ModuleArgs args = infer_module_args(model, Shape{1, 3, 224, 224});
//   const Conv2dArgs& c = args["features"][3]["conv"][1][0].conv2d();   // numeric names as integers too
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ttnn/memory_config.hpp"
#include "ttnn/model/module.hpp"
#include "ttnn/types.hpp"

namespace ttnn::model {

struct Conv2dArgs {
  uint32_t in_channels = 0, out_channels = 0;
  std::array<uint32_t, 2> kernel_size{1, 1}, stride{1, 1}, padding{0, 0}, dilation{1, 1};
  uint32_t groups = 1;
  std::string padding_mode = "zeros";
  bool bias = false;
  uint32_t batch_size = 0, input_height = 0, input_width = 0;
  uint32_t output_height = 0, output_width = 0;
  // Defaults as the seed's inference writes them; the model's configuration overrides them per layer.
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  DataType dtype = DataType::BFLOAT16;
  DataType weights_dtype = DataType::BFLOAT16;
  // The seed's rule for N*H*W vs C (see ttnn::select_shard_layout).
  TensorMemoryLayout shard_layout_hint = TensorMemoryLayout::HEIGHT_SHARDED;
  std::string module_path;
};

struct MaxPool2dArgs {
  std::array<uint32_t, 2> kernel_size{2, 2}, stride{2, 2}, padding{0, 0}, dilation{1, 1};
  uint32_t batch_size = 0, input_height = 0, input_width = 0, channels = 0;
  DataType dtype = DataType::BFLOAT16;
  std::string module_path;
};

// A nested dictionary: a leaf holds one module's args; an inner entry holds its children by name, and
// children with numeric names are reachable by integer too.
class ModuleArgs {
 public:
  ModuleArgs() = default;
  explicit ModuleArgs(Conv2dArgs args) : leaf_(std::move(args)) {}
  explicit ModuleArgs(MaxPool2dArgs args) : leaf_(std::move(args)) {}

  // Throws InvalidArgument naming the missing key and the keys that exist.
  const ModuleArgs& operator[](const std::string& name) const;
  const ModuleArgs& operator[](const char* name) const { return (*this)[std::string(name)]; }
  const ModuleArgs& operator[](int index) const;
  bool contains(const std::string& name) const { return children_.count(name) != 0; }
  std::vector<std::string> keys() const;

  bool is_conv2d() const { return std::holds_alternative<Conv2dArgs>(leaf_); }
  bool is_max_pool2d() const { return std::holds_alternative<MaxPool2dArgs>(leaf_); }
  const Conv2dArgs& conv2d() const;        // throws when this entry is not a Conv2d
  const MaxPool2dArgs& max_pool2d() const;  // throws when this entry is not a MaxPool2d

  // Internal: building the tree.
  ModuleArgs& child(const std::string& name);
  void set(std::variant<std::monostate, Conv2dArgs, MaxPool2dArgs> leaf) { leaf_ = std::move(leaf); }
  // Every leaf with its dotted path, in path order.
  std::vector<std::pair<std::string, const ModuleArgs*>> leaves() const;

 private:
  std::string path_;
  std::variant<std::monostate, Conv2dArgs, MaxPool2dArgs> leaf_;
  std::map<std::string, std::shared_ptr<ModuleArgs>> children_;
};

ModuleArgs infer_module_args(const Graph& graph);
ModuleArgs infer_module_args(const Module& model, const Shape& input_shape);

}  // namespace ttnn::model
