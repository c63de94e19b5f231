// graph_to_json / graph_from_json: the traced graph as JSON, round-tripping every field exactly.
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "core/check.hpp"
#include "ttnn/io/graph_export.hpp"

namespace ttnn::io {
namespace {

constexpr const char* kFormat = "ttnn-cpp-graph";
constexpr int kVersion = 1;

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

OrderedJson shape_json(const Shape& shape) {
  OrderedJson dims = OrderedJson::array();
  for (const uint32_t d : shape.dims()) dims.push_back(d);
  return dims;
}

[[noreturn]] void malformed(const std::string& where, const std::string& message) {
  fail<FormatError>("graph JSON: {}: {}", where, message);
}

const char* type_name(const Json& value) { return value.type_name(); }

const Json& member(const Json& object, const std::string& key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) malformed(where, "missing member '" + key + "'");
  return *it;
}

std::string string_member(const Json& object, const std::string& key, const std::string& where) {
  const Json& value = member(object, key, where);
  if (!value.is_string()) malformed(where + "." + key, std::string("expected a string, got ") + type_name(value));
  return value.get<std::string>();
}

uint64_t unsigned_value(const Json& value, const std::string& where, uint64_t max) {
  if (!value.is_number_unsigned())
    malformed(where, std::string("expected a non-negative integer, got ") +
                         (value.is_number() ? value.dump() : std::string(type_name(value))));
  const uint64_t number = value.get<uint64_t>();
  if (number > max) malformed(where, std::to_string(number) + " is larger than " + std::to_string(max));
  return number;
}

const Json& array_member(const Json& object, const std::string& key, const std::string& where) {
  const Json& value = member(object, key, where);
  if (!value.is_array()) malformed(where + "." + key, std::string("expected an array, got ") + type_name(value));
  return value;
}

Shape shape_value(const Json& value, const std::string& where) {
  if (!value.is_array()) malformed(where, std::string("expected a shape (array of integers), got ") + type_name(value));
  if (value.size() > Shape::kMaxRank)
    malformed(where, "rank " + std::to_string(value.size()) + " exceeds " + std::to_string(Shape::kMaxRank));
  std::vector<uint32_t> dims;
  for (size_t i = 0; i < value.size(); ++i)
    dims.push_back(uint32_t(unsigned_value(value[i], where + "[" + std::to_string(i) + "]",
                                           std::numeric_limits<uint32_t>::max())));
  return Shape(dims);
}

std::vector<Shape> shapes_member(const Json& object, const std::string& key, const std::string& where) {
  const Json& array = array_member(object, key, where);
  std::vector<Shape> shapes;
  for (size_t i = 0; i < array.size(); ++i)
    shapes.push_back(shape_value(array[i], where + "." + key + "[" + std::to_string(i) + "]"));
  return shapes;
}

model::GraphNode node_value(const Json& value, size_t index, const std::vector<model::GraphNode>& earlier) {
  const std::string where = "nodes[" + std::to_string(index) + "]";
  if (!value.is_object()) malformed(where, std::string("expected an object, got ") + type_name(value));
  model::GraphNode node;
  node.operation = string_member(value, "operation", where);
  node.module_path = string_member(value, "module_path", where);
  node.module_type = string_member(value, "module_type", where);
  node.input_shapes = shapes_member(value, "input_shapes", where);
  node.shapes = shapes_member(value, "shapes", where);

  const Json& edges = array_member(value, "in_edges", where);
  for (size_t e = 0; e < edges.size(); ++e) {
    const std::string at = where + ".in_edges[" + std::to_string(e) + "]";
    const Json& edge = edges[e];
    if (!edge.is_object()) malformed(at, std::string("expected an object, got ") + type_name(edge));
    model::GraphEdge parsed;
    parsed.source_node = size_t(unsigned_value(member(edge, "source_node", at), at + ".source_node", UINT32_MAX));
    parsed.source_output_index =
        size_t(unsigned_value(member(edge, "source_output_index", at), at + ".source_output_index", UINT32_MAX));
    parsed.sink_input_index =
        size_t(unsigned_value(member(edge, "sink_input_index", at), at + ".sink_input_index", UINT32_MAX));
    if (parsed.source_node >= index)
      malformed(at + ".source_node", std::to_string(parsed.source_node) + " is not an earlier node (this is node " +
                                         std::to_string(index) + ")");
    const model::GraphNode& source = earlier[parsed.source_node];
    if (parsed.source_output_index >= source.shapes.size())
      malformed(at + ".source_output_index", std::to_string(parsed.source_output_index) + " but node " +
                                                 std::to_string(parsed.source_node) + " has " +
                                                 std::to_string(source.shapes.size()) + " output(s)");
    if (parsed.sink_input_index >= node.input_shapes.size())
      malformed(at + ".sink_input_index", std::to_string(parsed.sink_input_index) + " but the node has " +
                                              std::to_string(node.input_shapes.size()) + " input shape(s)");
    const Shape& flowing = source.shapes[parsed.source_output_index];
    if (flowing != node.input_shapes[parsed.sink_input_index])
      malformed(at, "node " + std::to_string(parsed.source_node) + " output " +
                        std::to_string(parsed.source_output_index) + " has shape " + to_string(flowing) +
                        ", but input_shapes[" + std::to_string(parsed.sink_input_index) + "] is " +
                        to_string(node.input_shapes[parsed.sink_input_index]));
    node.in_edges.push_back(parsed);
  }

  const Json& attributes = member(value, "attributes", where);
  if (!attributes.is_object())
    malformed(where + ".attributes", std::string("expected an object, got ") + type_name(attributes));
  for (const auto& [key, attribute] : attributes.items()) {
    if (!attribute.is_string())
      malformed(where + ".attributes." + key, std::string("expected a string, got ") + type_name(attribute));
    node.attributes.emplace(key, attribute.get<std::string>());
  }
  return node;
}

}  // namespace

