// `mobilenetv2 profile`: per-op profile of MobileNetV2 forward passes on random inputs, written as TT-NN's
// ops_perf_results.csv, the seed's FPS summary and SVG charts; --compare profiles a second configuration.

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <nlohmann/json.hpp>
#include <random>

#include "mobilenetv2/commands.hpp"
#include "mobilenetv2/terminal.hpp"
#include "mobilenetv2/model_options.hpp"
#include "mobilenetv2/report/ops_report.hpp"
#include "mobilenetv2/report/svg.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/profiler.hpp"

namespace mobilenetv2 {
namespace {

using Clock = std::chrono::steady_clock;

struct ProfileOptions {
  ModelOptions model;
  uint32_t batch = 1;
  uint32_t iterations = 10;
  uint32_t warmup = 1;
  uint32_t input_size = 224;
  std::string output = "profile";
  std::vector<std::string> compare;  // KEY=VALUE: dtype, math-fidelity, numerics
  bool json = false;
};

// A progress bar on stderr for runs longer than a second (and only on a terminal).
std::string config_label(const ModelOptions& options) {
  return options.dtype + "/" + std::string(ttnn::to_string(ttnn::parse_math_fidelity(options.math_fidelity)));
}

std::string file_suffix(const std::string& label) {
  std::string suffix;
  for (char c : label) suffix += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return suffix;
}

ModelOptions compared_options(const ModelOptions& base, const std::vector<std::string>& changes) {
  ModelOptions options = base;
  for (const std::string& change : changes) {
    const size_t equals = change.find('=');
    if (equals == std::string::npos)
      throw ttnn::InvalidArgument("--compare '" + change + "': expected KEY=VALUE (dtype, math-fidelity, numerics)");
    const std::string key = change.substr(0, equals), value = change.substr(equals + 1);
    if (key == "dtype") options.dtype = value;
    else if (key == "math-fidelity" || key == "math_fidelity") options.math_fidelity = value;
    else if (key == "numerics") options.numerics = value;
    else
      throw ttnn::InvalidArgument("--compare '" + change + "': unknown key '" + key +
                                  "', expected dtype, math-fidelity or numerics");
  }
  options.config();  // validates the values before any work
  return options;
}

std::vector<float> random_input(size_t count) {
  std::mt19937 generator(20241125);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = normal(generator);
  return values;
}

report::ProfiledRun profile_configuration(const ProfileOptions& options, const ModelOptions& model_options,
                                          const ttnn::StateDict& weights, ttnn::Device& device, StepProgress& progress) {
  const ttnn::Shape input_shape{options.batch, 3, options.input_size, options.input_size};
  ttnn::model::Model model(ttnn::model::create_mobilenetv2_model_parameters(weights, input_shape), device,
                           model_options.config());
  const std::vector<float> input = random_input(input_shape.volume());
  report::ProfiledRun run;
  run.label = config_label(model_options);
  run.batch = options.batch;
  for (uint32_t i = 0; i < options.warmup; ++i) {  // prepares weights and plans; not measured
    model.run(input);
    progress.step(run.label + " warm-up");
  }
  for (uint32_t i = 0; i < options.iterations; ++i) {
    ttnn::profiler::clear();
    ttnn::profiler::enable();
    const auto start = Clock::now();
    try {
      model.run(input);
    } catch (...) {
      ttnn::profiler::disable();
      throw;
    }
    const auto end = Clock::now();
    ttnn::profiler::disable();
    run.iterations.push_back(ttnn::profiler::take_records());
    run.wall_seconds.push_back(std::chrono::duration<double>(end - start).count());
    progress.step(run.label);
  }
  return run;
}

int run_profile(const ProfileOptions& options) {
  std::vector<ModelOptions> configurations{options.model};
  options.model.config();  // validates --dtype etc. before loading weights
  if (!options.compare.empty()) configurations.push_back(compared_options(options.model, options.compare));
  const ttnn::StateDict weights = options.model.load_weights();
  auto device = options.model.open_device();

  const std::filesystem::path dir(options.output);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw ttnn::Error("cannot create " + dir.string() + ": " + error.message());

  StepProgress progress("profiling", configurations.size() * (options.warmup + options.iterations));
  std::vector<report::ProfiledRun> runs;
  for (const ModelOptions& configuration : configurations)
    runs.push_back(profile_configuration(options, configuration, weights, *device, progress));

  nlohmann::json files = nlohmann::json::array();
  auto emit = [&](const std::filesystem::path& path, const std::string& text) {
    write_text_file(path, text, "profile");
    files.push_back(path.string());
  };
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::string suffix = i == 0 ? "" : "_" + file_suffix(runs[i].label);
    std::ostringstream csv;
    report::write_ops_perf_csv(csv, runs[i]);
    emit(dir / ("ops_perf_results" + suffix + ".csv"), csv.str());
    emit(dir / ("conv_kernel_duration" + suffix + ".svg"), report::conv_kernel_duration_svg({&runs[i]}));
    emit(dir / ("op_type_share" + suffix + ".svg"), report::op_type_share_svg({&runs[i]}));
  }
  if (runs.size() == 2) {
    emit(dir / "compare_conv_kernel_duration.svg", report::conv_kernel_duration_svg({&runs[0], &runs[1]}));
    emit(dir / "compare_op_type_share.svg", report::op_type_share_svg({&runs[0], &runs[1]}));
  }

