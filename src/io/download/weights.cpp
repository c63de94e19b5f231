// torchvision's MobileNetV2 weight files: the variant table, the cache location and ensure_weights.
#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>

#include "ttnn/io/download.hpp"
#include "ttnn/io/progress.hpp"

namespace ttnn::io {
namespace {

// torchvision.models.MobileNet_V2_Weights (torchvision 0.14): the file names carry the first 8 hex
// digits of each file's SHA-256.
constexpr std::array<WeightsInfo, 2> kWeights{{
    {WeightsVariant::IMAGENET1K_V1, "IMAGENET1K_V1", "mobilenet_v2-b0353104.pth", "b0353104"},
    {WeightsVariant::IMAGENET1K_V2, "IMAGENET1K_V2", "mobilenet_v2-7ebf99e0.pth", "7ebf99e0"},
}};

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

ProgressCallback terminal_progress(std::string label) {
  auto bar = std::make_shared<ProgressBar>(std::move(label));
  if (!bar->enabled()) return {};
  // The bar ends its line when the transfer completes, or when the last copy of the callback goes
  // (a failed transfer), so an error message starts on a fresh line.
  return [bar](uint64_t done, uint64_t total) {
    bar->update(done, total);
    if (total != 0 && done >= total) bar->finish();
  };
}

const WeightsInfo& weights_info(WeightsVariant variant) {
  for (const WeightsInfo& info : kWeights)
    if (info.variant == variant) return info;
  throw InvalidArgument("weights_info: unknown WeightsVariant " + std::to_string(static_cast<int>(variant)));
}

WeightsVariant parse_weights_variant(std::string_view name) {
  for (const WeightsInfo& info : kWeights)
    if (equals_ignoring_case(name, info.name)) return info.variant;
  throw InvalidArgument("unknown weights variant '" + std::string(name) + "': expected IMAGENET1K_V1 (" +
                        std::string(kWeights[0].file_name) + ", the default) or IMAGENET1K_V2 (" +
                        std::string(kWeights[1].file_name) + ")");
}

std::string weights_base_url() {
  std::string base = environment("TTNN_WEIGHTS_BASE_URL");
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base.empty() ? std::string(kDefaultWeightsBaseUrl) : base;
}

std::string weights_url(WeightsVariant variant) {
  return weights_base_url() + "/" + std::string(weights_info(variant).file_name);
}

std::filesystem::path default_cache_dir() {
  if (const std::string dir = environment("TTNN_CACHE_DIR"); !dir.empty()) return dir;
  if (const std::string xdg = environment("XDG_CACHE_HOME"); !xdg.empty() && std::filesystem::path(xdg).is_absolute())
    return std::filesystem::path(xdg) / "ttnn-cpp";
  std::string home = environment("HOME");
  if (home.empty()) {
    if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir != nullptr) home = entry->pw_dir;
  }
  if (home.empty())
    throw Error("no cache directory: set TTNN_CACHE_DIR (or XDG_CACHE_HOME or HOME), or pass --cache-dir DIR");
  return std::filesystem::path(home) / ".cache" / "ttnn-cpp";
}

std::filesystem::path weights_cache_path(WeightsVariant variant, const std::optional<std::filesystem::path>& cache_dir) {
  const std::filesystem::path root = cache_dir && !cache_dir->empty() ? *cache_dir : default_cache_dir();
  return root / "weights" / std::string(weights_info(variant).file_name);
}

std::filesystem::path ensure_file(const std::string& url, const std::filesystem::path& file,
                                  const std::string& sha256_prefix, ProgressCallback progress) {
  std::error_code error;
  const auto status = std::filesystem::status(file, error);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_regular_file(status))
      throw DownloadError(DownloadError::Kind::File, file.string() + " exists but is not a regular file");
    const std::string actual = sha256_file(file);
    if (!sha256_matches_prefix(actual, sha256_prefix))
      throw DownloadError(DownloadError::Kind::HashMismatch,
                          "cached file " + file.string() + " has SHA-256 " + actual +
                              ", which does not start with the expected " + sha256_prefix +
                              ": it is damaged or a different file. Delete it to download it again from " + url +
                              ", or pass a checkpoint with --weights FILE.");
    return file;
  }
  DownloadOptions options;
  options.url = url;
  options.destination = file;
  options.sha256_prefix = sha256_prefix;
  options.progress = std::move(progress);
  return download_file(options);
}

std::filesystem::path ensure_weights(WeightsVariant variant, const std::optional<std::filesystem::path>& cache_dir) {
  return ensure_weights(variant, cache_dir, terminal_progress(std::string(weights_info(variant).file_name)));
}

std::filesystem::path ensure_weights(WeightsVariant variant, const std::optional<std::filesystem::path>& cache_dir,
                                     ProgressCallback progress) {
  const WeightsInfo& info = weights_info(variant);
  return ensure_file(weights_url(variant), weights_cache_path(variant, cache_dir), std::string(info.sha256_prefix),
                     std::move(progress));
}

std::filesystem::path download_weights(WeightsVariant variant, const std::filesystem::path& destination) {
  return download_weights(variant, destination, terminal_progress(std::string(weights_info(variant).file_name)));
}

std::filesystem::path download_weights(WeightsVariant variant, const std::filesystem::path& destination,
                                       ProgressCallback progress) {
  DownloadOptions options;
  options.url = weights_url(variant);
  options.destination = destination;
  options.sha256_prefix = std::string(weights_info(variant).sha256_prefix);
  options.progress = std::move(progress);
  return download_file(options);
}

}  // namespace ttnn::io
