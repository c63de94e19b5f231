#include "mobilenetv2/model_options.hpp"

#include <cstdio>

#include "ttnn/errors.hpp"
#include "ttnn/io/download.hpp"
#include "ttnn/io/pth.hpp"

namespace mobilenetv2 {
namespace {

ttnn::TensorMemoryLayout parse_shard(const std::string& value) { return ttnn::parse_memory_layout(value); }

}  // namespace

void ModelOptions::add_to(CLI::App& command, bool with_download) {
  add_weights_to(command, with_download);
  command.add_option("--dtype", dtype, "Weights and activations: float32, bfloat16 or bfloat8_b")->capture_default_str();
  command.add_option("--math-fidelity", math_fidelity, "lofi, hifi2, hifi3 or hifi4")->capture_default_str();
  command.add_option("--numerics", numerics, "accurate or tt_metal (see NUMERICS.md)")->capture_default_str();
  add_threads_to(command);
  command.add_option("--layer", layer_overrides,
                     "Per-layer override PATH:key=value[,...] with keys dtype, weights_dtype, math_fidelity, shard "
                     "(e.g. features.0.0:dtype=bfloat16,math_fidelity=hifi4)");
  command.add_flag("--separate-convs", separate_convs,
                   "Run every conv as an op of its own (no expand or project conv inside its depthwise conv): "
                   "slower, but the profiler times each conv");
}

void ModelOptions::add_threads_to(CLI::App& command) {
  command.add_option("--threads", threads, "Worker threads (default: all cores)");
}

void ModelOptions::add_weights_to(CLI::App& command, bool with_download) {
  command.add_option("--weights", weights, "Local torchvision MobileNetV2 checkpoint (.pth, zip or legacy format)");
  if (with_download) {
    command.add_option("--weights-variant", weights_variant, "torchvision weights to download when --weights is not given")
        ->check(CLI::IsMember({"IMAGENET1K_V1", "IMAGENET1K_V2"}));
    auto* url = command.add_option("--weights-url", weights_url,
                                   "Download the checkpoint from this URL instead (a mirror or fine-tuned weights)");
    auto* sha = command.add_option("--weights-sha256", weights_sha256,
                                   "SHA-256 (or its first 8+ hex digits) the --weights-url file must have");
    url->needs(sha);
    sha->needs(url);
    command.add_option("--cache-dir", cache_dir, "Where downloaded weights are kept (default: $TTNN_CACHE_DIR, "
                                                 "else $XDG_CACHE_HOME/ttnn-cpp, else ~/.cache/ttnn-cpp)");
  }
}

void parse_layer_override(const std::string& text, ttnn::model::ModelConfig& config) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0)
    throw ttnn::InvalidArgument("--layer '" + text + "': expected PATH:key=value[,key=value...]");
  ttnn::model::LayerOverride& layer = config.overrides[text.substr(0, colon)];
  std::string rest = text.substr(colon + 1);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string item = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    const size_t equals = item.find('=');
    if (equals == std::string::npos) throw ttnn::InvalidArgument("--layer '" + text + "': '" + item + "' is not key=value");
    const std::string key = item.substr(0, equals), value = item.substr(equals + 1);
    if (key == "dtype") layer.dtype = ttnn::parse_data_type(value);
    else if (key == "weights_dtype") layer.weights_dtype = ttnn::parse_data_type(value);
    else if (key == "math_fidelity") layer.math_fidelity = ttnn::parse_math_fidelity(value);
    else if (key == "shard") layer.shard_layout = parse_shard(value);
    else
      throw ttnn::InvalidArgument("--layer '" + text + "': unknown key '" + key +
                                  "', expected dtype, weights_dtype, math_fidelity or shard");
  }
}

ttnn::model::ModelConfig ModelOptions::config() const {
  ttnn::model::ModelConfig config;
  config.dtype = config.weights_dtype = ttnn::parse_data_type(dtype);
  config.math_fidelity = ttnn::parse_math_fidelity(math_fidelity);
  config.numerics = ttnn::parse_numerics(numerics);
  for (const std::string& text : layer_overrides) parse_layer_override(text, config);
  config.fuse_convs = !separate_convs;
  return config;
}

std::shared_ptr<ttnn::Device> ModelOptions::open_device() const {
  ttnn::DeviceOptions device_options;
  device_options.num_threads = threads;
  device_options.numerics = ttnn::parse_numerics(numerics);
  return ttnn::open_device(0, device_options);
}

ttnn::StateDict ModelOptions::load_weights() const {
  if (!weights.empty()) return ttnn::io::load_state_dict(weights);
  const std::filesystem::path cache_root =
      cache_dir.empty() ? ttnn::io::default_cache_dir() : std::filesystem::path(cache_dir);
  if (!weights_url.empty()) {
    if (weights_sha256.size() < 8)
      throw ttnn::InvalidArgument("--weights-sha256 '" + weights_sha256 + "': give at least 8 hex digits");
    const std::string name = std::filesystem::path(weights_url.substr(0, weights_url.find('?'))).filename().string();
    const std::filesystem::path file = cache_root / "weights" / (name.empty() ? "weights.pth" : name);
    return ttnn::io::load_state_dict(ttnn::io::ensure_file(weights_url, file, weights_sha256, ttnn::io::terminal_progress(name)));
  }
  const auto variant = ttnn::io::parse_weights_variant(weights_variant);
  const std::optional<std::filesystem::path> cache = cache_root;
  return ttnn::io::load_state_dict(
      ttnn::io::ensure_weights(variant, cache, ttnn::io::terminal_progress(std::string(ttnn::io::weights_info(variant).file_name))));
}

}  // namespace mobilenetv2
