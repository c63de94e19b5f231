// GraphAnnotations from a configured model's lowered steps, and the block (cluster) rule of the picture.
#include <set>

#include "ttnn/io/graph_export.hpp"

namespace ttnn::io {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  if (path.empty()) return parts;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// A functional op a composite module recorded itself ("add" of an InvertedResidual), as opposed to a
// leaf module's own node (a Conv2d node of a Conv2d module).
bool recorded_by_composite(const model::GraphNode& node) { return node.operation != node.module_type; }

std::set<std::string> composite_blocks(const model::Graph& graph) {
  std::set<std::string> blocks;
  for (const model::GraphNode& node : graph.nodes) {
    const auto parts = split_path(node.module_path);
    if (parts.size() >= 3) blocks.insert(parts[0] + "." + parts[1]);
    else if (parts.size() == 2 && recorded_by_composite(node)) blocks.insert(node.module_path);
  }
  return blocks;
}

std::string block_of(const model::GraphNode& node, const std::set<std::string>& blocks) {
  const auto parts = split_path(node.module_path);
  if (parts.size() < 2) return "";
  std::string prefix = parts[0] + "." + parts[1];
  return blocks.count(prefix) ? prefix : std::string();
}

}  // namespace

GraphAnnotations::GraphAnnotations(const std::vector<model::ModelStep>& steps) {
  for (const model::ModelStep& step : steps) {
    if (step.op != "conv2d" && step.op != "linear") continue;
    NodeAnnotation annotation;
    annotation.op = step.op;
    annotation.op_path = step.module_path;
    annotation.dtype = step.dtype;
    annotation.weights_dtype = step.weights_dtype;
    annotation.math_fidelity = step.math_fidelity;
    annotation.shard_layout = step.shard_layout;
    set(step.module_path, annotation);
    annotation.fused = true;
    for (const std::string& fused : step.fused) set(fused, annotation);
  }
}

const NodeAnnotation* GraphAnnotations::find(const std::string& module_path) const {
  const auto it = by_path_.find(module_path);
  return it == by_path_.end() ? nullptr : &it->second;
}

std::vector<std::string> graph_node_blocks(const model::Graph& graph) {
  const std::set<std::string> blocks = composite_blocks(graph);
  std::vector<std::string> result;
  result.reserve(graph.nodes.size());
  for (const model::GraphNode& node : graph.nodes) result.push_back(block_of(node, blocks));
  return result;
}

std::vector<std::string> graph_blocks(const model::Graph& graph) {
  const std::set<std::string> blocks = composite_blocks(graph);
  std::vector<std::string> ordered;
  std::set<std::string> seen;
  for (const model::GraphNode& node : graph.nodes) {
    std::string block = block_of(node, blocks);
    if (!block.empty() && seen.insert(block).second) ordered.push_back(std::move(block));
  }
  return ordered;
}

}  // namespace ttnn::io
