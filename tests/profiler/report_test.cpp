// The profile report: the CSV parses with the documented header, the SVG charts are well-formed XML with
// one bar per conv layer, and the summary's FPS are batch / kernel time.
#include <gtest/gtest.h>

#include <set>

#include <sstream>

#include "mobilenetv2/report/ops_report.hpp"
#include "mobilenetv2/report/svg.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn::test {

std::vector<profiler::OpRecord> profiled_forward_pass(DataType dtype, MathFidelity fidelity, double* wall_ns);

namespace {

using namespace mobilenetv2::report;

// RFC 4180 records (quoted fields may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      row.push_back(field), field.clear(), field_started = false;
    } else if (c == '\n') {
      row.push_back(field), field.clear(), field_started = false;
      rows.push_back(row), row.clear();
    } else {
      field += c, field_started = true;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(field.empty() && row.empty()) << "last line lacks a newline";
  return rows;
}

// A strict check of the XML the writer produces: one prolog, balanced elements, quoted attributes, and
// only the five predefined entities. Returns "" or what is wrong.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> stack;
  size_t i = 0;
  if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
  bool root_seen = false;
  auto check_entities = [](std::string_view text) -> bool {
    for (size_t p = text.find('&'); p != std::string_view::npos; p = text.find('&', p + 1)) {
      bool ok = false;
      for (const char* entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
        if (text.substr(p, std::string_view(entity).size()) == entity) ok = true;
      if (!ok) return false;
    }
    return text.find('<') == std::string_view::npos;
  };
  while (i < xml.size()) {
    const size_t open = xml.find('<', i);
    const std::string_view text = std::string_view(xml).substr(i, open == std::string::npos ? std::string::npos : open - i);
    if (!check_entities(text)) return "bad text: " + std::string(text.substr(0, 40));
    if (stack.empty() && text.find_first_not_of(" \n\r\t") != std::string_view::npos) return "text outside the root";
    if (open == std::string::npos) break;
    const size_t close = xml.find('>', open);
    if (close == std::string::npos) return "unclosed tag";
    std::string tag = xml.substr(open + 1, close - open - 1);
    i = close + 1;
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) return "mismatched </" + tag.substr(1) + ">";
      stack.pop_back();
      continue;
    }
    const bool self_closing = tag.back() == '/';
    if (self_closing) tag.pop_back();
    const std::string name = tag.substr(0, tag.find_first_of(" \n\t"));
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return "bad element name in <" + tag + ">";
    // Attributes: name="value" pairs.
    size_t p = name.size();
    while (p < tag.size()) {
      while (p < tag.size() && tag[p] == ' ') ++p;
      if (p >= tag.size()) break;
      const size_t equals = tag.find('=', p);
      if (equals == std::string::npos || equals + 1 >= tag.size() || tag[equals + 1] != '"')
        return "unquoted attribute in <" + name + ">";
      const size_t end = tag.find('"', equals + 2);
      if (end == std::string::npos) return "unterminated attribute in <" + name + ">";
      if (!check_entities(std::string_view(tag).substr(equals + 2, end - equals - 2))) return "bad attribute value";
      p = end + 1;
    }
    if (stack.empty()) {
      if (root_seen) return "two root elements";
      root_seen = true;
    }
    if (!self_closing) stack.push_back(name);
    else if (stack.empty()) return "self-closing root";
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  return root_seen ? "" : "no root element";
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// Two iterations of a bfloat8_b/LoFi forward pass and one of bfloat16/HiFi4, profiled once for all tests.
const ProfiledRun& lofi_run() {
  static const ProfiledRun run = [] {
    ProfiledRun r;
    r.label = "bfloat8_b/LoFi";
    r.batch = 2;
    for (int i = 0; i < 2; ++i) {
      double wall = 0;
      r.iterations.push_back(profiled_forward_pass(DataType::BFLOAT8_B, MathFidelity::LoFi, &wall));
      r.wall_seconds.push_back(wall * 1e-9);
    }
    return r;
  }();
  return run;
}

