// The traced graph as a picture and as data (the seed's visualize(..., "model_graph.svg")):
//
//   const model::Graph graph = model::trace(module, Shape{1, 3, 224, 224});
//   io::write_graph_svg(graph, "model_graph.svg");                    // rendered in process (libgvc)
//   const io::GraphAnnotations annotations(model.steps());             // after configuration
//   std::string dot = io::graph_to_dot(graph, &annotations);          // nodes also show dtype/fidelity/shard
//   model::Graph copy = io::graph_from_json(io::graph_to_json(graph));  // an exact round trip
//
// Drawing: one node per graph node, labelled with its operation, module path and input -> output shapes
// (and, with annotations, the configuration of the op it was lowered to); edges follow the data. Nodes
// are grouped into one cluster per block: the first two components of the module path (features.3)
// when that names a composite module, i.e. some node lies deeper under it (features.3.conv.0.0) or a
// composite recorded a functional op there (the residual add of features.3). A leaf at depth two
// (classifier.1) and functional ops of the root (flatten) stand outside any cluster. For MobileNetV2
// that is 19 clusters: the stem features.0, the 17 inverted residual blocks and the head features.18.
//
// This lives in ttnn_io because it links Graphviz (libgvc) and nlohmann_json; the inference core does not.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ttnn/model/graph.hpp"
#include "ttnn/model/model.hpp"
#include "ttnn/types.hpp"

namespace ttnn::io {

// What a configured model does with one module (by module path).
struct NodeAnnotation {
  std::string op;        // the lowered op: "conv2d", "linear", ...
  std::string op_path;   // the module path of that op: differs from the key for a fused module
  bool fused = false;    // a batch norm folded into, or an activation fused into, the op at op_path
  DataType dtype = DataType::BFLOAT16;
  DataType weights_dtype = DataType::BFLOAT16;
  MathFidelity math_fidelity = MathFidelity::HiFi4;
  std::optional<TensorMemoryLayout> shard_layout;
};

class GraphAnnotations {
 public:
  GraphAnnotations() = default;
  // From a configured model's lowered steps (model::Model::steps()): every conv2d and linear step
  // annotates its own module and the modules it fused (a conv's batch norm and activation). Steps
  // without weights (add, relu, pooling, reshape) carry no dtype choice of their own and are skipped.
  explicit GraphAnnotations(const std::vector<model::ModelStep>& steps);

  void set(const std::string& module_path, NodeAnnotation annotation) {
    by_path_[module_path] = std::move(annotation);
  }
  // The annotation of `module_path`, or null.
  const NodeAnnotation* find(const std::string& module_path) const;
  size_t size() const { return by_path_.size(); }

 private:
  std::map<std::string, NodeAnnotation> by_path_;
};

// Per node, the block (cluster) it belongs to under the rule above, or "" for none.
std::vector<std::string> graph_node_blocks(const model::Graph& graph);
// The distinct blocks of `graph`, in order of first appearance.
std::vector<std::string> graph_blocks(const model::Graph& graph);

// Graphviz DOT source of the graph (deterministic: nodes are n0, n1, ... in graph order).
std::string graph_to_dot(const model::Graph& graph, const GraphAnnotations* annotations = nullptr);

// JSON: {"format": "ttnn-cpp-graph", "version": 1, "output_node": N, "nodes": [{"operation",
// "module_path", "module_type", "input_shapes": [[...], ...], "shapes": [[...], ...], "in_edges":
// [{"source_node", "source_output_index", "sink_input_index"}, ...], "attributes": {"name": "value"}}]}.
std::string graph_to_json(const model::Graph& graph);
// The inverse of graph_to_json, field for field. Throws FormatError naming the offending element
// (e.g. "graph JSON: nodes[4].in_edges[0].source_node: 9 is not an earlier node") for malformed input.
model::Graph graph_from_json(std::string_view json);

// Lays the graph out with Graphviz' dot and writes SVG to `path` (through a temporary file beside it
// that is renamed into place, so a reader never sees half a file). Throws Error when Graphviz fails
// (with its message) or the file cannot be written. Graphviz is not thread-safe: calls are serialised.
void write_graph_svg(const model::Graph& graph, const std::filesystem::path& path,
                     const GraphAnnotations* annotations = nullptr);

}  // namespace ttnn::io
