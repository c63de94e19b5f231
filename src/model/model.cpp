// Lowering a traced graph to ops and running it.
#include "ttnn/model/model.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "model/image_input.hpp"
#include "model/lowered_step.hpp"
#include "model/planned_pass.hpp"
#include "ops/matmul/matmul_plan.hpp"
#include "ops/conv2d/sharding.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/operations/eltwise.hpp"
#include "ttnn/operations/matmul.hpp"
#include "ttnn/operations/pool.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn::model {
namespace {

constexpr uint32_t kTtMetalInputChannels = 16;

// [out, in, kh, kw] weights with zero input channels appended up to `channels`.
std::vector<float> pad_input_channels(const std::vector<float>& weights, const Shape& shape, uint32_t channels) {
  const uint32_t out = shape[0], in = shape[1], taps = shape[2] * shape[3];
  std::vector<float> padded(size_t(out) * channels * taps, 0.0f);
  for (uint32_t o = 0; o < out; ++o)
    std::copy_n(weights.begin() + size_t(o) * in * taps, size_t(in) * taps, padded.begin() + size_t(o) * channels * taps);
  return padded;
}

uint64_t conv_multiply_adds(const model::Conv2dArgs& a) {
  return uint64_t(a.batch_size) * a.output_height * a.output_width * a.out_channels * (a.in_channels / a.groups) *
         a.kernel_size[0] * a.kernel_size[1];
}

}  // namespace

void ModelConfig::validate_overrides(const ModelParameters& parameters) const {
  for (const auto& [path, override_] : overrides)
    check(parameters.convs.count(path) || parameters.linears.count(path),
          "model config: override for '{}', which is not a Conv2d or Linear of the model", path);
}

struct Model::Impl {
  ModelParameters parameters;
  Device& device;
  ModelConfig config;
  std::vector<Step> steps;
  std::vector<ModelStep> infos;
  std::vector<size_t> last_use;  // per node: index of the last step reading it
  Conv2dOpCache conv_cache;      // the seed's conv_op_cache, shared by the model's convs
  Numerics numerics;
  // tt_metal feeds the image as TT-NN's model does: bfloat16, channels zero-padded to 16 (when every
  // consumer of the input is a conv, whose weights get zero rows to match).
  uint32_t input_channels = 0;

  Impl(ModelParameters p, Device& d, ModelConfig c)
      : parameters(std::move(p)), device(d), config(std::move(c)), numerics(config.numerics.value_or(d.numerics())) {
    config.validate_overrides(parameters);
    input_channels = parameters.input_shape[1];
    const auto consumers = parameters.graph.consumers(0);
    const bool only_convs = !consumers.empty() && std::all_of(consumers.begin(), consumers.end(), [&](size_t node) {
      const GraphNode& consumer = parameters.graph.nodes[node];
      return consumer.operation == "Conv2d" && parameters.convs.at(consumer.module_path).args.groups == 1;
    });
    if (numerics == Numerics::tt_metal && only_convs && input_channels < kTtMetalInputChannels)
      input_channels = kTtMetalInputChannels;
    lower();  // releases the host weights as it goes
  }

  LayerOverride layer(const std::string& path) const {
    const auto it = config.overrides.find(path);
    return it == config.overrides.end() ? LayerOverride{} : it->second;
  }

