// The graph a traced forward pass records: one node per operation, with its module path, the shapes
// that flowed in and out, its attributes, and edges from the outputs that fed it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ttnn/shape.hpp"

namespace ttnn::model {

struct GraphEdge {
  size_t source_node = 0;
  size_t source_output_index = 0;  // which output of the source node
  size_t sink_input_index = 0;     // which input of this node
};

struct GraphNode {
  std::string operation;    // "input", "Conv2d", "BatchNorm2d", "ReLU6", "add", "flatten", ...
  std::string module_path;  // e.g. "features.3.conv.1.0"; empty for functional ops and the input
  std::string module_type;  // the leaf module's type, or the enclosing module's for functional ops
  std::vector<Shape> input_shapes;
  std::vector<Shape> shapes;  // output shapes
  std::vector<GraphEdge> in_edges;
  std::map<std::string, std::string> attributes;  // printable module attributes (kernel_size, stride, ...)
};

struct Graph {
  std::vector<GraphNode> nodes;  // in execution order; node 0 is the input
  size_t output_node = 0;

  // Indices of the nodes that read output 0 of `node`.
  std::vector<size_t> consumers(size_t node) const;
};

}  // namespace ttnn::model