  std::vector<report::Summary> summaries;
  for (const auto& run : runs) summaries.push_back(report::summarize(run));
  if (options.json) {
    nlohmann::json out{{"files", files}, {"configurations", nlohmann::json::array()}};
    for (size_t i = 0; i < runs.size(); ++i) {
      const report::Summary& s = summaries[i];
      nlohmann::json c{{"label", s.label},
                       {"batch", s.batch},
                       {"iterations", s.iterations},
                       {"ops_per_iteration", s.ops_per_iteration},
                       {"matmul_conv_kernel_ns", s.matmul_conv_ns},
                       {"other_device_kernel_ns", s.other_device_ns},
                       {"all_device_kernel_ns", s.all_device_ns},
                       {"host_ns", s.host_ns},
                       {"fps_matmul_conv", s.fps_matmul_conv},
                       {"fps_other_device", s.fps_other_device},
                       {"fps_all_device", s.fps_all_device},
                       {"wall_ms_median", s.wall_ms_median},
                       {"images_per_second", s.images_per_second},
                       {"conv_layers", nlohmann::json::array()}};
      for (const auto& layer : report::conv_layers(runs[i]))
        c["conv_layers"].push_back({{"module_path", layer.module_path}, {"kernel_ns", layer.kernel_ns}});
      out["configurations"].push_back(c);
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("%s", report::format_summary(summaries).c_str());
  std::printf("FPS = batch / sum of the ops' kernel durations (parallel compute regions) of one forward pass;\n"
              "images/s = batch / wall time of one forward pass. Files in %s:\n",
              dir.string().c_str());
  for (const auto& file : files) std::printf("  %s\n", file.get<std::string>().c_str());
  return 0;
}

}  // namespace

Command add_profile_command(CLI::App& app) {
  auto options = std::make_shared<ProfileOptions>();
  auto* command = app.add_subcommand(
      "profile", "Per-op profile of forward passes on random inputs: ops_perf_results.csv, FPS summary, SVG charts");
  options->model.add_to(*command);
  command->add_option("--batch", options->batch, "Images per forward pass")->capture_default_str()->check(CLI::Range(1, 1024));
  command->add_option("--iterations", options->iterations, "Measured forward passes")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command->add_option("--warmup", options->warmup, "Forward passes before measuring (prepare weights)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  command->add_option("--input-size", options->input_size, "Input height and width")
      ->capture_default_str()
      ->check(CLI::Range(32, 1024));
  command->add_option("--output", options->output, "Folder for the CSV and SVG files")->capture_default_str();
  command->add_option("--compare", options->compare,
                      "Also profile a second configuration: KEY=VALUE changes to this one, keys dtype, math-fidelity, "
                      "numerics (e.g. --compare math-fidelity=hifi4)");
  command->add_flag("--json", options->json, "Print the summary as one JSON object");
  return [command, options] { return command->parsed() ? run_profile(*options) : -1; };
}

}  // namespace mobilenetv2