  void lower() {
    const Graph& graph = parameters.graph;
    std::vector<size_t> alias(graph.nodes.size());
    for (size_t i = 0; i < graph.nodes.size(); ++i) alias[i] = i;
    std::vector<bool> absorbed(graph.nodes.size(), false);
    // A module's host weights go once its last call is lowered (prepared on the device): the model never
    // holds the checkpoint and its prepared form whole at once.
    std::map<std::string, size_t> calls_left;
    for (const GraphNode& node : graph.nodes)
      if (node.operation == "Conv2d" || node.operation == "Linear") ++calls_left[node.module_path];
    const auto lowered = [&](const GraphNode& node) {
      if (--calls_left[node.module_path] > 0) return;
      const auto release = [](HostArray& array) { std::vector<float>().swap(array.values); };
      if (auto conv = parameters.convs.find(node.module_path); conv != parameters.convs.end()) {
        release(conv->second.weight);
        release(conv->second.bias);
      }
      if (auto linear = parameters.linears.find(node.module_path); linear != parameters.linears.end()) {
        release(linear->second.weight);
        if (linear->second.bias) release(*linear->second.bias);
      }
    };

    // Weights (conv and linear) are prepared once every step is lowered, in one region: each of the
    // device's threads takes the largest left, so no thread idles while another finishes a big one, and a
    // module's raw weights go as soon as its last call is prepared.
    std::vector<size_t> unprepared;  // steps
    for (size_t index = 1; index < graph.nodes.size(); ++index) {
      if (absorbed[index]) continue;
      const GraphNode& node = graph.nodes[index];
      Step step;
      step.node = index;
      step.info.module_path = node.module_path;
      for (const GraphEdge& edge : node.in_edges) step.inputs.push_back(alias[edge.source_node]);
      const std::string& op = node.operation;
      if (op == "Conv2d") {
        lower_conv(step, index, absorbed, alias);
        unprepared.push_back(steps.size());
      } else if (op == "BatchNorm2d") {
        fail<Unsupported>("model: BatchNorm2d '{}' does not follow a Conv2d and cannot be folded", node.module_path);
      } else if (op == "ReLU" || op == "ReLU6") {
        step.kind = op == "ReLU" ? StepKind::relu : StepKind::relu6;
        step.info.op = op == "ReLU" ? "relu" : "relu6";
      } else if (op == "add") {
        step.kind = StepKind::add;
        step.info.op = "add";
      } else if (op == "AdaptiveAvgPool2d" || op == "adaptive_avg_pool2d") {
        step.kind = StepKind::global_avg_pool2d;
        step.info.op = "global_avg_pool2d";
      } else if (op == "Flatten" || op == "flatten") {
        step.kind = StepKind::flatten;
        step.info.op = "reshape";
      } else if (op == "Dropout") {
        alias[index] = step.inputs.at(0);  // inference: identity
        continue;
      } else if (op == "Linear") {
        lower_linear(step, node);
        unprepared.push_back(steps.size());
      } else if (op == "MaxPool2d") {
        step.kind = StepKind::max_pool2d;
        step.info.op = "max_pool2d";
      } else {
        fail<Unsupported>("model: operation '{}' at '{}' has no lowering", op, node.module_path);
      }
      alias[index] = index;
      steps.push_back(std::move(step));
    }
    const auto weight_count = [&](size_t s) {
      const GraphNode& node = graph.nodes[steps[s].node];
      const auto conv = parameters.convs.find(node.module_path);
      return conv != parameters.convs.end() ? conv->second.weight.values.size()
                                            : parameters.linears.at(node.module_path).weight.values.size();
    };
    std::stable_sort(unprepared.begin(), unprepared.end(),
                     [&](size_t a, size_t b) { return weight_count(a) > weight_count(b); });
    std::mutex releasing;
    device.run_parallel(unprepared.size(), [&](size_t i) {
      Step& step = steps[unprepared[i]];
      if (step.kind == StepKind::linear) prepare_linear(step);
      else prepare(step);
      const std::lock_guard lock(releasing);
      lowered(graph.nodes[step.node]);
    });
    alias_output = alias[graph.output_node];
    last_use.assign(graph.nodes.size(), SIZE_MAX);
    for (size_t s = 0; s < steps.size(); ++s)
      for (size_t input : steps[s].inputs) last_use[input] = s;
    for (const Step& step : steps) infos.push_back(step.info);
  }

