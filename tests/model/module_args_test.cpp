// Module-argument inference (the seed's infer_ttnn_module_args) against what torch's forward hooks report
// (oracle op "module_args"): torchvision's MobileNetV2, and a second model with nested Sequentials, MaxPool2d,
// numeric names and a user-defined composite, each traced at 1x3x224x224 and at 3x3x160x192.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/oracle.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/model/module_args.hpp"
#include "ttnn/model/parameters.hpp"

namespace ttnn::test {
namespace {

using nlohmann::json;
using namespace ttnn::model;

Conv2dOptions conv_options(uint32_t in, uint32_t out, std::array<uint32_t, 2> kernel, std::array<uint32_t, 2> stride,
                           std::array<uint32_t, 2> padding, bool bias, std::array<uint32_t, 2> dilation = {1, 1},
                           uint32_t groups = 1) {
  Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.kernel_size = kernel;
  o.stride = stride;
  o.padding = padding;
  o.dilation = dilation;
  o.groups = groups;
  o.bias = bias;
  return o;
}

// generate.py's _NestedBlock: conv = Sequential(Sequential(Conv2d k3, BatchNorm2d, ReLU), Conv2d k(1, 3));
// shortcut = Conv2d k1 when the shape changes; relu(conv(x) + shortcut(x) or x), conv first.
class NestedBlock : public Module {
 public:
  NestedBlock(uint32_t in, uint32_t out, uint32_t stride) : has_shortcut_(stride != 1 || in != out) {
    auto inner = std::make_unique<Sequential>();
    inner->append(std::make_unique<Conv2d>(conv_options(in, out, {3, 3}, {stride, stride}, {1, 1}, false)));
    inner->append(std::make_unique<BatchNorm2d>(out));
    inner->append(std::make_unique<ReLU>());
    auto conv = std::make_unique<Sequential>();
    conv->append(std::move(inner));
    conv->append(std::make_unique<Conv2d>(conv_options(out, out, {1, 3}, {1, 1}, {0, 1}, true)));
    add("conv", std::move(conv));
    if (has_shortcut_) add("shortcut", std::make_unique<Conv2d>(conv_options(in, out, {1, 1}, {stride, stride}, {0, 0}, false)));
    add("relu", std::make_unique<ReLU>());
  }
  std::string_view type_name() const override { return "NestedBlock"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override {
    const TracedTensor& x = inputs.at(0);
    const TracedTensor out = call_child(tracer, 0, x);
    const TracedTensor skip = has_shortcut_ ? call_child(tracer, 1, x) : x;
    if (!(out.shape == skip.shape))
      tracer.fail("cannot add " + to_string(out.shape) + " and " + to_string(skip.shape));
    const TracedTensor sum = tracer.record("add", {out, skip}, out.shape);
    return call_child(tracer, has_shortcut_ ? 2 : 1, sum);
  }

 private:
  bool has_shortcut_;
};

// generate.py's _NestedNet. `second_block_in` != 16 declares a wrong input channel count for features.1.1.
class NestedNet : public Module {
 public:
  explicit NestedNet(uint32_t num_classes = 10, uint32_t second_block_in = 16) {
    auto stem = std::make_unique<Sequential>();
    stem->append(std::make_unique<Conv2d>(conv_options(3, 16, {5, 5}, {2, 2}, {2, 2}, false)));
    stem->append(std::make_unique<BatchNorm2d>(16));
    stem->append(std::make_unique<ReLU>());
    stem->append(std::make_unique<MaxPool2d>(MaxPool2dOptions{{3, 3}, {2, 2}, {1, 1}, {1, 1}, false}));
    auto blocks = std::make_unique<Sequential>();
    blocks->append(std::make_unique<NestedBlock>(16, 16, 1));
    blocks->append(std::make_unique<NestedBlock>(second_block_in, 32, 2));
    auto features = std::make_unique<Sequential>();
    features->append(std::move(stem));
    features->append(std::move(blocks));
    features->append(std::make_unique<Conv2d>(conv_options(32, 48, {3, 3}, {1, 1}, {2, 2}, true, {2, 2}, 4)));
    features->append(std::make_unique<MaxPool2d>(MaxPool2dOptions{{2, 3}, {2, 1}, {0, 1}, {1, 2}, false}));
    add("features", std::move(features));
    add("pool", std::make_unique<AdaptiveAvgPool2d>());
    add("flatten", std::make_unique<Flatten>());
    add("fc", std::make_unique<Linear>(48, num_classes));
  }
  std::string_view type_name() const override { return "NestedNet"; }
  TracedTensor forward(Tracer& tracer, const std::vector<TracedTensor>& inputs) const override {
    TracedTensor x = inputs.at(0);
    for (size_t i = 0; i < children().size(); ++i) x = call_child(tracer, i, x);
    return x;
  }
};

Shape shape_of(const json& dims) {
  std::vector<uint32_t> values;
  for (const auto& d : dims) values.push_back(d.get<uint32_t>());
  return Shape(values);
}

std::array<uint32_t, 2> pair_of(const json& value) { return {value[0].get<uint32_t>(), value[1].get<uint32_t>()}; }

// Looks a dotted path up one component at a time, as a user of the nested dictionary would.
const ModuleArgs& lookup(const ModuleArgs& root, const std::string& path) {
  const ModuleArgs* entry = &root;
  std::stringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) entry = &(*entry)[part];
  return *entry;
}

std::unique_ptr<Module> build(const OracleCase& oracle) {
  const json& p = oracle.params;
  if (p["model"] == "mobilenet_v2")
    return std::make_unique<MobileNetV2Module>(p["width_mult"].get<float>(), p["num_classes"].get<uint32_t>());
  if (p["model"] == "nested_net") return std::make_unique<NestedNet>(p["num_classes"].get<uint32_t>());
  ADD_FAILURE() << oracle.name << ": unknown model " << p["model"];
  return nullptr;
}

// Compares every Conv2d and MaxPool2d of one oracle case with the inferred args and the traced graph.
void check_case(const OracleCase& oracle) {
  SCOPED_TRACE(oracle.name);
  const json& p = oracle.params;
  const std::unique_ptr<Module> module = build(oracle);
  ASSERT_TRUE(module);
  const Shape input = shape_of(p["input_shape"]);
  const Graph graph = trace(*module, input);
  const ModuleArgs args = infer_module_args(graph);
  EXPECT_EQ(graph.nodes.at(graph.output_node).shapes.at(0), shape_of(p["output_shape"]));

  // The graph holds the same calls, in torch's order, with the shapes torch saw.
  std::vector<const GraphNode*> convs, pools;
  for (const GraphNode& node : graph.nodes) {
    if (node.operation == "Conv2d") convs.push_back(&node);
    if (node.operation == "MaxPool2d") pools.push_back(&node);
  }
  ASSERT_EQ(convs.size(), p["convs"].size());
  ASSERT_EQ(pools.size(), p["max_pools"].size());
  EXPECT_EQ(args.leaves().size(), convs.size() + pools.size());

  for (size_t i = 0; i < convs.size(); ++i) {
    const json& t = p["convs"][i];
    const std::string path = t["path"];
    SCOPED_TRACE("conv " + std::to_string(i) + " " + path);
    EXPECT_EQ(convs[i]->module_path, path);
    EXPECT_EQ(convs[i]->input_shapes.at(0), shape_of(t["input_shape"]));
    EXPECT_EQ(convs[i]->shapes.at(0), shape_of(t["output_shape"]));
    const ModuleArgs& entry = lookup(args, path);
    ASSERT_TRUE(entry.is_conv2d());
    const Conv2dArgs& a = entry.conv2d();
    EXPECT_EQ(a.module_path, path);
    EXPECT_EQ(a.in_channels, t["in_channels"].get<uint32_t>());
    EXPECT_EQ(a.out_channels, t["out_channels"].get<uint32_t>());
    EXPECT_EQ(a.kernel_size, pair_of(t["kernel_size"]));
    EXPECT_EQ(a.stride, pair_of(t["stride"]));
    EXPECT_EQ(a.padding, pair_of(t["padding"]));
    EXPECT_EQ(a.dilation, pair_of(t["dilation"]));
    EXPECT_EQ(a.groups, t["groups"].get<uint32_t>());
    EXPECT_EQ(a.padding_mode, t["padding_mode"].get<std::string>());
    EXPECT_EQ(a.bias, t["bias"].get<bool>());
    const Shape in = shape_of(t["input_shape"]), out = shape_of(t["output_shape"]);
    EXPECT_EQ(a.batch_size, in[0]);
    EXPECT_EQ(in[1], a.in_channels);
    EXPECT_EQ(a.input_height, in[2]);
    EXPECT_EQ(a.input_width, in[3]);
    EXPECT_EQ(a.output_height, out[2]);
    EXPECT_EQ(a.output_width, out[3]);
    // The seed's defaults, until a configuration overrides them.
    EXPECT_EQ(a.math_fidelity, MathFidelity::HiFi4);
    EXPECT_EQ(a.dtype, DataType::BFLOAT16);
    EXPECT_EQ(a.weights_dtype, DataType::BFLOAT16);
  }
  for (size_t i = 0; i < pools.size(); ++i) {
    const json& t = p["max_pools"][i];
    const std::string path = t["path"];
    SCOPED_TRACE("max_pool2d " + std::to_string(i) + " " + path);
    EXPECT_EQ(pools[i]->module_path, path);
    EXPECT_EQ(pools[i]->input_shapes.at(0), shape_of(t["input_shape"]));
    EXPECT_EQ(pools[i]->shapes.at(0), shape_of(t["output_shape"]));
    const ModuleArgs& entry = lookup(args, path);
    ASSERT_TRUE(entry.is_max_pool2d());
    const MaxPool2dArgs& a = entry.max_pool2d();
    EXPECT_EQ(a.module_path, path);
    EXPECT_EQ(a.kernel_size, pair_of(t["kernel_size"]));
    EXPECT_EQ(a.stride, pair_of(t["stride"]));
    EXPECT_EQ(a.padding, pair_of(t["padding"]));
    EXPECT_EQ(a.dilation, pair_of(t["dilation"]));
    const Shape in = shape_of(t["input_shape"]);
    EXPECT_EQ(a.batch_size, in[0]);
    EXPECT_EQ(a.channels, in[1]);
    EXPECT_EQ(a.input_height, in[2]);
    EXPECT_EQ(a.input_width, in[3]);
  }
}

// The oracle cases of one model, checking both traced inputs are there.
std::vector<OracleCase> cases_of(const std::string& model) {
  std::vector<OracleCase> result;
  std::set<std::string> inputs;
  for (auto& c : oracle_cases("module_args")) {
    if (c.params["model"] != model) continue;
    inputs.insert(c.params["input_shape"].dump());
    result.push_back(std::move(c));
  }
  EXPECT_EQ(inputs, (std::set<std::string>{"[1,3,224,224]", "[3,3,160,192]"})) << model;
  return result;
}

TEST(ModuleArgs, MobileNetV2MatchesTorchvisionAtEveryConv) {
  const auto cases = cases_of("mobilenet_v2");
  for (const auto& oracle : cases) {
    EXPECT_EQ(oracle.params["convs"].size(), 52u);
    check_case(oracle);
  }
}

TEST(ModuleArgs, NestedModelMatchesTorchAtEveryConvAndMaxPool) {
  const auto cases = cases_of("nested_net");
  for (const auto& oracle : cases) {
    EXPECT_EQ(oracle.params["convs"].size(), 7u);
    EXPECT_EQ(oracle.params["max_pools"].size(), 2u);
    check_case(oracle);
  }
}

TEST(ModuleArgs, NumericNamesAreReachableByIntegerAndByString) {
  const ModuleArgs mnv2 = infer_module_args(MobileNetV2Module(), Shape{1, 3, 224, 224});
  const ModuleArgs& by_int = mnv2["features"][3]["conv"][1][0];
  const ModuleArgs& by_string = mnv2["features"]["3"]["conv"]["1"]["0"];
  EXPECT_EQ(&by_int, &by_string);
  EXPECT_EQ(&by_int, &lookup(mnv2, "features.3.conv.1.0"));
  const Conv2dArgs& depthwise = by_int.conv2d();
  EXPECT_EQ(depthwise.module_path, "features.3.conv.1.0");
  EXPECT_EQ(depthwise.groups, 144u);
  EXPECT_EQ(depthwise.in_channels, 144u);
  EXPECT_EQ(depthwise.input_height, 56u);
  EXPECT_EQ(depthwise.kernel_size, (std::array<uint32_t, 2>{3, 3}));
  EXPECT_EQ(mnv2["features"][0][0].conv2d().stride, (std::array<uint32_t, 2>{2, 2}));

  const ModuleArgs nested = infer_module_args(NestedNet(), Shape{3, 3, 160, 192});
  EXPECT_EQ(&nested["features"][1][1]["shortcut"], &nested["features"]["1"]["1"]["shortcut"]);
  EXPECT_EQ(&nested["features"][1][0]["conv"][0][0], &nested["features"]["1"]["0"]["conv"]["0"]["0"]);
  EXPECT_EQ(nested["features"][0][3].max_pool2d().input_height, 80u);
  EXPECT_EQ(nested["features"][3].max_pool2d().dilation, (std::array<uint32_t, 2>{1, 2}));
}

TEST(ModuleArgs, NestedEntriesHoldOnlyConvAndMaxPoolChildren) {
  const ModuleArgs args = infer_module_args(NestedNet(), Shape{1, 3, 224, 224});
  EXPECT_EQ(args.keys(), (std::vector<std::string>{"features"}));  // pool, flatten, fc carry no args
  EXPECT_EQ(args["features"].keys(), (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(args["features"][0].keys(), (std::vector<std::string>{"0", "3"}));  // no BatchNorm2d or ReLU
  EXPECT_EQ(args["features"][1][0].keys(), (std::vector<std::string>{"conv"}));
  EXPECT_EQ(args["features"][1][1].keys(), (std::vector<std::string>{"conv", "shortcut"}));
  EXPECT_EQ(args["features"][1][1]["conv"].keys(), (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(args["features"][1][1].contains("shortcut"));
  EXPECT_FALSE(args["features"][1][0].contains("shortcut"));
  EXPECT_FALSE(args["features"][1].is_conv2d());
  EXPECT_FALSE(args["features"][1].is_max_pool2d());
  EXPECT_TRUE(args["features"][0][3].is_max_pool2d());
  EXPECT_TRUE(args["features"][2].is_conv2d());

  std::vector<std::string> paths;
  for (const auto& [path, entry] : args.leaves()) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"features.0.0", "features.0.3", "features.1.0.conv.0.0", "features.1.0.conv.1",
                                             "features.1.1.conv.0.0", "features.1.1.conv.1", "features.1.1.shortcut",
                                             "features.2", "features.3"}));
}

template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& error) {
    return error.what();
  }
  ADD_FAILURE() << "no exception of the expected type";
  return "";
}

TEST(ModuleArgs, MissingKeysAndWrongKindsThrowNamingTheKey) {
  const ModuleArgs args = infer_module_args(NestedNet(), Shape{1, 3, 64, 64});
  std::string message = message_of<InvalidArgument>([&] { (void)args["features"][7]; });
  EXPECT_NE(message.find("'7'"), std::string::npos) << message;
  EXPECT_NE(message.find("features"), std::string::npos) << message;
  EXPECT_NE(message.find("0, 1, 2, 3"), std::string::npos) << message;  // the entries that exist
  message = message_of<InvalidArgument>([&] { (void)args["features"][1][0]["shortcut"]; });
  EXPECT_NE(message.find("'shortcut'"), std::string::npos) << message;
  EXPECT_NE(message.find("features.1.0"), std::string::npos) << message;
  message = message_of<InvalidArgument>([&] { (void)args["classifier"]; });
  EXPECT_NE(message.find("'classifier'"), std::string::npos) << message;
  message = message_of<InvalidArgument>([&] { (void)args["features"][0][3].conv2d(); });
  EXPECT_NE(message.find("features.0.3"), std::string::npos) << message;
  message = message_of<InvalidArgument>([&] { (void)args["features"][2].max_pool2d(); });
  EXPECT_NE(message.find("features.2"), std::string::npos) << message;
}

TEST(ModuleArgs, ChannelMismatchIsReportedAtTraceTimeWithTheModulePath) {
  const NestedNet broken(10, /*second_block_in=*/24);
  std::string message = message_of<InvalidArgument>([&] { (void)infer_module_args(broken, Shape{1, 3, 64, 64}); });
  EXPECT_NE(message.find("features.1.1.conv.0.0"), std::string::npos) << message;
  EXPECT_NE(message.find("24 input channels, got 16"), std::string::npos) << message;

  // Before any weight is touched: with an empty state dict the shape error comes first, not a missing tensor.
  auto shared = std::make_shared<const NestedNet>(10, 24);
  message = message_of<InvalidArgument>([&] { (void)create_model_parameters(shared, StateDict{}, Shape{1, 3, 64, 64}); });
  EXPECT_NE(message.find("features.1.1.conv.0.0"), std::string::npos) << message;
  // The intact model gets as far as the weights and then names the first missing tensor.
  auto intact = std::make_shared<const NestedNet>();
  message = message_of<FormatError>([&] { (void)create_model_parameters(intact, StateDict{}, Shape{1, 3, 64, 64}); });
  EXPECT_NE(message.find("features.0.0.weight"), std::string::npos) << message;

  // MobileNetV2 on a 4-channel input fails in the model itself, naming the expectation.
  message = message_of<InvalidArgument>([&] { (void)infer_module_args(MobileNetV2Module(), Shape{1, 4, 224, 224}); });
  EXPECT_NE(message.find("[1, 4, 224, 224]"), std::string::npos) << message;
}

// A state dict given away (moved in) yields the same parameters as one lent, with its weights moved out
// instead of copied; what the model does not take (the batch norms' statistics) stays.
TEST(ModuleArgs, AStateDictMovedInGivesTheSameParametersWithoutCopies) {
  const auto module = std::make_shared<const MobileNetV2Module>(0.35f, 10);
  const Shape shape{1, 3, 64, 64};
  const StateDict lent = random_state_dict(*module, 3);
  StateDict given = random_state_dict(*module, 3);
  const size_t entries = given.size();
  const float* stem_weights = given.at("features.0.0.weight").values.data();
  const ModelParameters copied = create_model_parameters(module, lent, shape);
  // The overload takes the dict by rvalue reference and moves only the weights out: `given` stays valid.
  const ModelParameters moved = create_model_parameters(module, std::move(given), shape);
  EXPECT_EQ(moved.convs.at("features.0.0").weight.values.data(), stem_weights);  // the same storage: no copy
  ASSERT_EQ(copied.convs.size(), moved.convs.size());
  for (const auto& [path, conv] : copied.convs) {
    const ConvParameters& other = moved.convs.at(path);
    EXPECT_EQ(conv.weight.values, other.weight.values) << path;
    EXPECT_EQ(conv.bias.values, other.bias.values) << path;
    EXPECT_EQ(conv.batch_norm_path, other.batch_norm_path) << path;
  }
  ASSERT_EQ(copied.linears.size(), 1u);
  EXPECT_EQ(copied.linears.at("classifier.1").weight.values, moved.linears.at("classifier.1").weight.values);
  EXPECT_EQ(lent.size(), entries);  // the lent dict is untouched
  EXPECT_FALSE(given.contains("features.0.0.weight"));
  EXPECT_FALSE(given.contains("classifier.1.weight"));
  EXPECT_TRUE(given.contains("features.0.1.running_mean"));
  EXPECT_EQ(given.size() + copied.convs.size() + 2, entries);  // every conv weight, the classifier's two
}

TEST(ModuleArgs, TakingAMissingStateDictKeyThrowsNamingIt) {
  StateDict dict;
  dict.insert("a", HostArray{Shape{2}, {1.0f, 2.0f}});
  const HostArray a = dict.take("a");
  EXPECT_EQ(a.values, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_EQ(dict.size(), 0u);
  EXPECT_TRUE(dict.names().empty());
  const std::string message = message_of<InvalidArgument>([&] { (void)dict.take("a"); });
  EXPECT_NE(message.find("'a'"), std::string::npos) << message;
}

}  // namespace
}  // namespace ttnn::test