const ProfiledRun& hifi_run() {
  static const ProfiledRun run = [] {
    ProfiledRun r;
    r.label = "bfloat16/HiFi4 <&>";  // a label that needs escaping
    r.batch = 2;
    double wall = 0;
    r.iterations.push_back(profiled_forward_pass(DataType::BFLOAT16, MathFidelity::HiFi4, &wall));
    r.wall_seconds.push_back(wall * 1e-9);
    return r;
  }();
  return run;
}

size_t conv_count(const ProfiledRun& run) {
  size_t n = 0;
  for (const auto& r : run.iterations.at(0)) n += r.op_code == "conv2d";
  return n;
}

TEST(ProfileReport, CsvParsesWithTheDocumentedHeader) {
  const ProfiledRun& run = lofi_run();
  std::ostringstream out;
  write_ops_perf_csv(out, run);
  const auto rows = parse_csv(out.str());
  ASSERT_FALSE(rows.empty());
  const std::vector<std::string> expected_start{"OP CODE", "OP TYPE", "GLOBAL CALL COUNT", "ITERATION", "MODULE PATH",
                                                "HOST START TS", "HOST DURATION [ns]", "DEVICE KERNEL DURATION [ns]",
                                                "PARALLEL REGIONS", "MATH FIDELITY", "CORE COUNT", "SHARDING STRATEGY",
                                                "INPUT_0_W", "INPUT_0_Z", "INPUT_0_Y", "INPUT_0_X", "INPUT_0_LAYOUT",
                                                "INPUT_0_DATATYPE", "INPUT_0_MEMORY"};
  const auto& header = rows[0];
  ASSERT_EQ(header, csv_columns());
  ASSERT_EQ(header.size(), 12u + 4 * 7);
  EXPECT_TRUE(std::equal(expected_start.begin(), expected_start.end(), header.begin()));
  EXPECT_EQ(header.back(), "OUTPUT_0_MEMORY");
  size_t records = 0;
  for (const auto& iteration : run.iterations) records += iteration.size();
  ASSERT_EQ(rows.size(), records + 1);
  auto column = [&](const char* name) { return size_t(std::find(header.begin(), header.end(), name) - header.begin()); };
  size_t convs = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), header.size()) << "row " << i;
    EXPECT_GT(std::stoull(row[column("HOST DURATION [ns]")]), 0u);
    (void)std::stoull(row[column("DEVICE KERNEL DURATION [ns]")]);
    (void)std::stoul(row[column("CORE COUNT")]);
    if (row[column("OP CODE")] == "conv2d") {
      ++convs;
      EXPECT_EQ(row[column("MATH FIDELITY")], "LoFi");
      EXPECT_EQ(row[column("OP TYPE")], "tt_dnn_device");
      EXPECT_EQ(row[column("OUTPUT_0_DATATYPE")], "BFLOAT8_B");
      EXPECT_EQ(row[column("OUTPUT_0_LAYOUT")], "TILE");
      EXPECT_EQ(row[column("OUTPUT_0_MEMORY")].rfind("DEV_0_", 0), 0u);
      EXPECT_FALSE(row[column("MODULE PATH")].empty());
    }
  }
  EXPECT_EQ(convs, 2 * conv_count(run));
  EXPECT_EQ(rows[1][column("OP CODE")], "from_host");
  EXPECT_EQ(rows[1][column("OP TYPE")], "host");
  EXPECT_EQ(rows[1][column("INPUT_0_W")], "");  // no input tensor
}

TEST(ProfileReport, CsvQuotesFieldsThatNeedIt) {
  ProfiledRun run;
  profiler::OpRecord record;
  record.op_code = "odd,\"op\"";
  record.module_path = "a\nb";
  run.iterations.push_back({record});
  std::ostringstream out;
  write_ops_perf_csv(out, run);
  const auto rows = parse_csv(out.str());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "odd,\"op\"");
  EXPECT_EQ(rows[1][4], "a\nb");
}

