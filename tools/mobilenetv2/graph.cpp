// `mobilenetv2 graph`: the seed's visualize(..., "model_graph.svg"): traces MobileNetV2 on an input shape
// and writes the graph as SVG (laid out by Graphviz in process), DOT source or JSON, by the extension
// of --output. With a configuration (--annotate, or any of --dtype, --math-fidelity, --numerics,
// --layer) the model is lowered and every conv and linear node also shows its dtype, weights dtype,
// fidelity and sharding. A configuration does not depend on weight values, so without --weights it is
// lowered on seeded random weights of the shapes the module tree expects (model::random_state_dict).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>

#include "mobilenetv2/commands.hpp"
#include "mobilenetv2/terminal.hpp"
#include "mobilenetv2/model_options.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/graph_export.hpp"
#include "ttnn/io/pth.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/model/parameters.hpp"

namespace mobilenetv2 {
namespace {

struct GraphOptions {
  ModelOptions model;
  std::string input = "1x3x224x224";
  std::string output = "model_graph.svg";
  float width_mult = 1.0f;
  uint32_t num_classes = 1000;
  bool annotate = false;
};

// "1x3x224x224" -> Shape{1, 3, 224, 224}.
ttnn::Shape parse_input_shape(const std::string& text) {
  std::vector<uint32_t> dims;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t x = text.find_first_of("xX", start);
    const std::string part = text.substr(start, x == std::string::npos ? std::string::npos : x - start);
    const bool digits = !part.empty() && part.size() <= 9 &&
                        std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (!digits || std::stoul(part) == 0)
      throw ttnn::InvalidArgument("--input '" + text + "': expected NxCxHxW with positive integers, e.g. 1x3x224x224");
    dims.push_back(uint32_t(std::stoul(part)));
    if (x == std::string::npos) break;
    start = x + 1;
  }
  if (dims.size() != 4)
    throw ttnn::InvalidArgument("--input '" + text + "': expected 4 dimensions NxCxHxW, got " + std::to_string(dims.size()));
  return ttnn::Shape(dims);
}

int run_graph(const GraphOptions& options, const CLI::App& command) {
  const ttnn::Shape shape = parse_input_shape(options.input);
  std::string extension = std::filesystem::path(options.output).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
  if (extension != ".svg" && extension != ".dot" && extension != ".gv" && extension != ".json")
    throw ttnn::InvalidArgument("graph: --output '" + options.output +
                                "' must end in .svg (Graphviz picture), .dot/.gv (DOT source) or .json");

  std::optional<ttnn::StateDict> weights;
  std::shared_ptr<const ttnn::model::Module> module;
  if (!options.model.weights.empty()) {
    weights = ttnn::io::load_state_dict(options.model.weights);
    module = std::make_shared<const ttnn::model::MobileNetV2Module>(ttnn::model::infer_width_multiplier(*weights),
                                                                    ttnn::model::infer_num_classes(*weights));
  } else {
    if (!(options.width_mult > 0.0f && options.width_mult <= 4.0f))
      throw ttnn::InvalidArgument("graph: --width-mult " + std::to_string(options.width_mult) +
                                  " is outside (0, 4]; torchvision's widths are 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4");
    module = std::make_shared<const ttnn::model::MobileNetV2Module>(options.width_mult, options.num_classes);
  }

  bool annotate = options.annotate;
  for (const char* name : {"--dtype", "--math-fidelity", "--numerics", "--layer"})
    annotate = annotate || command.get_option(name)->count() > 0;
  if (annotate && extension == ".json") {
    std::fprintf(stderr, "note: the JSON graph holds the traced graph only; the configuration is drawn in .svg and "
                         ".dot output\n");
    annotate = false;
  }

  ttnn::model::Graph graph;
  std::optional<ttnn::io::GraphAnnotations> annotations;
  if (annotate) {
    ttnn::StateDict state_dict = weights ? std::move(*weights) : ttnn::model::random_state_dict(*module);
    auto parameters = ttnn::model::create_model_parameters(module, state_dict, shape);
    auto device = options.model.open_device();
    const ttnn::model::Model model(std::move(parameters), *device, options.model.config());
    annotations.emplace(model.steps());
    graph = model.parameters().graph;
  } else {
    graph = ttnn::model::trace(*module, shape);
  }

  const ttnn::io::GraphAnnotations* annotation_pointer = annotations ? &*annotations : nullptr;
  if (extension == ".svg") {
    ttnn::io::write_graph_svg(graph, options.output, annotation_pointer);
  } else if (extension == ".json") {
    write_text_file(options.output, ttnn::io::graph_to_json(graph), "graph");
  } else {
    write_text_file(options.output, ttnn::io::graph_to_dot(graph, annotation_pointer), "graph");
  }
  std::fprintf(stderr, "wrote %s: %zu nodes in %zu blocks, traced at %s%s\n", options.output.c_str(), graph.nodes.size(),
               ttnn::io::graph_blocks(graph).size(), ttnn::to_string(shape).c_str(),
               annotations ? ", annotated with the configuration" : "");
  return 0;
}

}  // namespace

Command add_graph_command(CLI::App& app) {
  auto options = std::make_shared<GraphOptions>();
  auto* command = app.add_subcommand(
      "graph", "Draw the traced MobileNetV2 graph: SVG (Graphviz), DOT or JSON by the --output extension");
  command->add_option("--input", options->input, "Input shape NxCxHxW to trace at")->capture_default_str();
  command->add_option("--output", options->output, "Output file: .svg, .dot (or .gv) or .json")->capture_default_str();
  options->model.add_to(*command, /*with_download=*/false);
  command->get_option("--weights")
      ->description("Checkpoint (.pth) whose width and classes to draw (and whose weights lower the configuration)");
  command->add_option("--width-mult", options->width_mult, "Width multiplier when no --weights are given")
      ->capture_default_str()
      ->excludes("--weights");
  command->add_option("--num-classes", options->num_classes, "Classifier outputs when no --weights are given")
      ->capture_default_str()
      ->excludes("--weights");
  command->add_flag("--annotate", options->annotate,
                    "Label convs and linears with the configuration (dtype, weights dtype, fidelity, sharding); "
                    "implied by --dtype, --math-fidelity, --numerics or --layer. Without --weights the configuration "
                    "is lowered on random weights (it does not depend on their values)");
  return [command, options] { return command->parsed() ? run_graph(*options, *command) : -1; };
}

}  // namespace mobilenetv2