std::string graph_to_json(const model::Graph& graph) {
  OrderedJson root;
  root["format"] = kFormat;
  root["version"] = kVersion;
  root["output_node"] = graph.output_node;
  OrderedJson nodes = OrderedJson::array();
  for (const model::GraphNode& node : graph.nodes) {
    OrderedJson entry;
    entry["operation"] = node.operation;
    entry["module_path"] = node.module_path;
    entry["module_type"] = node.module_type;
    OrderedJson inputs = OrderedJson::array(), outputs = OrderedJson::array();
    for (const Shape& shape : node.input_shapes) inputs.push_back(shape_json(shape));
    for (const Shape& shape : node.shapes) outputs.push_back(shape_json(shape));
    entry["input_shapes"] = std::move(inputs);
    entry["shapes"] = std::move(outputs);
    OrderedJson edges = OrderedJson::array();
    for (const model::GraphEdge& edge : node.in_edges)
      edges.push_back({{"source_node", edge.source_node},
                       {"source_output_index", edge.source_output_index},
                       {"sink_input_index", edge.sink_input_index}});
    entry["in_edges"] = std::move(edges);
    OrderedJson attributes = OrderedJson::object();
    for (const auto& [key, value] : node.attributes) attributes[key] = value;
    entry["attributes"] = std::move(attributes);
    nodes.push_back(std::move(entry));
  }
  root["nodes"] = std::move(nodes);
  return root.dump(1) + "\n";
}

model::Graph graph_from_json(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& error) {
    fail<FormatError>("graph JSON: not valid JSON: {}", error.what());
  }
  try {
    if (!root.is_object()) malformed("top level", std::string("expected an object, got ") + type_name(root));
    const std::string format = string_member(root, "format", "top level");
    if (format != kFormat) malformed("format", "'" + format + "', expected '" + kFormat + "'");
    const uint64_t version = unsigned_value(member(root, "version", "top level"), "version", UINT32_MAX);
    if (version != uint64_t(kVersion))
      malformed("version", std::to_string(version) + " is not supported (this reader reads version " +
                               std::to_string(kVersion) + ")");
    const Json& nodes = array_member(root, "nodes", "top level");
    if (nodes.empty()) malformed("nodes", "a graph has at least its input node");
    model::Graph graph;
    for (size_t i = 0; i < nodes.size(); ++i) graph.nodes.push_back(node_value(nodes[i], i, graph.nodes));
    graph.output_node = size_t(unsigned_value(member(root, "output_node", "top level"), "output_node", UINT32_MAX));
    if (graph.output_node >= graph.nodes.size())
      malformed("output_node", std::to_string(graph.output_node) + " but the graph has " +
                                   std::to_string(graph.nodes.size()) + " nodes");
    return graph;
  } catch (const Json::exception& error) {  // not expected: every access above checks the type first
    fail<FormatError>("graph JSON: {}", error.what());
  }
}

}  // namespace ttnn::io
