// create_model_parameters: trace, infer module args, attach weights, fold batch norms.
#include "ttnn/model/parameters.hpp"

#include <cmath>
#include <random>
#include <type_traits>

#include "core/check.hpp"

namespace ttnn::model {
namespace {

const HostArray& tensor(const StateDict& state_dict, const std::string& key, const Shape& expected) {
  check<FormatError>(state_dict.contains(key), "checkpoint: tensor '{}' is missing", key);
  const HostArray& array = state_dict.at(key);
  check<FormatError>(array.shape == expected, "checkpoint: tensor '{}' has shape {}, the model needs {}", key,
                     array.shape, expected);
  return array;
}

// The seed's fold_batch_norm2d_into_conv2d, in fp32: w' = w * gamma / sqrt(var + eps),
// b' = beta + (b - mean) * gamma / sqrt(var + eps).
void fold_batch_norm(ConvParameters& conv, const StateDict& state_dict, const std::string& path, float eps) {
  const uint32_t channels = conv.args.out_channels;
  const std::string mean_key = path + ".running_mean", var_key = path + ".running_var";
  check<FormatError>(state_dict.contains(mean_key) && state_dict.contains(var_key),
                     "BatchNorm2d '{}' has no running statistics ({} / {} missing): BatchNorm2d must have "
                     "track_running_stats=True to be folded into Conv2d '{}'",
                     path, mean_key, var_key, conv.args.module_path);
  const Shape shape{channels};
  const HostArray& mean = tensor(state_dict, mean_key, shape);
  const HostArray& var = tensor(state_dict, var_key, shape);
  const bool affine = state_dict.contains(path + ".weight");
  const std::vector<float> ones(channels, 1.0f), zeros(channels, 0.0f);
  const std::vector<float>& gamma = affine ? tensor(state_dict, path + ".weight", shape).values : ones;
  const std::vector<float>& beta = affine ? tensor(state_dict, path + ".bias", shape).values : zeros;
  const size_t per_channel = conv.weight.values.size() / channels;
  for (uint32_t c = 0; c < channels; ++c) {
    const float scale = gamma[c] / std::sqrt(var.values[c] + eps);
    for (size_t i = 0; i < per_channel; ++i) conv.weight.values[c * per_channel + i] *= scale;
    conv.bias.values[c] = beta[c] + (conv.bias.values[c] - mean.values[c]) * scale;
  }
  conv.batch_norm_path = path;
}

const BatchNorm2d* find_module(const Module& root, const std::string& path) {
  const Module* module = &root;
  size_t start = 0;
  while (module && start <= path.size()) {
    const size_t dot = path.find('.', start);
    module = module->child(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return dynamic_cast<const BatchNorm2d*>(module);
}

}  // namespace

StateDict random_state_dict(const Module& module, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  StateDict state_dict;
  for (const auto& [key, shape] : parameter_shapes(module)) {
    std::vector<float> values(shape.volume());
    const bool weight = key.ends_with(".weight");
    const float fan_in = shape.rank() > 1 ? float(shape.volume() / shape[0]) : 1.0f;
    for (float& v : values) {
      if (key.ends_with(".running_var")) v = 1.0f;
      else if (weight && shape.rank() == 1) v = 1.0f + 0.1f * normal(rng);  // batch-norm gamma
      else if (weight) v = normal(rng) / std::sqrt(fan_in);
      else v = 0.1f * normal(rng);  // biases and running means
    }
    state_dict.insert(key, HostArray{shape, std::move(values)});
  }
  return state_dict;
}

namespace {

// The weights a model takes from the dict: copied from a const one, moved out of one given away.
template <class Dict>
HostArray weight_array(Dict& state_dict, const std::string& key, const Shape& expected) {
  const HostArray& array = tensor(state_dict, key, expected);
  if constexpr (std::is_const_v<Dict>) return array;
  else return state_dict.take(key);
}

template <class Dict>
ModelParameters build_parameters(std::shared_ptr<const Module> module, Dict& state_dict, const Shape& input_shape) {
  check(module != nullptr, "create_model_parameters: no module");
  ModelParameters parameters;
  parameters.module = module;
  parameters.input_shape = input_shape;
  parameters.graph = trace(*module, input_shape);
  parameters.module_args = infer_module_args(parameters.graph);
  const Graph& graph = parameters.graph;

  for (const auto& [path, entry] : parameters.module_args.leaves()) {
    if (!entry->is_conv2d() || parameters.convs.count(path)) continue;
    const Conv2dArgs& args = entry->conv2d();
    ConvParameters conv;
    conv.args = args;
    conv.weight = weight_array(state_dict, path + ".weight",
                               Shape{args.out_channels, args.in_channels / args.groups, args.kernel_size[0], args.kernel_size[1]});
    conv.bias = args.bias ? weight_array(state_dict, path + ".bias", Shape{args.out_channels})
                          : HostArray{Shape{args.out_channels}, std::vector<float>(args.out_channels, 0.0f)};
    parameters.convs.emplace(path, std::move(conv));
  }

  for (size_t index = 0; index < graph.nodes.size(); ++index) {
    const GraphNode& node = graph.nodes[index];
    if (node.operation == "Linear" && !parameters.linears.count(node.module_path)) {
      const uint32_t in = uint32_t(std::stoul(node.attributes.at("in_features")));
      const uint32_t out = uint32_t(std::stoul(node.attributes.at("out_features")));
      LinearParameters linear;
      linear.weight = weight_array(state_dict, node.module_path + ".weight", Shape{out, in});
      if (state_dict.contains(node.module_path + ".bias"))
        linear.bias = weight_array(state_dict, node.module_path + ".bias", Shape{out});
      parameters.linears.emplace(node.module_path, std::move(linear));
    }
    if (node.operation != "BatchNorm2d") continue;
    const size_t source = node.in_edges.at(0).source_node;
    const GraphNode& producer = graph.nodes[source];
    check<Unsupported>(producer.operation == "Conv2d" && graph.consumers(source).size() == 1,
                       "BatchNorm2d '{}' does not directly follow a Conv2d it alone consumes; only foldable batch "
                       "norms are supported",
                       node.module_path);
    const BatchNorm2d* bn = find_module(*module, node.module_path);
    check(bn != nullptr, "BatchNorm2d '{}' not found in the module tree", node.module_path);
    check(bn->track_running_stats(), "BatchNorm2d '{}' must have track_running_stats=True to be folded into Conv2d",
          node.module_path);
    ConvParameters& conv = parameters.convs.at(producer.module_path);
    if (conv.batch_norm_path.empty()) fold_batch_norm(conv, state_dict, node.module_path, bn->eps());
  }
  return parameters;
}

}  // namespace

ModelParameters create_model_parameters(std::shared_ptr<const Module> module, const StateDict& state_dict,
                                        const Shape& input_shape) {
  return build_parameters(std::move(module), state_dict, input_shape);
}

ModelParameters create_model_parameters(std::shared_ptr<const Module> module, StateDict&& state_dict,
                                        const Shape& input_shape) {
  return build_parameters(std::move(module), state_dict, input_shape);
}

}  // namespace ttnn::model
