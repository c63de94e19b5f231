// The graph picture and its data form: the SVG (rendered in process by libgvc) is well-formed XML with one
// node per traced op and one cluster per block; DOT carries the configuration once a model is lowered;
// JSON round-trips exactly and malformed JSON is rejected with a clear message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/graph_export.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/model/model.hpp"
#include "ttnn/model/parameters.hpp"

namespace ttnn::test {
namespace {

using model::Graph;
using model::GraphEdge;
using model::GraphNode;

// ---------------------------------------------------------------------------------------------------
// A small XML well-formedness checker (XML 1.0's syntax without DTD validation): one root element,
// properly nested and matching tags, quoted and unique attributes without '<', entity and character
// references only of the predefined or numeric kinds, comments, CDATA, processing instructions and a
// DOCTYPE before the root. Returns "" when well-formed, else what is wrong and where.
class XmlChecker {
 public:
  explicit XmlChecker(const std::string& text) : s_(text) {}

  std::string check() {
    try {
      skip_prolog();
      if (!starts_with("<") || starts_with("</")) return error("expected the root element");
      element();
      misc();
      if (pos_ != s_.size()) return error("content after the root element");
      return "";
    } catch (const std::string& message) {
      return message;
    }
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;

  [[noreturn]] void fail(const std::string& message) const { throw error(message); }
  std::string error(const std::string& message) const {
    size_t line = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) line += s_[i] == '\n';
    return message + " (line " + std::to_string(line) + ", offset " + std::to_string(pos_) + ")";
  }
  bool starts_with(const char* prefix) const { return s_.compare(pos_, std::strlen(prefix), prefix) == 0; }
  void expect(const char* token) {
    if (!starts_with(token)) fail(std::string("expected '") + token + "'");
    pos_ += std::strlen(token);
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void skip_past(const char* terminator, const char* what) {
    const size_t end = s_.find(terminator, pos_);
    if (end == std::string::npos) fail(std::string("unterminated ") + what);
    pos_ = end + std::strlen(terminator);
  }
  static bool name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
  }
  static bool name_char(char c) {
    return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  }
  std::string name() {
    if (pos_ >= s_.size() || !name_start(s_[pos_])) fail("expected a name");
    const size_t start = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  void reference() {  // at '&'
    const size_t end = s_.find(';', pos_);
    if (end == std::string::npos || end - pos_ > 12) fail("bare '&'");
    const std::string ref = s_.substr(pos_ + 1, end - pos_ - 1);
    static const char* const kNamed[] = {"amp", "lt", "gt", "quot", "apos"};
    bool ok = false;
    for (const char* named : kNamed) ok = ok || ref == named;
    if (!ok && ref.size() > 1 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string digits = ref.substr(hex ? 2 : 1);
      ok = !digits.empty();
      for (const char c : digits) ok = ok && (hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c)));
    }
    if (!ok) fail("unknown reference '&" + ref + ";'");
    pos_ = end + 1;
  }
  void misc() {  // comments, processing instructions and space
    while (true) {
      skip_space();
      if (starts_with("<!--")) skip_past("-->", "comment");
      else if (starts_with("<?")) skip_past("?>", "processing instruction");
      else return;
    }
  }
  void skip_prolog() {
    if (starts_with("<?xml")) skip_past("?>", "XML declaration");
    misc();
    if (starts_with("<!DOCTYPE")) {
      // No internal subset here: up to the first '>' outside quotes.
      char quote = 0;
      for (pos_ += 9; pos_ < s_.size(); ++pos_) {
        const char c = s_[pos_];
        if (quote) quote = c == quote ? 0 : quote;
        else if (c == '"' || c == '\'') quote = c;
        else if (c == '[') fail("DOCTYPE internal subsets are not expected");
        else if (c == '>') break;
      }
      if (pos_ >= s_.size()) fail("unterminated DOCTYPE");
      ++pos_;
    }
    misc();
  }
  void element() {
    expect("<");
    const std::string tag = name();
    std::vector<std::string> attributes;
    while (true) {
      const size_t before = pos_;
      skip_space();
      if (starts_with("/>")) {
        pos_ += 2;
        return;
      }
      if (starts_with(">")) {
        ++pos_;
        break;
      }
      if (pos_ == before) fail("expected space between attributes of <" + tag + ">");
      const std::string attribute = name();
      for (const auto& seen : attributes)
        if (seen == attribute) fail("attribute '" + attribute + "' repeated in <" + tag + ">");
      attributes.push_back(attribute);
      skip_space();
      expect("=");
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("unquoted attribute value");
      const char quote = s_[pos_++];
      while (pos_ < s_.size() && s_[pos_] != quote) {
        if (s_[pos_] == '<') fail("'<' in an attribute value");
        if (s_[pos_] == '&') reference();
        else ++pos_;
      }
      if (pos_ >= s_.size()) fail("unterminated attribute value");
      ++pos_;
    }
    // Content up to the matching end tag.
    while (true) {
      if (pos_ >= s_.size()) fail("<" + tag + "> is never closed");
      if (starts_with("</")) {
        pos_ += 2;
        const std::string closing = name();
        if (closing != tag) fail("</" + closing + "> closes <" + tag + ">");
        skip_space();
        expect(">");
        return;
      }
      if (starts_with("<!--")) skip_past("-->", "comment");
      else if (starts_with("<![CDATA[")) skip_past("]]>", "CDATA section");
      else if (starts_with("<?")) skip_past("?>", "processing instruction");
      else if (starts_with("<")) element();
      else if (s_[pos_] == '&') reference();
      else ++pos_;
    }
  }
};

std::string xml_error(const std::string& text) { return XmlChecker(text).check(); }

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ttnn_graph_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// Per node index, its statement line in the DOT source ("n12 [label=...];").
std::map<size_t, std::string> dot_node_lines(const std::string& dot) {
  std::map<size_t, std::string> lines;
  std::stringstream in(dot);
  for (std::string line; std::getline(in, line);) {
    const size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line[start] != 'n' || line.find(" [label=", start) == std::string::npos) continue;
    const size_t end = line.find(' ', start);
    lines[std::stoul(line.substr(start + 1, end - start - 1))] = line.substr(start);
  }
  return lines;
}

