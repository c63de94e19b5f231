// graph_to_dot: the traced graph as Graphviz DOT, one cluster per block.
#include <cstdio>
#include <map>
#include <string>

#include "ttnn/io/graph_export.hpp"

namespace ttnn::io {
namespace {

// A DOT double-quoted string. "\n" in `text` becomes a centred line break.
std::string dot_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string compact(const Shape& shape) {
  std::string text;
  for (size_t i = 0; i < shape.rank(); ++i) text += (i ? "x" : "") + std::to_string(shape.dims()[i]);
  return text.empty() ? "scalar" : text;
}

std::string shapes_text(const std::vector<Shape>& shapes, const char* separator) {
  std::string text;
  for (size_t i = 0; i < shapes.size(); ++i) text += (i ? separator : "") + compact(shapes[i]);
  return text;
}

// "(3, 3)" -> "3x3"; "(1, 1)" for stride or dilation is left out by the caller.
std::string pair_text(const std::string& attribute) {
  unsigned a = 0, b = 0;
  if (std::sscanf(attribute.c_str(), "(%u, %u)", &a, &b) != 2) return attribute;
  return a == b ? std::to_string(a) : std::to_string(a) + "x" + std::to_string(b);
}

std::string attribute(const model::GraphNode& node, const char* key) {
  const auto it = node.attributes.find(key);
  return it == node.attributes.end() ? std::string() : it->second;
}

// The hyper-parameters worth a line in the picture: "k3 s2 p1 groups 32" for windows.
std::string window_text(const model::GraphNode& node) {
  if (node.operation != "Conv2d" && node.operation != "MaxPool2d") return "";
  std::string text;
  if (const std::string k = attribute(node, "kernel_size"); !k.empty()) {
    const std::string kernel = pair_text(k);
    text += "k" + kernel;
  }
  if (const std::string s = attribute(node, "stride"); !s.empty() && pair_text(s) != "1") text += " s" + pair_text(s);
  if (const std::string p = attribute(node, "padding"); !p.empty() && pair_text(p) != "0") text += " p" + pair_text(p);
  if (const std::string d = attribute(node, "dilation"); !d.empty() && pair_text(d) != "1") text += " d" + pair_text(d);
  if (const std::string g = attribute(node, "groups"); !g.empty() && g != "1") text += " groups " + g;
  if (attribute(node, "bias") == "True") text += " +bias";
  return text;
}

const char* fill_color(const model::GraphNode& node) {
  const std::string& op = node.operation;
  if (op == "input") return "#eeeeee";
  if (op == "Conv2d") return attribute(node, "groups") != "1" && !attribute(node, "groups").empty() ? "#cfe2f3" : "#9fc5e8";
  if (op == "BatchNorm2d") return "#fff2cc";
  if (op == "ReLU" || op == "ReLU6" || op == "relu" || op == "relu6") return "#d9ead3";
  if (op == "add") return "#f4cccc";
  if (op.find("pool") != std::string::npos || op.find("Pool") != std::string::npos) return "#ead1dc";
  if (op == "Linear") return "#d9d2e9";
  return "#ffffff";
}

const char* dtype_color(DataType dtype) {
  switch (dtype) {
    case DataType::FLOAT32: return "#000000";
    case DataType::BFLOAT16: return "#1155cc";
    case DataType::BFLOAT8_B: return "#e69138";
    case DataType::BFLOAT4_B: return "#cc0000";
  }
  return "#000000";
}

std::string annotation_text(const NodeAnnotation& a) {
  if (a.fused) return "fused into " + a.op + " " + a.op_path;
  std::string text = "ttnn." + a.op + ": " + std::string(to_string(a.dtype)) + " / weights " +
                     std::string(to_string(a.weights_dtype)) + " / " + std::string(to_string(a.math_fidelity));
  if (a.shard_layout) text += "\n" + std::string(to_string(*a.shard_layout));
  return text;
}

std::string node_statement(const model::Graph& graph, size_t index, const GraphAnnotations* annotations) {
  const model::GraphNode& node = graph.nodes[index];
  std::string label = node.operation;
  if (!node.module_path.empty()) label += "\n" + node.module_path;
  if (node.input_shapes.empty()) label += "\n" + shapes_text(node.shapes, ", ");
  else label += "\n" + shapes_text(node.input_shapes, " + ") + " -> " + shapes_text(node.shapes, ", ");
  if (const std::string window = window_text(node); !window.empty()) label += "\n" + window;
  std::string attributes = "fillcolor=\"" + std::string(fill_color(node)) + "\"";
  const NodeAnnotation* annotation =
      annotations && !node.module_path.empty() ? annotations->find(node.module_path) : nullptr;
  if (annotation) {
    label += "\n" + annotation_text(*annotation);
    attributes += ", color=\"" + std::string(dtype_color(annotation->dtype)) + "\", penwidth=2";
  }
  if (index == graph.output_node) attributes += ", peripheries=2";
  return "n" + std::to_string(index) + " [label=" + dot_string(label) + ", " + attributes + "];";
}

// The root module's type, from a node it recorded (flatten, pooling), if any.
std::string root_type(const model::Graph& graph) {
  for (const model::GraphNode& node : graph.nodes)
    if (node.module_path.empty() && !node.module_type.empty() && node.operation != "input") return node.module_type;
  return "model";
}

}  // namespace

std::string graph_to_dot(const model::Graph& graph, const GraphAnnotations* annotations) {
  const std::vector<std::string> node_blocks = graph_node_blocks(graph);
  std::string title = root_type(graph);
  if (!graph.nodes.empty() && !graph.nodes[0].shapes.empty()) title += " traced at " + compact(graph.nodes[0].shapes[0]);
  title += ", " + std::to_string(graph.nodes.size()) + " nodes";
  if (annotations) title += "\nafter configuration: border colour = activation dtype (float32 black, bfloat16 blue, "
                            "bfloat8_b orange, bfloat4_b red)";

  std::string dot = "digraph model {\n";
  dot += "  graph [label=" + dot_string(title) +
         ", labelloc=t, fontname=\"Helvetica\", fontsize=14, rankdir=TB, nodesep=0.3, ranksep=0.3];\n";
  dot += "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=9, margin=\"0.1,0.03\"];\n";
  dot += "  edge [arrowsize=0.6, color=\"#555555\"];\n";

  // Clusters in order of first appearance, each with its nodes; then the nodes outside any block.
  std::vector<std::string> order;
  std::map<std::string, std::vector<size_t>> members;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const std::string& block = node_blocks[i];
    if (block.empty()) continue;
    if (!members.count(block)) order.push_back(block);
    members[block].push_back(i);
  }
  for (const std::string& block : order) {
    dot += "  subgraph " + dot_string("cluster_" + block) + " {\n";
    dot += "    label=" + dot_string(block) +
           "; labeljust=l; fontsize=11; style=\"rounded,filled\"; fillcolor=\"#f7f7f7\"; color=\"#aaaaaa\";\n";
    for (const size_t i : members[block]) dot += "    " + node_statement(graph, i, annotations) + "\n";
    dot += "  }\n";
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (node_blocks[i].empty()) dot += "  " + node_statement(graph, i, annotations) + "\n";

  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const model::GraphEdge& edge : graph.nodes[i].in_edges) {
      dot += "  n" + std::to_string(edge.source_node) + " -> n" + std::to_string(i);
      if (edge.source_output_index != 0) dot += " [label=\"out " + std::to_string(edge.source_output_index) + "\"]";
      dot += ";\n";
    }
  }
  dot += "}\n";
  return dot;
}

}  // namespace ttnn::io
