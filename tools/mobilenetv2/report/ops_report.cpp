#include "mobilenetv2/report/ops_report.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <ostream>

#include <fmt/format.h>

namespace mobilenetv2::report {
namespace {

using ttnn::profiler::TensorRecord;

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = char(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string memory_name(const TensorRecord& tensor) {
  if (tensor.device_id < 0) return "HOST";
  return fmt::format("DEV_{}_{}_{}", tensor.device_id, upper(ttnn::to_string(tensor.memory_config.buffer_type)),
                     upper(ttnn::to_string(tensor.memory_config.memory_layout)));
}

void tensor_fields(std::vector<std::string>& row, const std::vector<TensorRecord>& tensors, size_t index) {
  if (index >= tensors.size()) {
    row.insert(row.end(), 7, "");
    return;
  }
  const TensorRecord& t = tensors[index];
  const auto dims = t.shape.dims();
  for (size_t d = 0; d < 4; ++d) {  // W, Z, Y, X: the last four dims, padded with 1 on the left
    const size_t from_end = 4 - d;
    row.push_back(std::to_string(dims.size() >= from_end ? dims[dims.size() - from_end] : 1u));
  }
  row.push_back(upper(ttnn::to_string(t.layout)));
  row.push_back(upper(ttnn::to_string(t.dtype)));
  row.push_back(memory_name(t));
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

double fps(uint32_t batch, double ns) { return ns > 0 ? batch / (ns * 1e-9) : 0.0; }

}  // namespace

OpClass classify(const std::string& op_code) {
  if (op_code == "conv2d" || op_code == "matmul" || op_code == "linear") return OpClass::matmul_conv;
  if (op_code == "from_host" || op_code == "to_host" || op_code == "to_device" || op_code == "from_device")
    return OpClass::host;
  return OpClass::other_device;
}

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c{"OP CODE",
                               "OP TYPE",
                               "GLOBAL CALL COUNT",
                               "ITERATION",
                               "MODULE PATH",
                               "HOST START TS",
                               "HOST DURATION [ns]",
                               "DEVICE KERNEL DURATION [ns]",
                               "PARALLEL REGIONS",
                               "MATH FIDELITY",
                               "CORE COUNT",
                               "SHARDING STRATEGY"};
    for (const char* tensor : {"INPUT_0", "INPUT_1", "INPUT_2", "OUTPUT_0"})
      for (const char* field : {"_W", "_Z", "_Y", "_X", "_LAYOUT", "_DATATYPE", "_MEMORY"})
        c.push_back(std::string(tensor) + field);
    return c;
  }();
  return columns;
}

void write_ops_perf_csv(std::ostream& out, const ProfiledRun& run) {
  const auto& columns = csv_columns();
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csv_field(columns[i]);
  out << "\n";
  std::vector<std::string> row;
  for (size_t iteration = 0; iteration < run.iterations.size(); ++iteration)
    for (const OpRecord& r : run.iterations[iteration]) {
      row.clear();
      row.push_back(r.op_code);
      row.push_back(classify(r.op_code) == OpClass::host ? "host" : "tt_dnn_device");
      row.push_back(std::to_string(r.call_index));
      row.push_back(std::to_string(iteration));
      row.push_back(r.module_path);
      row.push_back(std::to_string(r.host_start_ns));
      row.push_back(std::to_string(r.host_duration_ns));
      row.push_back(std::to_string(r.kernel_duration_ns));
      row.push_back(std::to_string(r.parallel_regions));
      row.push_back(r.math_fidelity ? std::string(ttnn::to_string(*r.math_fidelity)) : "");
      row.push_back(std::to_string(r.core_count));
      row.push_back(std::string(ttnn::to_string(r.sharding)));
      for (size_t input = 0; input < 3; ++input) tensor_fields(row, r.inputs, input);
      tensor_fields(row, r.outputs, 0);
      for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
      out << "\n";
    }
}

Summary summarize(const ProfiledRun& run) {
  Summary s;
  s.label = run.label;
  s.batch = run.batch;
  s.iterations = run.iterations.size();
  if (s.iterations == 0) return s;
  for (const auto& iteration : run.iterations) {
    s.ops_per_iteration = std::max(s.ops_per_iteration, iteration.size());
    for (const OpRecord& r : iteration) {
      const auto kernel = double(r.kernel_duration_ns);
      s.host_ns += double(r.host_duration_ns);
      switch (classify(r.op_code)) {
        case OpClass::matmul_conv: s.matmul_conv_ns += kernel; break;
        case OpClass::other_device: s.other_device_ns += kernel; break;
        case OpClass::host: s.host_transfer_ns += kernel; break;
      }
    }
  }
  const auto n = double(s.iterations);
  s.matmul_conv_ns /= n;
  s.other_device_ns /= n;
  s.host_transfer_ns /= n;
  s.host_ns /= n;
  s.all_device_ns = s.matmul_conv_ns + s.other_device_ns;
  s.fps_matmul_conv = fps(s.batch, s.matmul_conv_ns);
  s.fps_other_device = fps(s.batch, s.other_device_ns);
  s.fps_all_device = fps(s.batch, s.all_device_ns);
  const double wall = median(run.wall_seconds);
  s.wall_ms_median = wall * 1e3;
  s.images_per_second = wall > 0 ? s.batch / wall : 0;
  return s;
}

std::string format_summary(std::span<const Summary> summaries) {
  struct Line {
    const char* name;
    std::string (*value)(const Summary&);
  };
  static const Line lines[] = {
      {"Batch", [](const Summary& s) { return std::to_string(s.batch); }},
      {"Iterations", [](const Summary& s) { return std::to_string(s.iterations); }},
      {"Ops per forward pass", [](const Summary& s) { return std::to_string(s.ops_per_iteration); }},
      {"MatMul/Conv kernel time [ms]", [](const Summary& s) { return fmt::format("{:.3f}", s.matmul_conv_ns * 1e-6); }},
      {"Other device kernel time [ms]", [](const Summary& s) { return fmt::format("{:.3f}", s.other_device_ns * 1e-6); }},
      {"FPS (MatMul/Conv Ops only)", [](const Summary& s) { return fmt::format("{:.3f}", s.fps_matmul_conv); }},
      {"FPS (Other Device Ops)", [](const Summary& s) { return fmt::format("{:.3f}", s.fps_other_device); }},
      {"FPS (All Ops)", [](const Summary& s) { return fmt::format("{:.3f}", s.fps_all_device); }},
      {"Host time of all ops [ms]", [](const Summary& s) { return fmt::format("{:.3f}", s.host_ns * 1e-6); }},
      {"Wall time per pass [ms] (median)", [](const Summary& s) { return fmt::format("{:.3f}", s.wall_ms_median); }},
      {"End-to-end images/s (wall clock)", [](const Summary& s) { return fmt::format("{:.3f}", s.images_per_second); }},
  };
  size_t name_width = std::string_view("Metric").size();
  for (const Line& line : lines) name_width = std::max(name_width, std::string_view(line.name).size());
  std::vector<size_t> widths;
  for (const Summary& s : summaries) {
    size_t width = s.label.size();
    for (const Line& line : lines) width = std::max(width, line.value(s).size());
    widths.push_back(width);
  }
  std::string out = fmt::format("| {:<{}} |", "Metric", name_width);
  for (size_t i = 0; i < summaries.size(); ++i) out += fmt::format(" {:>{}} |", summaries[i].label, widths[i]);
  out += fmt::format("\n|{:-<{}}|", "", name_width + 2);
  for (size_t width : widths) out += fmt::format("{:-<{}}|", "", width + 2);
  out += "\n";
  for (const Line& line : lines) {
    out += fmt::format("| {:<{}} |", line.name, name_width);
    for (size_t i = 0; i < summaries.size(); ++i) out += fmt::format(" {:>{}} |", line.value(summaries[i]), widths[i]);
    out += "\n";
  }
  return out;
}

std::vector<LayerDuration> conv_layers(const ProfiledRun& run) {
  std::vector<LayerDuration> layers;
  for (const auto& iteration : run.iterations) {
    size_t index = 0;
    for (const OpRecord& r : iteration) {
      if (r.op_code != "conv2d") continue;
      if (index == layers.size()) {
        LayerDuration layer;
        layer.module_path = r.module_path.empty() ? fmt::format("conv2d #{}", index) : r.module_path;
        if (!r.inputs.empty() && !r.outputs.empty()) {
          const auto in = r.inputs[0].shape.dims(), out = r.outputs[0].shape.dims();
          const uint64_t in_rows = in.size() >= 2 ? in[in.size() - 2] : 1, out_rows = out.size() >= 2 ? out[out.size() - 2] : 1;
          layer.description = fmt::format("{}->{}{}", in.empty() ? 0 : in.back(), out.empty() ? 0 : out.back(),
                                          in_rows > out_rows ? " /2" : "");
        }
        layers.push_back(layer);
      }
      layers[index++].kernel_ns += double(r.kernel_duration_ns);
    }
  }
  for (LayerDuration& layer : layers) layer.kernel_ns /= double(std::max<size_t>(1, run.iterations.size()));
  return layers;
}

std::vector<OpShare> op_type_shares(const ProfiledRun& run) {
  std::map<std::string, OpShare> by_code;
  for (const auto& iteration : run.iterations)
    for (const OpRecord& r : iteration) {
      OpShare& share = by_code[r.op_code];
      share.op_code = r.op_code;
      share.kernel_ns += double(r.kernel_duration_ns);
      ++share.calls;
    }
  std::vector<OpShare> shares;
  const auto n = double(std::max<size_t>(1, run.iterations.size()));
  for (auto& [code, share] : by_code) {
    share.kernel_ns /= n;
    share.calls = size_t(double(share.calls) / n + 0.5);
    shares.push_back(share);
  }
  std::stable_sort(shares.begin(), shares.end(), [](const OpShare& a, const OpShare& b) { return a.kernel_ns > b.kernel_ns; });
  return shares;
}

}  // namespace mobilenetv2::report