TEST(ProfileReport, ConvChartHasOneBarPerConvLayer) {
  const size_t convs = conv_count(lofi_run());
  ASSERT_GT(convs, 10u);
  const std::string svg = conv_kernel_duration_svg({&lofi_run()});
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_EQ(count(svg, "class=\"bar\""), convs);
  for (const auto& r : lofi_run().iterations.at(0))  // each bar names its layer
    if (r.op_code == "conv2d") {
      EXPECT_NE(svg.find(r.module_path), std::string::npos) << r.module_path;
    }

  // A bar per run for every conv layer either run has.
  std::set<std::string> layers;
  for (const ProfiledRun* run : {&lofi_run(), &hifi_run()})
    for (const auto& r : run->iterations.at(0))
      if (r.op_code == "conv2d") layers.insert(r.module_path);
  const std::string both = conv_kernel_duration_svg({&lofi_run(), &hifi_run()});
  EXPECT_EQ(xml_problem(both), "");
  EXPECT_EQ(count(both, "class=\"bar\""), 2 * layers.size());
  EXPECT_NE(both.find("bfloat16/HiFi4 &lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(both.find("HiFi4 <&>"), std::string::npos);
}

TEST(ProfileReport, OpTypeShareChartHasOneBarPerOpType) {
  const auto shares = op_type_shares(lofi_run());
  double total = 0;
  for (const auto& share : shares) total += share.kernel_ns;
  EXPECT_GT(total, 0);
  EXPECT_EQ(shares.front().op_code, "conv2d");  // convs are most of MobileNetV2's time
  const std::string svg = op_type_share_svg({&lofi_run()});
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_EQ(count(svg, "class=\"bar\""), shares.size());
  const std::string both = op_type_share_svg({&lofi_run(), &hifi_run()});
  EXPECT_EQ(xml_problem(both), "");
  EXPECT_EQ(count(both, "class=\"bar\""), 2 * shares.size());
}

TEST(ProfileReport, SvgWriterEscapesAndStaysWellFormed) {
  EXPECT_EQ(escape_xml("a<b & \"c\" 'd'>\x01"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  SvgWriter svg(100, 50);
  svg.rect(1, 2, 3, 4, "#f00", "bar", "tip <1>");
  svg.text(5, 6, "x & y", 10, "middle", -45);
  svg.line(0, 0, 10, 10);
  const std::string doc = svg.str();
  EXPECT_EQ(xml_problem(doc), "");
  EXPECT_NE(doc.find("<title>tip &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(xml_problem("<svg><rect></svg>"), "");  // the checker does reject broken documents
  EXPECT_NE(xml_problem("<svg a=b/>"), "");
  EXPECT_NE(xml_problem("<svg>a & b</svg>"), "");
}

TEST(ProfileReport, SummaryFpsIsBatchOverKernelTime) {
  const ProfiledRun& run = lofi_run();
  const Summary s = summarize(run);
  EXPECT_EQ(s.iterations, 2u);
  EXPECT_EQ(s.batch, 2u);
  double conv_ns = 0, other_ns = 0;
  for (const auto& iteration : run.iterations)
    for (const auto& r : iteration) {
      if (classify(r.op_code) == OpClass::matmul_conv) conv_ns += double(r.kernel_duration_ns);
      else if (classify(r.op_code) == OpClass::other_device) other_ns += double(r.kernel_duration_ns);
    }
  conv_ns /= 2, other_ns /= 2;
  EXPECT_NEAR(s.matmul_conv_ns, conv_ns, 1e-6 * conv_ns);
  EXPECT_NEAR(s.fps_matmul_conv, 2 / (conv_ns * 1e-9), 1e-6 * s.fps_matmul_conv);
  EXPECT_NEAR(s.fps_other_device, 2 / (other_ns * 1e-9), 1e-6 * s.fps_other_device);
  EXPECT_NEAR(s.fps_all_device, 2 / ((conv_ns + other_ns) * 1e-9), 1e-6 * s.fps_all_device);
  EXPECT_LT(s.fps_all_device, s.fps_matmul_conv);
  EXPECT_GT(s.images_per_second, 0);
  EXPECT_LE(s.images_per_second, s.fps_all_device);  // wall time includes everything kernel time does
  const Summary both[] = {s, summarize(hifi_run())};
  const std::string table = format_summary(both);
  for (const char* line : {"FPS (MatMul/Conv Ops only)", "FPS (Other Device Ops)", "FPS (All Ops)",
                           "End-to-end images/s", "bfloat8_b/LoFi", "bfloat16/HiFi4"})
    EXPECT_NE(table.find(line), std::string::npos) << line;
}

}  // namespace
}  // namespace ttnn::test