Graph mobilenetv2_graph(const Shape& input = Shape{1, 3, 224, 224}) {
  return model::trace(model::MobileNetV2Module(), input);
}

void expect_same_graph(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  EXPECT_EQ(a.output_node, b.output_node);
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    SCOPED_TRACE("node " + std::to_string(i));
    const GraphNode &x = a.nodes[i], &y = b.nodes[i];
    EXPECT_EQ(x.operation, y.operation);
    EXPECT_EQ(x.module_path, y.module_path);
    EXPECT_EQ(x.module_type, y.module_type);
    EXPECT_EQ(x.input_shapes, y.input_shapes);
    EXPECT_EQ(x.shapes, y.shapes);
    EXPECT_EQ(x.attributes, y.attributes);
    ASSERT_EQ(x.in_edges.size(), y.in_edges.size());
    for (size_t e = 0; e < x.in_edges.size(); ++e) {
      EXPECT_EQ(x.in_edges[e].source_node, y.in_edges[e].source_node);
      EXPECT_EQ(x.in_edges[e].source_output_index, y.in_edges[e].source_output_index);
      EXPECT_EQ(x.in_edges[e].sink_input_index, y.in_edges[e].sink_input_index);
    }
  }
}

// A hand-made graph with what MobileNetV2 lacks: several outputs, a second output consumed, text that
// DOT, SVG and JSON must escape, and a block made only of a composite's functional op.
Graph unusual_graph() {
  Graph graph;
  GraphNode input;
  input.operation = "input";
  input.shapes = {Shape{2, 3, 8, 8}};
  graph.nodes.push_back(input);
  GraphNode split;
  split.operation = "split";
  split.module_path = "body.0";
  split.module_type = "Splitter \"quoted\" <&>";
  split.input_shapes = {Shape{2, 3, 8, 8}};
  split.shapes = {Shape{2, 1, 8, 8}, Shape{2, 2, 8, 8}};
  split.in_edges = {GraphEdge{0, 0, 0}};
  split.attributes = {{"sizes", "(1, 2)"}, {"note", "back\\slash \"q\" <tag> & \xc3\xa9"}};
  graph.nodes.push_back(split);
  GraphNode leaf;
  leaf.operation = "Identity";
  leaf.module_path = "head.1";
  leaf.module_type = "Identity";
  leaf.input_shapes = {Shape{2, 2, 8, 8}};
  leaf.shapes = {Shape{2, 2, 8, 8}};
  leaf.in_edges = {GraphEdge{1, 1, 0}};
  graph.nodes.push_back(leaf);
  GraphNode cat;
  cat.operation = "concat";
  cat.module_type = "Root";
  cat.input_shapes = {Shape{2, 1, 8, 8}, Shape{2, 2, 8, 8}};
  cat.shapes = {Shape{2, 3, 8, 8}};
  cat.in_edges = {GraphEdge{1, 0, 0}, GraphEdge{2, 0, 1}};
  graph.nodes.push_back(cat);
  graph.output_node = 3;
  return graph;
}

