// `mobilenetv2 download [--output PATH] [--weights-variant V]`: fetch torchvision's weights explicitly.
#include <cstdio>
#include <optional>

#include "mobilenetv2/commands.hpp"
#include "ttnn/io/download.hpp"

namespace mobilenetv2 {
namespace {

struct DownloadCommandOptions {
  std::string output;
  std::string variant = "IMAGENET1K_V1";
  std::string cache_dir;
};

int run_download(const DownloadCommandOptions& options) {
  const auto variant = ttnn::io::parse_weights_variant(options.variant);
  const auto progress = ttnn::io::terminal_progress(std::string(ttnn::io::weights_info(variant).file_name));
  const std::filesystem::path path =
      options.output.empty()
          ? ttnn::io::ensure_weights(variant,
                                     options.cache_dir.empty() ? std::nullopt
                                                               : std::optional<std::filesystem::path>(options.cache_dir),
                                     progress)
          : ttnn::io::download_weights(variant, options.output, progress);
  std::printf("%s\n", path.c_str());
  return 0;
}

}  // namespace

Command add_download_command(CLI::App& app) {
  auto options = std::make_shared<DownloadCommandOptions>();
  auto* command = app.add_subcommand("download", "Download torchvision's MobileNetV2 weights (verified by SHA-256)");
  command->add_option("--output", options->output, "Where to write the .pth (default: the weights cache)");
  command->add_option("--weights-variant", options->variant, "IMAGENET1K_V1 (the seed's) or IMAGENET1K_V2")
      ->capture_default_str()
      ->check(CLI::IsMember({"IMAGENET1K_V1", "IMAGENET1K_V2"}));
  command->add_option("--cache-dir", options->cache_dir, "Weights cache (default: $TTNN_CACHE_DIR, else "
                                                         "$XDG_CACHE_HOME/ttnn-cpp, else ~/.cache/ttnn-cpp)");
  return [command, options] { return command->parsed() ? run_download(*options) : -1; };
}

}  // namespace mobilenetv2
