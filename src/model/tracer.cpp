#include "core/check.hpp"
#include "ttnn/model/module.hpp"

namespace ttnn::model {

std::vector<size_t> Graph::consumers(size_t node) const {
  std::vector<size_t> result;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const GraphEdge& edge : nodes[i].in_edges)
      if (edge.source_node == node && edge.source_output_index == 0) result.push_back(i);
  return result;
}

Tracer::Tracer(const Shape& input_shape) {
  GraphNode input;
  input.operation = "input";
  input.shapes = {input_shape};
  graph_.nodes.push_back(std::move(input));
  input_ = TracedTensor{input_shape, 0, 0};
}

TracedTensor Tracer::call(const std::string& name, const Module& module, const std::vector<TracedTensor>& inputs) {
  const std::string saved = path_;
  path_ = path_.empty() ? name : name.empty() ? path_ : path_ + "." + name;
  module_stack_.push_back(&module);
  TracedTensor output = module.forward(*this, inputs);
  module_stack_.pop_back();
  path_ = saved;
  return output;
}

TracedTensor Tracer::record(std::string operation, const std::vector<TracedTensor>& inputs, Shape output,
                            std::map<std::string, std::string> attributes) {
  GraphNode node;
  node.operation = std::move(operation);
  node.module_path = path_;
  if (const Module* module = current_module()) node.module_type = std::string(module->type_name());
  for (size_t i = 0; i < inputs.size(); ++i) {
    node.input_shapes.push_back(inputs[i].shape);
    node.in_edges.push_back(GraphEdge{inputs[i].node, inputs[i].output_index, i});
  }
  node.shapes = {output};
  node.attributes = std::move(attributes);
  graph_.nodes.push_back(std::move(node));
  return TracedTensor{std::move(output), graph_.nodes.size() - 1, 0};
}

void Tracer::fail(const std::string& message) const {
  ttnn::fail("{}: {}", path_.empty() ? std::string("<model>") : path_, message);
}

Graph Tracer::finish(const TracedTensor& output) {
  graph_.output_node = output.node;
  return std::move(graph_);
}

Graph trace(const Module& model, const Shape& input_shape) {
  Tracer tracer(input_shape);
  const TracedTensor output = tracer.call("", model, {tracer.input()});
  return tracer.finish(output);
}

}  // namespace ttnn::model