// ---------------------------------------------------------------------------------------------------

TEST(XmlChecker, AcceptsWellFormedAndRejectsBrokenDocuments) {
  EXPECT_EQ(xml_error("<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n"
                      "<!-- c --><svg a='1' b=\"&lt;&#60;&#x3c;\"><g><![CDATA[<not a tag>]]>t &amp; u</g><e/></svg>\n"),
            "");
  for (const char* broken : {"<a><b></a></b>", "<a>", "<a></a><b></b>", "<a x=\"1\" x=\"2\"/>", "<a x=\"<\"/>",
                             "<a>&nbsp;</a>", "<a>& b</a>", "<a x=1/>", "text", "<a></a>trailing", "<a x=\"1\"y=\"2\"/>"}) {
    EXPECT_NE(xml_error(broken), "") << broken;
  }
}

TEST(GraphExport, MobileNetV2HasNineteenBlocks) {
  const Graph graph = mobilenetv2_graph();
  std::vector<std::string> expected;
  for (int i = 0; i <= 18; ++i) expected.push_back("features." + std::to_string(i));
  EXPECT_EQ(io::graph_blocks(graph), expected);  // stem, 17 inverted residual blocks, head
  const auto blocks = io::graph_node_blocks(graph);
  ASSERT_EQ(blocks.size(), graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const GraphNode& node = graph.nodes[i];
    if (node.module_path.rfind("features.", 0) == 0) {
      EXPECT_EQ(node.module_path.rfind(blocks[i], 0), 0u) << node.module_path;
    } else {
      EXPECT_EQ(blocks[i], "") << node.operation << " " << node.module_path;  // input, pooling, classifier
    }
  }
}

TEST(GraphExport, BlockRuleGroupsCompositesOnly) {
  const Graph graph = unusual_graph();
  // body.0's split is a composite's own op (its type is not its operation): a block of one node. head.1 is
  // a leaf at depth two and the concat belongs to the root: neither is in a block.
  EXPECT_EQ(io::graph_node_blocks(graph), (std::vector<std::string>{"", "body.0", "", ""}));
}

TEST(GraphExport, SvgIsWellFormedWithOneNodePerOpAndOneClusterPerBlock) {
  const TempDir dir;
  const Graph graph = mobilenetv2_graph();
  const auto path = dir.path() / "model_graph.svg";
  io::write_graph_svg(graph, path);
  const std::string svg = read_file(path);
  ASSERT_FALSE(svg.empty());
  EXPECT_EQ(xml_error(svg), "");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"node\""), graph.nodes.size());
  EXPECT_EQ(count(svg, "class=\"cluster\""), 19u);
  size_t edges = 0;
  for (const GraphNode& node : graph.nodes) edges += node.in_edges.size();
  EXPECT_EQ(count(svg, "class=\"edge\""), edges);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    EXPECT_EQ(count(svg, "<title>n" + std::to_string(i) + "</title>"), 1u) << i;
  EXPECT_EQ(count(svg, "<title>cluster_features.3</title>"), 1u);
  EXPECT_NE(svg.find("features.3.conv.1.0"), std::string::npos);
  EXPECT_NE(svg.find("1x144x56x56 &#45;&gt; 1x144x56x56"), std::string::npos);  // "->", as Graphviz escapes it
  // Written through a temporary file that is gone afterwards.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()), 1);
}

TEST(GraphExport, SvgEscapesUnusualText) {
  const TempDir dir;
  const Graph graph = unusual_graph();
  const auto path = dir.path() / "unusual.svg";
  io::write_graph_svg(graph, path);
  const std::string svg = read_file(path);
  EXPECT_EQ(xml_error(svg), "");
  EXPECT_EQ(count(svg, "class=\"node\""), graph.nodes.size());
  EXPECT_EQ(count(svg, "class=\"cluster\""), 1u);
  EXPECT_NE(svg.find("out 1"), std::string::npos);  // the edge from the second output is labelled
}

TEST(GraphExport, WriteSvgIntoAMissingDirectoryFails) {
  const TempDir dir;
  EXPECT_THROW(io::write_graph_svg(mobilenetv2_graph(), dir.path() / "missing" / "g.svg"), InvalidArgument);
}