  void lower_conv(Step& step, size_t index, std::vector<bool>& absorbed, std::vector<size_t>& alias) {
    const Graph& graph = parameters.graph;
    const GraphNode& node = graph.nodes[index];
    const ConvParameters& conv = parameters.convs.at(node.module_path);
    const model::Conv2dArgs& a = conv.args;
    check<Unsupported>(a.padding_mode == "zeros", "model: Conv2d '{}' pads with '{}'; conv2d pads with zeros only",
                       node.module_path, a.padding_mode);
    step.kind = StepKind::conv2d;
    step.info.op = "conv2d";
    // Fold the batch norm and fuse the activation that alone consume this conv's output.
    size_t tail = index;
    for (const char* follower : {"BatchNorm2d", "ReLU6", "ReLU"}) {
      const auto consumers = graph.consumers(tail);
      if (consumers.size() != 1 || graph.nodes[consumers[0]].operation != follower) continue;
      if (std::string(follower) == "BatchNorm2d" && conv.batch_norm_path != graph.nodes[consumers[0]].module_path) continue;
      tail = consumers[0];
      absorbed[tail] = true;
      alias[tail] = index;
      step.info.fused.push_back(graph.nodes[tail].module_path);
      if (std::string(follower) != "BatchNorm2d") {
        step.activation = std::string(follower) == "ReLU6" ? "relu6" : "relu";
        break;
      }
    }
    const LayerOverride o = layer(node.module_path);
    step.info.dtype = o.dtype.value_or(config.dtype);
    step.info.weights_dtype = o.weights_dtype.value_or(config.weights_dtype);
    step.info.math_fidelity = o.math_fidelity.value_or(config.math_fidelity);
    step.info.shard_layout = o.shard_layout.value_or(a.shard_layout_hint == TensorMemoryLayout::HEIGHT_SHARDED
                                                         ? TensorMemoryLayout::HEIGHT_SHARDED
                                                         : TensorMemoryLayout::BLOCK_SHARDED);
    step.info.multiply_adds = conv_multiply_adds(a);

    ttnn::Conv2dArgs& call = step.conv;
    // The checkpoint's values go to preparation as they are (views, not copies): prepare_lowered() makes
    // the prepared form before they are released.
    call.weight_tensor = host_view(conv.weight.values, conv.weight.shape);
    call.in_channels = a.in_channels;
    const bool reads_input = graph.nodes[index].in_edges.at(0).source_node == 0;
    if (reads_input && input_channels != a.in_channels) {
      const Shape& shape = conv.weight.shape;
      step.padded_weights = pad_input_channels(conv.weight.values, shape, input_channels);
      call.weight_tensor = host_view(step.padded_weights, Shape{shape[0], input_channels, shape[2], shape[3]});
      call.in_channels = input_channels;
    }
    call.bias_tensor = host_view(conv.bias.values, conv.bias.shape);
    call.device = &device;
    call.out_channels = a.out_channels;
    call.batch_size = a.batch_size;
    call.input_height = a.input_height;
    call.input_width = a.input_width;
    call.kernel_size = a.kernel_size;
    call.stride = a.stride;
    call.padding = Padding2d(a.padding[0], a.padding[1]);
    call.dilation = a.dilation;
    call.groups = a.groups;
    call.conv_config.dtype = step.info.dtype;
    call.conv_config.weights_dtype = step.info.weights_dtype;
    call.conv_config.shard_layout = step.info.shard_layout;
    call.conv_config.activation = step.activation;
    call.compute_config = init_device_compute_kernel_config(step.info.math_fidelity);
    if (config.numerics) call.compute_config->numerics = config.numerics;
    call.conv_op_cache = &conv_cache;
  }

  // Prepares a lowered conv's weights (they are views of the checkpoint's values until then).
  static void prepare(Step& step) {
    const Conv2dPreparedWeights prepared = prepare_conv_weights(step.conv);
    step.conv.weight_tensor = prepared.weight_tensor;
    step.conv.bias_tensor = prepared.bias_tensor;
    std::vector<float>().swap(step.padded_weights);
  }

  void lower_linear(Step& step, const GraphNode& node) {
    const LinearParameters& p = parameters.linears.at(node.module_path);
    step.kind = StepKind::linear;
    step.info.op = "linear";
    const LayerOverride o = layer(node.module_path);
    step.info.dtype = o.dtype.value_or(config.logits_dtype);
    // TT-NN's model keeps the classifier's weights in float32 (the fidelity still truncates them).
    const DataType weights_default = numerics == Numerics::tt_metal ? DataType::FLOAT32 : config.weights_dtype;
    step.info.weights_dtype = o.weights_dtype.value_or(weights_default);
    step.info.math_fidelity = o.math_fidelity.value_or(config.math_fidelity);
    const uint32_t out = p.weight.shape[0], in = p.weight.shape[1];
    step.info.multiply_adds = uint64_t(node.input_shapes.at(0)[0]) * in * out;
    step.linear_options.dtype = step.info.dtype;
    step.linear_options.compute_kernel_config = init_device_compute_kernel_config(step.info.math_fidelity);
    if (config.numerics) step.linear_options.compute_kernel_config->numerics = config.numerics;
  }

