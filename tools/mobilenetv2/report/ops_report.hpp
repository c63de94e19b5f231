// The ops perf report of `mobilenetv2 profile`: the per-op CSV (columns named like TT-NN's
// ops_perf_results.csv), the FPS summary of the seed (section 3.4) and the per-layer series the charts draw.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "ttnn/profiler.hpp"

namespace mobilenetv2::report {

using ttnn::profiler::OpRecord;

// One profiled configuration: the op records of each measured forward pass.
struct ProfiledRun {
  std::string label;  // e.g. "bfloat8_b/LoFi"
  uint32_t batch = 1;
  std::vector<std::vector<OpRecord>> iterations;  // one forward pass (Model::run) each
  std::vector<double> wall_seconds;               // per iteration, wall clock around Model::run
};

// How the summary counts an op: MatMul/Conv (conv2d, matmul, linear), another device op, or a host
// transfer (from_host, to_host, to_device, from_device: outside every FPS figure).
enum class OpClass { matmul_conv, other_device, host };
OpClass classify(const std::string& op_code);

// The CSV's columns, in order: OP CODE, OP TYPE, GLOBAL CALL COUNT, ITERATION, MODULE PATH, HOST START TS,
// HOST DURATION [ns], DEVICE KERNEL DURATION [ns], PARALLEL REGIONS, MATH FIDELITY, CORE COUNT,
// SHARDING STRATEGY, then for INPUT_0, INPUT_1, INPUT_2 and OUTPUT_0: _W, _Z, _Y, _X (the shape padded on the
// left to 4 dims), _LAYOUT, _DATATYPE, _MEMORY ("DEV_0_L1_HEIGHT_SHARDED", "HOST"; empty when absent).
const std::vector<std::string>& csv_columns();
// One row per op call of every iteration, after a header row; RFC 4180 quoting.
void write_ops_perf_csv(std::ostream& out, const ProfiledRun& run);

struct Summary {
  std::string label;
  uint32_t batch = 1;
  size_t iterations = 0;
  size_t ops_per_iteration = 0;
  // Kernel durations of one forward pass (mean over iterations), in nanoseconds.
  double matmul_conv_ns = 0, other_device_ns = 0, all_device_ns = 0, host_transfer_ns = 0;
  double host_ns = 0;  // sum of host durations of all ops
  // batch / kernel time: the seed's "FPS (MatMul/Conv Ops only)", "FPS (Other Device Ops)", "FPS (All Ops)".
  double fps_matmul_conv = 0, fps_other_device = 0, fps_all_device = 0;
  double wall_ms_median = 0;  // one Model::run, wall clock
  double images_per_second = 0;  // end to end: batch / median wall time
};
Summary summarize(const ProfiledRun& run);
// A table with one column per configuration, as the seed's bfloat8_b vs bfloat16 table.
std::string format_summary(std::span<const Summary> summaries);

// One conv layer's kernel duration (mean over iterations), in forward order.
struct LayerDuration {
  std::string module_path;
  std::string description;  // "3x3 s2 32->32 dw" style, from the input/weight shapes
  double kernel_ns = 0;
};
std::vector<LayerDuration> conv_layers(const ProfiledRun& run);

// Kernel time per op code over one forward pass (mean over iterations), largest first.
struct OpShare {
  std::string op_code;
  double kernel_ns = 0;
  size_t calls = 0;  // per forward pass
};
std::vector<OpShare> op_type_shares(const ProfiledRun& run);

}  // namespace mobilenetv2::report