TEST(GraphExport, DotNodesShowOpPathAndShapes) {
  const Graph graph = mobilenetv2_graph(Shape{3, 3, 160, 192});
  const std::string dot = io::graph_to_dot(graph);
  const auto lines = dot_node_lines(dot);
  ASSERT_EQ(lines.size(), graph.nodes.size());
  EXPECT_EQ(count(dot, "subgraph \"cluster_"), 19u);
  EXPECT_EQ(lines.at(0), "n0 [label=\"input\\n3x3x160x192\", fillcolor=\"#eeeeee\"];");
  // The stem conv: op, path, shapes, window.
  EXPECT_NE(lines.at(1).find("Conv2d\\nfeatures.0.0\\n3x3x160x192 -> 3x32x80x96\\nk3 s2 p1"), std::string::npos)
      << lines.at(1);
  for (const auto& [index, line] : lines) {
    EXPECT_EQ(line.find("LoFi"), std::string::npos);  // no configuration without annotations
    if (graph.nodes[index].operation == "add") {
      EXPECT_NE(line.find(" + "), std::string::npos) << line;  // both inputs' shapes
    }
  }
  EXPECT_NE(lines.at(graph.output_node).find("peripheries=2"), std::string::npos);
}

TEST(GraphExport, DotCarriesTheConfigurationAfterLowering) {
  auto module = std::make_shared<const model::MobileNetV2Module>();
  const Shape input{1, 3, 224, 224};
  auto parameters = model::create_model_parameters(module, model::random_state_dict(*module), input);
  auto device = open_device(0);
  model::ModelConfig config;  // bfloat8_b, LoFi
  config.overrides["features.0.0"].dtype = DataType::BFLOAT16;
  config.overrides["features.0.0"].weights_dtype = DataType::BFLOAT16;
  config.overrides["features.0.0"].math_fidelity = MathFidelity::HiFi4;
  const model::Model model(std::move(parameters), *device, config);
  const io::GraphAnnotations annotations(model.steps());
  const Graph& graph = model.parameters().graph;
  const std::string dot = io::graph_to_dot(graph, &annotations);
  const auto lines = dot_node_lines(dot);
  ASSERT_EQ(lines.size(), graph.nodes.size());

  size_t convs = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const GraphNode& node = graph.nodes[i];
    const std::string& line = lines.at(i);
    SCOPED_TRACE(line);
    if (node.operation == "Conv2d") {
      ++convs;
      EXPECT_NE(line.find("ttnn.conv2d: "), std::string::npos);
      EXPECT_TRUE(line.find("HEIGHT_SHARDED") != std::string::npos || line.find("BLOCK_SHARDED") != std::string::npos);
      if (node.module_path == "features.0.0") {
        EXPECT_NE(line.find("bfloat16 / weights bfloat16 / HiFi4"), std::string::npos);
      } else {
        EXPECT_NE(line.find("bfloat8_b / weights bfloat8_b / LoFi"), std::string::npos);
      }
    } else if (node.operation == "BatchNorm2d" || node.operation == "ReLU6") {
      EXPECT_NE(line.find("fused into conv2d features."), std::string::npos);
    } else if (node.operation == "Linear") {
      EXPECT_NE(line.find("ttnn.linear: "), std::string::npos);
    } else {
      EXPECT_EQ(line.find("ttnn."), std::string::npos);
      EXPECT_EQ(line.find("fused"), std::string::npos);
    }
  }
  EXPECT_EQ(convs, 52u);
  EXPECT_NE(lines.at(2).find("fused into conv2d features.0.0"), std::string::npos);  // features.0.1
  EXPECT_NE(dot.find("HEIGHT_SHARDED"), std::string::npos);  // the early layers
  EXPECT_NE(dot.find("BLOCK_SHARDED"), std::string::npos);   // the late ones

  // The annotated picture renders too.
  const TempDir dir;
  io::write_graph_svg(graph, dir.path() / "annotated.svg", &annotations);
  const std::string svg = read_file(dir.path() / "annotated.svg");
  EXPECT_EQ(xml_error(svg), "");
  EXPECT_EQ(count(svg, "class=\"node\""), graph.nodes.size());
  EXPECT_EQ(count(svg, "class=\"cluster\""), 19u);
  EXPECT_NE(svg.find("bfloat8_b / weights bfloat8_b / LoFi"), std::string::npos);
}

