// Weight download and cache: the torchvision MobileNetV2 checkpoints fetched from the official PyTorch
// download location on first use, verified and kept in a per-user cache.
//
//   const auto file = ttnn::io::ensure_weights(ttnn::io::WeightsVariant::IMAGENET1K_V1);
//   ttnn::StateDict weights = ttnn::io::load_state_dict(file);
//
// Where things go:
//   cache directory  $TTNN_CACHE_DIR, else $XDG_CACHE_HOME/ttnn-cpp, else ~/.cache/ttnn-cpp
//                    (the command line's --cache-dir overrides all three)
//   weights          <cache>/weights/<file name>, e.g. ~/.cache/ttnn-cpp/weights/mobilenet_v2-b0353104.pth
//   URL              $TTNN_WEIGHTS_BASE_URL/<file name>, the base defaulting to
//                    https://download.pytorch.org/models (set it to use a mirror: an http://, https://
//                    or file:// URL of a directory holding the files under their published names)
//   proxies          libcurl honours http_proxy, https_proxy and no_proxy from the environment
//
// Integrity: torchvision publishes only the first 8 hex digits of each file's SHA-256, in its name
// (mobilenet_v2-b0353104.pth). As torch.hub's check_hash does, a file is accepted when its SHA-256
// starts with that prefix. A download is written to "<destination>.partial-<random>" in the
// destination's directory, hashed while it streams, fsync'ed and renamed onto the destination only
// after the hash matches, so the destination never holds a partial or unverified file and concurrent
// downloads of the same file are safe (the last rename wins, both files being good). Every failure
// (network, HTTP status, hash mismatch, disk, an exception thrown by the progress callback) removes
// the temporary file.
//
// Retries: transient failures (connection refused or reset, DNS failures, timeouts, a transfer cut
// short, HTTP 408, 429 and 5xx) are retried up to DownloadOptions::max_attempts times with exponential
// backoff; anything else (HTTP 404 and other 4xx, a hash mismatch, a local file error) fails at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ttnn/errors.hpp"

namespace ttnn::io {

// A download failed. what() is a complete message for the user: for network and HTTP failures it
// names the URL and the reason and says how to proceed offline (download the file elsewhere and pass
// it with --weights FILE, or put it at the destination path); for a hash mismatch it names the
// expected prefix and the actual SHA-256.
class DownloadError : public Error {
 public:
  enum class Kind {
    Network,       // no connection, DNS, TLS, timeout, transfer cut short (libcurl errors)
    Http,          // the server answered with an HTTP error status (http_status())
    HashMismatch,  // the file's SHA-256 does not start with the expected prefix
    File,          // the destination or the temporary file could not be created, written or renamed
  };
  DownloadError(Kind kind, const std::string& message, long http_status = 0)
      : Error(message), kind_(kind), http_status_(http_status) {}
  Kind kind() const noexcept { return kind_; }
  // The final HTTP status for Kind::Http, else 0.
  long http_status() const noexcept { return http_status_; }

