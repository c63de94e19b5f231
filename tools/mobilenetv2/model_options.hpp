// Options every model-running subcommand shares (weights, dtype, fidelity, numerics, threads, per-layer
// overrides) and building a model from them.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ttnn/device.hpp"
#include "ttnn/model/model.hpp"
#include "ttnn/state_dict.hpp"

namespace mobilenetv2 {

struct ModelOptions {
  std::string weights;                          // a local .pth; empty = the cached/downloaded torchvision file
  std::string weights_variant = "IMAGENET1K_V1";
  std::string weights_url;     // another location (a mirror, fine-tuned weights), verified by weights_sha256
  std::string weights_sha256;  // SHA-256 (or a prefix of at least 8 hex digits) of the file at weights_url
  std::string cache_dir;
  std::string dtype = "bfloat8_b";
  std::string math_fidelity = "lofi";
  std::string numerics = "accurate";
  uint32_t threads = 0;
  std::vector<std::string> layer_overrides;  // PATH:key=value[,key=value...]
  bool separate_convs = false;  // ModelConfig::fuse_convs off

  // Every option; or the weights' and the threads' alone (commands that choose the configurations).
  void add_to(CLI::App& command, bool with_download = true);
  void add_weights_to(CLI::App& command, bool with_download = true);
  void add_threads_to(CLI::App& command);
  ttnn::model::ModelConfig config() const;
  std::shared_ptr<ttnn::Device> open_device() const;
  // The state dict from --weights, or from the cache (downloading it on first use).
  ttnn::StateDict load_weights() const;
};

// Parses "features.0.0:dtype=bfloat16,math_fidelity=hifi4,shard=height" into the config's overrides.
void parse_layer_override(const std::string& text, ttnn::model::ModelConfig& config);

}  // namespace mobilenetv2