TEST(GraphExport, AnnotationsFromStepsCoverFusedModules) {
  model::ModelStep conv;
  conv.op = "conv2d";
  conv.module_path = "a.0";
  conv.fused = {"a.1", "a.2"};
  conv.dtype = DataType::BFLOAT8_B;
  conv.math_fidelity = MathFidelity::HiFi2;
  conv.shard_layout = TensorMemoryLayout::BLOCK_SHARDED;
  model::ModelStep add;
  add.op = "add";
  add.module_path = "a";
  const io::GraphAnnotations annotations(std::vector<model::ModelStep>{conv, add});
  EXPECT_EQ(annotations.size(), 3u);
  ASSERT_NE(annotations.find("a.0"), nullptr);
  EXPECT_FALSE(annotations.find("a.0")->fused);
  EXPECT_EQ(annotations.find("a.0")->math_fidelity, MathFidelity::HiFi2);
  ASSERT_NE(annotations.find("a.2"), nullptr);
  EXPECT_TRUE(annotations.find("a.2")->fused);
  EXPECT_EQ(annotations.find("a.2")->op_path, "a.0");
  EXPECT_EQ(annotations.find("a"), nullptr);  // steps without weights carry no configuration
}

TEST(GraphExport, JsonRoundTripsToAnIdenticalGraph) {
  for (const Graph& graph : {mobilenetv2_graph(), mobilenetv2_graph(Shape{3, 3, 160, 192}), unusual_graph()}) {
    const std::string json = io::graph_to_json(graph);
    const Graph back = io::graph_from_json(json);
    expect_same_graph(graph, back);
    EXPECT_EQ(io::graph_to_json(back), json);
  }
}

TEST(GraphExport, MalformedJsonIsRejected) {
  const std::string good = io::graph_to_json(unusual_graph());
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not valid JSON"},
      {"{\"format\": \"ttnn-cpp-graph\",", "not valid JSON"},
      {"[1, 2]", "top level: expected an object, got array"},
      {"{}", "missing member 'format'"},
      {replaced("\"ttnn-cpp-graph\"", "\"other\""), "format: 'other'"},
      {replaced("\"version\": 1", "\"version\": 2"), "version: 2 is not supported"},
      {replaced("\"output_node\": 3", "\"output_node\": 4"), "output_node: 4 but the graph has 4 nodes"},
      {replaced("\"output_node\": 3", "\"output_node\": -1"), "output_node: expected a non-negative integer, got -1"},
      {replaced("\"operation\": \"split\"", "\"operation\": 7"), "nodes[1].operation: expected a string, got number"},
      {replaced("\"operation\": \"split\",", ""), "nodes[1]: missing member 'operation'"},
      {replaced("\"source_node\": 1", "\"source_node\": 3"), "nodes[2].in_edges[0].source_node: 3 is not an earlier node"},
      {replaced("\"source_output_index\": 1", "\"source_output_index\": 2"),
       "nodes[2].in_edges[0].source_output_index: 2 but node 1 has 2 output(s)"},
      {replaced("[\n     2,\n     2,\n     8,\n     8\n    ]\n   ],\n   \"shapes\"",
                "[\n     2,\n     2,\n     8,\n     9\n    ]\n   ],\n   \"shapes\""),
       "nodes[2].in_edges[0]: node 1 output 1 has shape [2, 2, 8, 8], but input_shapes[0] is [2, 2, 8, 9]"},
      {replaced("\"sizes\": \"(1, 2)\"", "\"sizes\": [1, 2]"), "nodes[1].attributes.sizes: expected a string"},
      {replaced("\"attributes\": {}", "\"attributes\": []"), "attributes: expected an object, got array"},
      {replaced("[\n     2,\n     3,\n     8,\n     8\n    ]", "[\n     2,\n     3.5,\n     8,\n     8\n    ]"),
       "expected a non-negative integer, got 3.5"},
      {replaced("[\n     2,\n     3,\n     8,\n     8\n    ]", "[\n     2,\n     4294967296,\n     8,\n     8\n    ]"),
       "4294967296 is larger than 4294967295"},
      {replaced("[\n     2,\n     3,\n     8,\n     8\n    ]", "[1,1,1,1,1,1,1,1,1]"), "rank 9 exceeds 8"},
      {replaced("\"nodes\": [", "\"nodes\": [] , \"x\": ["), "nodes: a graph has at least its input node"},
  };
  for (const auto& [text, expected] : cases) {
    try {
      (void)io::graph_from_json(text);
      ADD_FAILURE() << "accepted: " << text.substr(0, 200);
    } catch (const FormatError& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.rfind("graph JSON: ", 0), 0u) << message;
      EXPECT_NE(message.find(expected), std::string::npos) << "expected '" << expected << "' in: " << message;
    }
  }
}

}  // namespace
}  // namespace ttnn::test