 private:
  Kind kind_;
  long http_status_;
};

// Called with the bytes received so far and the total (0 while the size is unknown). It runs on the
// downloading thread; an exception it throws aborts the download (the temporary file is removed) and
// propagates out of download_file.
using ProgressCallback = std::function<void(uint64_t done, uint64_t total)>;

// A ProgressCallback drawing a ProgressBar (ttnn/io/progress.hpp) labelled `label` on stderr when
// stderr is a terminal; it does nothing otherwise.
ProgressCallback terminal_progress(std::string label = {});

// ---- torchvision's MobileNetV2 weights ---------------------------------------------------------------

// torchvision.models.MobileNet_V2_Weights. IMAGENET1K_V1 (the original weights, top-1 71.878%) is the
// default; IMAGENET1K_V2 (torchvision's improved training recipe, top-1 72.154%) is evaluated with
// Resize(232) in torchvision; the preprocessing here is the same for both.
enum class WeightsVariant { IMAGENET1K_V1, IMAGENET1K_V2 };
inline constexpr WeightsVariant kDefaultWeightsVariant = WeightsVariant::IMAGENET1K_V1;

struct WeightsInfo {
  WeightsVariant variant;
  std::string_view name;           // "IMAGENET1K_V1"
  std::string_view file_name;      // "mobilenet_v2-b0353104.pth"
  std::string_view sha256_prefix;  // "b0353104": the hash prefix in the published file name
};

// The table entry for a variant.
const WeightsInfo& weights_info(WeightsVariant variant);
// "IMAGENET1K_V1" or "IMAGENET1K_V2", in any letter case. Throws InvalidArgument naming the choices.
// (torchvision's "DEFAULT" alias means IMAGENET1K_V2 there, while this library defaults to V1, so it is
// not accepted.)
WeightsVariant parse_weights_variant(std::string_view name);

// The official download location, https://download.pytorch.org/models.
inline constexpr std::string_view kDefaultWeightsBaseUrl = "https://download.pytorch.org/models";
// $TTNN_WEIGHTS_BASE_URL without trailing slashes when set and not empty, else kDefaultWeightsBaseUrl.
std::string weights_base_url();
// weights_base_url() + "/" + file name.
std::string weights_url(WeightsVariant variant);

// $TTNN_CACHE_DIR, else $XDG_CACHE_HOME/ttnn-cpp, else $HOME/.cache/ttnn-cpp (empty variables count as
// unset; XDG_CACHE_HOME must be absolute, as the XDG specification requires). Throws Error when none
// is usable (no HOME).
std::filesystem::path default_cache_dir();
// <cache_dir or default_cache_dir()>/weights/<file name>.
std::filesystem::path weights_cache_path(WeightsVariant variant,
                                         const std::optional<std::filesystem::path>& cache_dir = std::nullopt);

// Returns the cached weights of `variant`, downloading them first when the cache does not have them.
// A cached file is re-verified (its SHA-256 must start with the published prefix); a file that does not
// match is not used and not deleted: DownloadError (Kind::HashMismatch) names it and says to delete it
// or pass --weights FILE. Without `progress`, a download draws terminal_progress(<file name>) on stderr;
// an empty `progress` downloads silently.
std::filesystem::path ensure_weights(WeightsVariant variant,
                                     const std::optional<std::filesystem::path>& cache_dir = std::nullopt);
std::filesystem::path ensure_weights(WeightsVariant variant, const std::optional<std::filesystem::path>& cache_dir,
                                     ProgressCallback progress);

// Downloads `variant` to `destination` (any path; an existing file there is replaced only by a verified
// download and left untouched on failure), e.g. for `mobilenetv2 download --output PATH`. Progress as
// for ensure_weights.
std::filesystem::path download_weights(WeightsVariant variant, const std::filesystem::path& destination);
std::filesystem::path download_weights(WeightsVariant variant, const std::filesystem::path& destination,
                                       ProgressCallback progress);

// ---- Generic, verified download ------------------------------------------------------------------------

struct DownloadOptions {
  std::string url;                    // http://, https:// or file:// (redirects: http and https only)
  std::filesystem::path destination;  // the final file; its directory is created when missing
  // Lower-case or upper-case hex digits the file's SHA-256 must start with (torch.hub's check_hash);
  // empty = any content is accepted (the hash is still computed, not checked).
  std::string sha256_prefix;
  int max_attempts = 3;                                 // attempts for transient failures, >= 1
  std::chrono::milliseconds retry_delay{1000};          // before the 2nd attempt; doubled (to 60 s at most)
  long connect_timeout_s = 30;                          // TCP + TLS connection set-up
  long low_speed_time_s = 30;                           // abort an attempt slower than low_speed_limit_bytes
  long low_speed_limit_bytes = 1000;                    //   bytes/s for low_speed_time_s seconds
  ProgressCallback progress;                            // may be empty
  // Appended to network and HTTP failure messages; "" uses the default advice: "[This machine may be
  // offline or behind a firewall. ]Download the file elsewhere and pass it with --weights FILE (or put
  // it at <destination>)." (the first sentence for network failures and HTTP 403/407).
  std::string offline_advice;
};

// Downloads options.url to options.destination as described at the top of this file and returns the
// destination. Throws DownloadError (or InvalidArgument for bad options, or whatever the progress
// callback throws); on every failure no temporary file remains and the destination is unchanged.
std::filesystem::path download_file(const DownloadOptions& options);

// Returns `file` when it exists and its SHA-256 starts with `sha256_prefix` (DownloadError,
// Kind::HashMismatch, when it exists and does not), else downloads `url` to it with default options.
std::filesystem::path ensure_file(const std::string& url, const std::filesystem::path& file,
                                  const std::string& sha256_prefix, ProgressCallback progress = {});

// ---- SHA-256 (OpenSSL EVP) -----------------------------------------------------------------------------

// Lower-case hex SHA-256 of bytes / of a file's contents (Error when the file cannot be read).
std::string sha256_hex(std::span<const std::byte> bytes);
std::string sha256_file(const std::filesystem::path& file);
// torch.hub's check_hash: `sha256_hex` starts with `prefix`, compared case-insensitively.
bool sha256_matches_prefix(std::string_view sha256_hex, std::string_view prefix);

}  // namespace ttnn::io
