// `mobilenetv2 bench`: images/s and latency percentiles per batch size and configuration. Weights are
// synthetic unless --weights is given: speed does not depend on their values.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "mobilenetv2/commands.hpp"
#include "mobilenetv2/model_options.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/profiler.hpp"
#include "ttnn/roofline.hpp"

namespace mobilenetv2 {
namespace {

struct BenchOptions {
  ModelOptions model;
  std::string batches = "1,8";
  uint32_t iterations = 20;
  uint32_t warmup = 2;
  bool json = false;
  bool profiler = false;  // record every op (to measure what the profiler costs when on, and that it is free when off)
};

std::vector<uint32_t> parse_batches(const std::string& text) {
  std::vector<uint32_t> batches;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    const int value = std::stoi(item);
    if (value < 1) throw ttnn::InvalidArgument("bench: batch sizes must be >= 1, got " + item);
    batches.push_back(uint32_t(value));
  }
  return batches;
}

int run_bench(const BenchOptions& options) {
  std::vector<std::pair<uint32_t, ttnn::model::ModelParameters>> plans;
  {
    const ttnn::StateDict weights = options.model.weights.empty()
                                        ? ttnn::model::random_state_dict(ttnn::model::MobileNetV2Module(1.0f))
                                        : options.model.load_weights();
    for (const uint32_t batch : parse_batches(options.batches))
      plans.emplace_back(batch, ttnn::model::create_mobilenetv2_model_parameters(weights, ttnn::Shape{batch, 3, 224, 224}));
  }  // the checkpoint's host copy is not needed past this point
  auto device = options.model.open_device();
  const auto config = options.model.config();
  // The roofline of the instruction this configuration's GEMMs run on (most of the multiply-adds).
  const ttnn::Roofline roofline = ttnn::measure_roofline(
      ttnn::gemm_instruction(config.dtype, config.weights_dtype, config.math_fidelity,
                             config.numerics.value_or(device->numerics())));
  const std::string kernels = ttnn::cpu_kernels();
  if (!options.json) {
    std::printf("kernels: %s\n", kernels.c_str());
    std::printf("roofline: %s %.1f GFLOP/s per core x %u threads\n", roofline.instruction.c_str(),
                roofline.gflops_per_core, device->num_threads());
  }
  for (auto& [batch, parameters] : plans) {
    const ttnn::Shape shape{batch, 3, 224, 224};
    ttnn::model::Model model(std::move(parameters), *device, config);
    std::vector<float> input(shape.volume());
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : input) v = normal(rng);
    std::vector<float> logits = model.run(input);  // the first pass prepares the weights and plans the others
    for (uint32_t i = 1; i < options.warmup; ++i) model.run(input, logits);
    if (options.profiler) ttnn::profiler::enable();
    std::vector<double> seconds;
    for (uint32_t i = 0; i < options.iterations; ++i) {
      const auto start = std::chrono::steady_clock::now();
      model.run(input, logits);  // the planned pass: no heap allocation
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (!options.json) std::fprintf(stderr, "\rbatch %u: %u/%u", batch, i + 1, options.iterations);
    }
    if (options.profiler) {
      ttnn::profiler::disable();
      ttnn::profiler::clear();
    }
    if (!options.json) std::fprintf(stderr, "\r\033[K");
    std::sort(seconds.begin(), seconds.end());
    const double p50 = seconds[seconds.size() / 2];
    const double p99 = seconds[std::min(seconds.size() - 1, size_t(0.99 * double(seconds.size())))];
    const double images_per_second = batch / p50;
    uint64_t multiply_adds = 0;  // per forward pass (the whole batch)
    for (const auto& step : model.steps()) multiply_adds += step.multiply_adds;
    const double roofline_fraction = images_per_second * double(multiply_adds) / batch * 2 /
                                     (roofline.gflops_per_core * 1e9 * device->num_threads());
    if (options.json) {
      const nlohmann::json line{{"dtype", options.model.dtype},       {"math_fidelity", options.model.math_fidelity},
                                {"numerics", options.model.numerics}, {"batch", batch},
                                {"threads", device->num_threads()},   {"images_per_second", images_per_second},
                                {"p50_ms", p50 * 1e3},                {"p99_ms", p99 * 1e3},
                                {"roofline_fraction", roofline_fraction},
                                {"roofline", roofline.instruction},
                                {"roofline_gflops_per_core", roofline.gflops_per_core},
                                {"kernels", kernels},
                                {"multiply_adds_per_image", multiply_adds / batch},
                                {"profiler", options.profiler}};
      std::printf("%s\n", line.dump().c_str());
    } else {
      std::printf("%-9s %-5s batch %3u threads %u: %8.1f images/s  p50 %8.2f ms  p99 %8.2f ms  %5.1f%% of roofline\n",
                  options.model.dtype.c_str(), options.model.math_fidelity.c_str(), batch, device->num_threads(),
                  images_per_second, p50 * 1e3, p99 * 1e3, 100 * roofline_fraction);
    }
  }
  return 0;
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  auto* command = app.add_subcommand("bench", "Measure images/s and latency of MobileNetV2 at 224x224");
  options->model.add_to(*command, false);
  command->add_option("--batch", options->batches, "Comma-separated batch sizes")->capture_default_str();
  command->add_option("--iterations", options->iterations, "Timed runs per batch size")->capture_default_str()->check(CLI::Range(1, 100000));
  command->add_option("--warmup", options->warmup, "Untimed runs first (the first prepares the weights)")->capture_default_str();
  command->add_flag("--json", options->json, "One JSON object per batch size");
  command->add_flag("--profiler", options->profiler, "Record every op while timing (compare with and without)");
  return [command, options] { return command->parsed() ? run_bench(*options) : -1; };
}

}  // namespace mobilenetv2
