#include "ttnn/model/module_args.hpp"

#include <sstream>

#include "core/check.hpp"
#include "ops/conv2d/sharding.hpp"

namespace ttnn::model {
namespace {

std::array<uint32_t, 2> parse_pair(const std::map<std::string, std::string>& attributes, const std::string& key) {
  std::array<uint32_t, 2> values{0, 0};
  std::sscanf(attributes.at(key).c_str(), "(%u, %u)", &values[0], &values[1]);
  return values;
}

Conv2dArgs conv2d_args(const GraphNode& node) {
  const auto& a = node.attributes;
  Conv2dArgs args;
  args.in_channels = uint32_t(std::stoul(a.at("in_channels")));
  args.out_channels = uint32_t(std::stoul(a.at("out_channels")));
  args.kernel_size = parse_pair(a, "kernel_size");
  args.stride = parse_pair(a, "stride");
  args.padding = parse_pair(a, "padding");
  args.dilation = parse_pair(a, "dilation");
  args.groups = uint32_t(std::stoul(a.at("groups")));
  args.bias = a.at("bias") == "True";
  args.padding_mode = a.at("padding_mode");
  const Shape& input = node.input_shapes.at(0);
  const Shape& output = node.shapes.at(0);
  args.batch_size = input[0];
  args.input_height = input[-2];
  args.input_width = input[-1];
  args.output_height = output[-2];
  args.output_width = output[-1];
  args.shard_layout_hint =
      select_shard_layout(uint64_t(output[0]) * output[2] * output[3], std::max(args.in_channels, args.out_channels));
  args.module_path = node.module_path;
  return args;
}

MaxPool2dArgs max_pool2d_args(const GraphNode& node) {
  const auto& a = node.attributes;
  MaxPool2dArgs args;
  args.kernel_size = parse_pair(a, "kernel_size");
  args.stride = parse_pair(a, "stride");
  args.padding = parse_pair(a, "padding");
  args.dilation = parse_pair(a, "dilation");
  const Shape& input = node.input_shapes.at(0);
  args.batch_size = input[0];
  args.channels = input[1];
  args.input_height = input[-2];
  args.input_width = input[-1];
  args.module_path = node.module_path;
  return args;
}

}  // namespace

const ModuleArgs& ModuleArgs::operator[](const std::string& name) const {
  const auto it = children_.find(name);
  if (it == children_.end()) {
    std::string known;
    for (const auto& [key, unused] : children_) known += (known.empty() ? "" : ", ") + key;
    fail("ModuleArgs: '{}' has no entry '{}' (entries: {})", path_.empty() ? "<model>" : path_, name,
         known.empty() ? "none" : known);
  }
  return *it->second;
}

const ModuleArgs& ModuleArgs::operator[](int index) const { return (*this)[std::to_string(index)]; }

std::vector<std::string> ModuleArgs::keys() const {
  std::vector<std::string> keys;
  for (const auto& [key, unused] : children_) keys.push_back(key);
  return keys;
}

const Conv2dArgs& ModuleArgs::conv2d() const {
  check(is_conv2d(), "ModuleArgs: '{}' is not a Conv2d", path_);
  return std::get<Conv2dArgs>(leaf_);
}

const MaxPool2dArgs& ModuleArgs::max_pool2d() const {
  check(is_max_pool2d(), "ModuleArgs: '{}' is not a MaxPool2d", path_);
  return std::get<MaxPool2dArgs>(leaf_);
}

ModuleArgs& ModuleArgs::child(const std::string& name) {
  auto& slot = children_[name];
  if (!slot) {
    slot = std::make_shared<ModuleArgs>();
    slot->path_ = path_.empty() ? name : path_ + "." + name;
  }
  return *slot;
}

std::vector<std::pair<std::string, const ModuleArgs*>> ModuleArgs::leaves() const {
  std::vector<std::pair<std::string, const ModuleArgs*>> result;
  if (!std::holds_alternative<std::monostate>(leaf_)) result.emplace_back(path_, this);
  for (const auto& [key, child] : children_) {
    auto nested = child->leaves();
    result.insert(result.end(), nested.begin(), nested.end());
  }
  return result;
}

ModuleArgs infer_module_args(const Graph& graph) {
  ModuleArgs root;
  for (const GraphNode& node : graph.nodes) {
    const bool conv = node.operation == "Conv2d", pool = node.operation == "MaxPool2d";
    if (!conv && !pool) continue;
    ModuleArgs* entry = &root;
    std::stringstream parts(node.module_path);
    for (std::string part; std::getline(parts, part, '.');) entry = &entry->child(part);
    // A module called twice keeps the args of its first call, as a dictionary keyed by module would.
    if (entry->is_conv2d() || entry->is_max_pool2d()) continue;
    if (conv) entry->set(conv2d_args(node));
    else entry->set(max_pool2d_args(node));
  }
  return root;
}

ModuleArgs infer_module_args(const Module& model, const Shape& input_shape) {
  return infer_module_args(trace(model, input_shape));
}

}  // namespace ttnn::model