  // A lowered linear's weights on the device, as TT-NN's linear takes them: [in, out].
  void prepare_linear(Step& step) {
    const LinearParameters& p = parameters.linears.at(graph_node(step).module_path);
    const uint32_t out = p.weight.shape[0], in = p.weight.shape[1];
    std::vector<float> transposed(p.weight.values.size());
    for (uint32_t r = 0; r < out; ++r)
      for (uint32_t c = 0; c < in; ++c) transposed[size_t(c) * out + r] = p.weight.values[size_t(r) * in + c];
    step.linear_weight = from_host(transposed, Shape{in, out}, step.info.weights_dtype, Layout::TILE, &device);
    if (p.bias) step.linear_bias = from_host(p.bias->values, Shape{1, out});
    prepare_matmul_weights(step.linear_weight, step.linear_options, "linear");
  }

  const GraphNode& graph_node(const Step& step) const { return parameters.graph.nodes[step.node]; }

  size_t alias_output = 0;

  void check_input(std::span<const float> nchw) const {
    const Shape& shape = parameters.input_shape;
    check(nchw.size() == shape.volume(), "model: input has {} values, the model was traced for {} = {}", nchw.size(),
          shape, shape.volume());
  }

  // The image as the first op reads it. accurate: ROW_MAJOR rows (3 channels fill 3/32 of a tile, so a tiled
  // bfloat8_b image is 34 bytes a pixel against 6 for bfloat16 rows, and loses precision besides), float32
  // for float32 configurations, else bfloat16. tt_metal: bfloat16 tiles, as TT-NN's model feeds it, with
  // the channels zero-padded to input_channels.
  Tensor input_tensor(std::span<const float> nchw) const {
    check_input(nchw);
    const Shape& shape = parameters.input_shape;
    const uint64_t pixels = uint64_t(shape[0]) * shape[2] * shape[3];
    TensorSpec spec{Shape{1, 1, uint32_t(pixels), input_channels}, DataType::BFLOAT16, Layout::TILE, L1_MEMORY_CONFIG};
    if (numerics == Numerics::accurate) {
      spec.layout = Layout::ROW_MAJOR;
      if (config.dtype == DataType::FLOAT32) spec.dtype = DataType::FLOAT32;
    }
    profiler::OpScope profile("from_host", {});
    Tensor tensor = allocate_tensor(spec, &device, "model input");
    write_nchw_image(nchw, shape, BufferLayout::of(spec, "model input"), tensor.bytes("model input"), device);
    return profile.output(tensor);
  }

  Tensor run_conv(Step& step, const Tensor& input, bool last_use_of_input) {
    step.conv.input_tensor = input;
    step.conv.conv_config.deallocate_activation = config.deallocate_activations && last_use_of_input;
    step.conv.memory_config = step.fallback_memory;
    Conv2dResult result;
    try {
      result = conv2d(step.conv);
    } catch (const OutOfMemory&) {
      if (step.fallback_memory || !input.is_allocated()) throw;
      step.fallback_memory = DRAM_MEMORY_CONFIG;  // DRAM slicing: the output lives in DRAM from now on
      step.conv.memory_config = step.fallback_memory;
      result = conv2d(step.conv);
    }
    step.conv.weight_tensor = result.weight_tensor;  // prepared: later runs prepare nothing
    step.conv.bias_tensor = result.bias_tensor;
    step.conv.input_tensor = Tensor();
    return result.output;
  }

  // The first pass runs op by op and leaves behind the planned pass that later ones run (without an
  // observer, which may keep tensors the arena would overwrite).
  std::vector<float> run(std::span<const float> nchw, const StepObserver& observer) {
    if (planned && !observer) {
      std::vector<float> output(planned->output_volume());
      run_planned(nchw, output);
      return output;
    }
    std::vector<float> output = run_op_by_op(nchw, observer);
    if (!planned && !observer && config.plan) {  // kept only once it is complete
      auto plan = std::make_unique<PlannedPass>(parameters.graph, steps, specs, alias_output, device,
                                                config.fuse_convs);
      plan->prepare_threads(nchw, parameters.input_shape);
      planned = std::move(plan);
    }
    return output;
  }

  void run_planned(std::span<const float> nchw, std::span<float> output) const {
    check_input(nchw);
    planned->run(nchw, parameters.input_shape, output);
  }

  std::unique_ptr<PlannedPass> planned;
  std::vector<std::optional<TensorSpec>> specs;  // per graph node, from the first pass

  std::vector<float> run_op_by_op(std::span<const float> nchw, const StepObserver& observer) {
    const Graph& graph = parameters.graph;
    std::vector<Tensor> values(graph.nodes.size());
    specs.assign(graph.nodes.size(), std::nullopt);
    values[0] = input_tensor(nchw);
    specs[0] = values[0].spec();
    for (size_t s = 0; s < steps.size(); ++s) {
      Step& step = steps[s];
      const GraphNode& node = graph.nodes[step.node];
      const Tensor& input = values[step.inputs.at(0)];
      const profiler::ModuleScope profile(step.info.module_path);  // names the step's ops in profiler records
      Tensor output;
      switch (step.kind) {
        case StepKind::conv2d: output = run_conv(step, input, last_use[step.inputs[0]] == s); break;
        case StepKind::add: output = add(input, values[step.inputs.at(1)]); break;
        case StepKind::relu: output = relu(input); break;
        case StepKind::relu6: output = relu6(input); break;
        case StepKind::global_avg_pool2d: {
          const Shape& in = node.input_shapes.at(0);  // NCHW
          output = global_avg_pool2d(input, in[0], in[2], in[3]);  // [1, 1, N, C]
          break;
        }
        case StepKind::flatten: output = reshape(input, Shape{node.shapes[0][0], node.shapes[0][1]}); break;
        case StepKind::linear: output = linear(input, step.linear_weight, step.linear_bias, step.linear_options); break;
        case StepKind::max_pool2d: fail<Unsupported>("model: MaxPool2d '{}' is not lowered yet", node.module_path);
        case StepKind::identity: output = input; break;
      }
      values[step.node] = output;
      specs[step.node] = output.spec();
      if (observer) observer(s, step.info, output);
      if (!config.deallocate_activations) continue;
      for (size_t value : step.inputs) {
        Tensor& dead = values[value];
        // A free reshape hands its input's buffer on: that buffer is still alive as this step's output.
        const bool aliased = dead.buffer() == output.buffer();
        if (last_use[value] == s && !aliased && dead.is_allocated() && value != alias_output) deallocate(dead);
      }
    }
    return to_host(values[alias_output]);
  }
};

Model::Model(ModelParameters parameters, Device& device, ModelConfig config)
    : impl_(std::make_unique<Impl>(std::move(parameters), device, std::move(config))) {}
Model::~Model() = default;
Model::Model(Model&&) noexcept = default;

std::vector<float> Model::run(std::span<const float> nchw_input, const StepObserver& observer) {
  return impl_->run(nchw_input, observer);
}

void Model::run(std::span<const float> nchw_input, std::span<float> output) {
  if (impl_->planned) return impl_->run_planned(nchw_input, output);
  const std::vector<float> result = impl_->run(nchw_input, {});  // the first pass (and the planning)
  check(output.size() == result.size(), "model: output has room for {} values, the model gives {}", output.size(),
        result.size());
  std::copy(result.begin(), result.end(), output.begin());
}

MemoryPlan Model::memory_plan() const {
  if (!impl_->planned) return {};
  return {true, impl_->planned->arena_bytes(), impl_->planned->activation_bytes(), impl_->planned->peak_live_bytes()};
}
const ModelParameters& Model::parameters() const { return impl_->parameters; }
const std::vector<ModelStep>& Model::steps() const { return impl_->infos; }
const std::vector<ModelStep>& Model::planned_steps() const {
  return impl_->planned ? impl_->planned->steps() : impl_->infos;
}
const ModelConfig& Model::config() const { return impl_->config; }

}  // namespace ttnn::model
