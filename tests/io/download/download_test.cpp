// Weight download and cache, tested without the internet: an in-process HTTP server on 127.0.0.1 serves
// a generated blob (the downloader never looks inside the file) and misbehaves on request.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/download/http_test_server.hpp"
#include "ttnn/io/download.hpp"

namespace ttnn::io {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using test::ClosedPort;
using test::HttpRoute;
using test::HttpTestServer;

// A few MB of pseudo-random bytes, the same in every test.
const std::string& blob() {
  static const std::string bytes = [] {
    std::mt19937_64 random(20240531);
    std::string data(3 * 1000 * 1000 + 17, '\0');
    for (char& c : data) c = static_cast<char>(random() & 0xff);
    return data;
  }();
  return bytes;
}

std::string sha256_of(const std::string& bytes) {
  return sha256_hex(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

const std::string& blob_sha256() {
  static const std::string hash = sha256_of(blob());
  return hash;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// Names of the entries of a directory (recursively, relative), empty when it does not exist.
std::set<std::string> entries(const fs::path& directory) {
  std::set<std::string> names;
  if (!fs::exists(directory)) return names;
  for (const auto& entry : fs::recursive_directory_iterator(directory))
    if (!entry.is_directory()) names.insert(fs::relative(entry.path(), directory).string());
  return names;
}

// Sets an environment variable for one test (each test runs in its own process under ctest; restored
// anyway for runs of the whole executable).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class DownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = fs::temp_directory_path() /
           ("ttnn-download-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  DownloadOptions options(const std::string& url, const fs::path& destination) const {
    DownloadOptions result;
    result.url = url;
    result.destination = destination;
    result.sha256_prefix = blob_sha256().substr(0, 8);
    result.retry_delay = milliseconds(10);
    result.connect_timeout_s = 5;
    result.low_speed_time_s = 5;
    return result;
  }

  fs::path dir_;
  HttpTestServer server_;
};

// Runs `body`, expecting a DownloadError of `kind`; returns it.
template <typename Body>
DownloadError expect_download_error(DownloadError::Kind kind, Body&& body) {
  try {
    body();
  } catch (const DownloadError& error) {
    EXPECT_EQ(static_cast<int>(error.kind()), static_cast<int>(kind)) << error.what();
    return error;
  }
  ADD_FAILURE() << "no DownloadError thrown";
  return DownloadError(DownloadError::Kind::File, "none");
}

// ---- SHA-256 ---------------------------------------------------------------------------------------------

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_F(DownloadTest, Sha256FileMatchesInMemoryHash) {
  write_file(dir_ / "blob", blob());
  EXPECT_EQ(sha256_file(dir_ / "blob"), blob_sha256());
  EXPECT_THROW(sha256_file(dir_ / "missing"), Error);
}

TEST(Sha256, PrefixCheckIsTorchHubs) {
  const std::string hash = "b0353104aabbccddeeff00112233445566778899aabbccddeeff001122334455";
  EXPECT_TRUE(sha256_matches_prefix(hash, "b0353104"));
  EXPECT_TRUE(sha256_matches_prefix(hash, "B0353104"));
  EXPECT_TRUE(sha256_matches_prefix(hash, ""));
  EXPECT_TRUE(sha256_matches_prefix(hash, hash));
  EXPECT_FALSE(sha256_matches_prefix(hash, "b0353105"));
  EXPECT_FALSE(sha256_matches_prefix(hash, hash + "0"));
}

// ---- Variants, URLs and the cache location -----------------------------------------------------------------

TEST(WeightsVariants, TableMatchesTorchvision) {
  const WeightsInfo& v1 = weights_info(WeightsVariant::IMAGENET1K_V1);
  EXPECT_EQ(v1.name, "IMAGENET1K_V1");
  EXPECT_EQ(v1.file_name, "mobilenet_v2-b0353104.pth");
  EXPECT_EQ(v1.sha256_prefix, "b0353104");
  const WeightsInfo& v2 = weights_info(WeightsVariant::IMAGENET1K_V2);
  EXPECT_EQ(v2.name, "IMAGENET1K_V2");
  EXPECT_EQ(v2.file_name, "mobilenet_v2-7ebf99e0.pth");
  EXPECT_EQ(v2.sha256_prefix, "7ebf99e0");
  EXPECT_EQ(kDefaultWeightsVariant, WeightsVariant::IMAGENET1K_V1);
  for (const WeightsInfo* info : {&v1, &v2})  // the prefix is the one in the published name
    EXPECT_NE(info->file_name.find("-" + std::string(info->sha256_prefix) + ".pth"), std::string_view::npos);
}

TEST(WeightsVariants, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_weights_variant("IMAGENET1K_V1"), WeightsVariant::IMAGENET1K_V1);
  EXPECT_EQ(parse_weights_variant("imagenet1k_v2"), WeightsVariant::IMAGENET1K_V2);
  try {
    parse_weights_variant("IMAGENET1K_V3");
    FAIL() << "no exception";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("IMAGENET1K_V3"), std::string::npos) << message;
    EXPECT_NE(message.find("IMAGENET1K_V1"), std::string::npos) << message;
    EXPECT_NE(message.find("IMAGENET1K_V2"), std::string::npos) << message;
  }
}

TEST(WeightsVariants, UrlsUseTheOfficialLocationOrTheBaseUrlOverride) {
  {
    ScopedEnv unset("TTNN_WEIGHTS_BASE_URL", std::nullopt);
    EXPECT_EQ(weights_url(WeightsVariant::IMAGENET1K_V1), "https://download.pytorch.org/models/mobilenet_v2-b0353104.pth");
    EXPECT_EQ(weights_url(WeightsVariant::IMAGENET1K_V2), "https://download.pytorch.org/models/mobilenet_v2-7ebf99e0.pth");
  }
  {
    ScopedEnv empty("TTNN_WEIGHTS_BASE_URL", "");
    EXPECT_EQ(weights_base_url(), "https://download.pytorch.org/models");
  }
  ScopedEnv mirror("TTNN_WEIGHTS_BASE_URL", "http://mirror.example/torch/models//");
  EXPECT_EQ(weights_url(WeightsVariant::IMAGENET1K_V2), "http://mirror.example/torch/models/mobilenet_v2-7ebf99e0.pth");
}

TEST(CacheDir, PrefersTtnnCacheDirThenXdgThenHome) {
  ScopedEnv home("HOME", "/home/someone");
  {
    ScopedEnv ttnn("TTNN_CACHE_DIR", "/srv/ttnn-cache");
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(default_cache_dir(), fs::path("/srv/ttnn-cache"));
  }
  {
    ScopedEnv ttnn("TTNN_CACHE_DIR", "");
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(default_cache_dir(), fs::path("/xdg/ttnn-cpp"));
  }
  {
    ScopedEnv ttnn("TTNN_CACHE_DIR", std::nullopt);
    ScopedEnv xdg("XDG_CACHE_HOME", "relative/dir");  // the XDG spec: relative paths are ignored
    EXPECT_EQ(default_cache_dir(), fs::path("/home/someone/.cache/ttnn-cpp"));
  }
  {
    ScopedEnv ttnn("TTNN_CACHE_DIR", std::nullopt);
    ScopedEnv xdg("XDG_CACHE_HOME", std::nullopt);
    EXPECT_EQ(default_cache_dir(), fs::path("/home/someone/.cache/ttnn-cpp"));
    EXPECT_EQ(weights_cache_path(WeightsVariant::IMAGENET1K_V1),
              fs::path("/home/someone/.cache/ttnn-cpp/weights/mobilenet_v2-b0353104.pth"));
  }
  EXPECT_EQ(weights_cache_path(WeightsVariant::IMAGENET1K_V2, fs::path("/explicit")),
            fs::path("/explicit/weights/mobilenet_v2-7ebf99e0.pth"));
}

// ---- download_file ---------------------------------------------------------------------------------------------

TEST_F(DownloadTest, DownloadsVerifiesAndReportsProgress) {
  server_.route("/models/blob.pth", {.body = blob()});
  const fs::path destination = dir_ / "new" / "sub" / "blob.pth";  // directories created on demand
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  DownloadOptions request = options(server_.url("/models/blob.pth"), destination);
  request.sha256_prefix = "  ";  // replaced below: first check that a bad prefix is refused up front
  EXPECT_THROW(download_file(request), InvalidArgument);
  request.sha256_prefix = blob_sha256().substr(0, 8);
  for (char& c : request.sha256_prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  request.progress = [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); };

  EXPECT_EQ(download_file(request), destination);
  EXPECT_EQ(read_file(destination), blob());
  EXPECT_EQ(entries(dir_), (std::set<std::string>{"new/sub/blob.pth"}));  // no temporary file left
  EXPECT_EQ(server_.requests("/models/blob.pth"), 1);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), std::make_pair(uint64_t{blob().size()}, uint64_t{blob().size()}));
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].first, calls[i - 1].first);
}

TEST_F(DownloadTest, FullHashAndEmptyPrefixAreAccepted) {
  server_.route("/blob", {.body = blob()});
  DownloadOptions request = options(server_.url("/blob"), dir_ / "a.bin");
  request.sha256_prefix = blob_sha256();
  download_file(request);
  request.destination = dir_ / "b.bin";
  request.sha256_prefix.clear();
  download_file(request);
  EXPECT_EQ(read_file(dir_ / "a.bin"), blob());
  EXPECT_EQ(read_file(dir_ / "b.bin"), blob());
  EXPECT_EQ(entries(dir_), (std::set<std::string>{"a.bin", "b.bin"}));
}

TEST_F(DownloadTest, ReplacesAnExistingDestination) {
  server_.route("/blob", {.body = blob()});
  write_file(dir_ / "blob.pth", "old contents");
  download_file(options(server_.url("/blob"), dir_ / "blob.pth"));
  EXPECT_EQ(read_file(dir_ / "blob.pth"), blob());
  EXPECT_EQ(entries(dir_).size(), 1u);
}

TEST_F(DownloadTest, HashMismatchRemovesTheFileAndIsNotRetried) {
  server_.route("/blob", {.body = blob()});
  const std::string wrong = blob_sha256()[0] == '0' ? "11111111" : "00000000";
  DownloadOptions request = options(server_.url("/blob"), dir_ / "blob.pth");
  request.sha256_prefix = wrong;
  const DownloadError error = expect_download_error(DownloadError::Kind::HashMismatch, [&] { download_file(request); });
  const std::string message = error.what();
  EXPECT_NE(message.find(wrong), std::string::npos) << message;
  EXPECT_NE(message.find(blob_sha256()), std::string::npos) << message;
  EXPECT_TRUE(entries(dir_).empty());
  EXPECT_EQ(server_.requests("/blob"), 1);
}

TEST_F(DownloadTest, FailureLeavesAnExistingDestinationUntouched) {
  server_.route("/blob", {.body = blob()});
  write_file(dir_ / "blob.pth", "old contents");
  DownloadOptions request = options(server_.url("/blob"), dir_ / "blob.pth");
  request.sha256_prefix = blob_sha256()[0] == '0' ? "1" : "0";
  EXPECT_THROW(download_file(request), DownloadError);
  EXPECT_EQ(read_file(dir_ / "blob.pth"), "old contents");
  EXPECT_EQ(entries(dir_), (std::set<std::string>{"blob.pth"}));
}

TEST_F(DownloadTest, NotFoundIsAnErrorAndIsNotRetried) {
  DownloadOptions request = options(server_.url("/models/missing.pth"), dir_ / "missing.pth");
  request.max_attempts = 3;
  const DownloadError error = expect_download_error(DownloadError::Kind::Http, [&] { download_file(request); });
  const std::string message = error.what();
  EXPECT_EQ(error.http_status(), 404);
  EXPECT_NE(message.find("HTTP 404"), std::string::npos) << message;
  EXPECT_NE(message.find(request.url), std::string::npos) << message;
  EXPECT_NE(message.find("--weights FILE"), std::string::npos) << message;
  EXPECT_EQ(server_.requests("/models/missing.pth"), 1);
  EXPECT_TRUE(entries(dir_).empty());
}

TEST_F(DownloadTest, ServerErrorsAreRetriedUntilSuccess) {
  server_.route("/flaky", {.body = blob(), .faults = 2, .status = 500});
  DownloadOptions request = options(server_.url("/flaky"), dir_ / "blob.pth");
  request.max_attempts = 3;
  download_file(request);
  EXPECT_EQ(server_.requests("/flaky"), 3);
  EXPECT_EQ(read_file(dir_ / "blob.pth"), blob());
  EXPECT_EQ(entries(dir_).size(), 1u);
}

TEST_F(DownloadTest, ServerErrorsExhaustTheAttempts) {
  server_.route("/down", {.body = blob(), .status = 503});
  DownloadOptions request = options(server_.url("/down"), dir_ / "blob.pth");
  request.max_attempts = 2;
  const DownloadError error = expect_download_error(DownloadError::Kind::Http, [&] { download_file(request); });
  EXPECT_EQ(error.http_status(), 503);
  EXPECT_NE(std::string(error.what()).find("after 2 attempts"), std::string::npos) << error.what();
  EXPECT_EQ(server_.requests("/down"), 2);
  EXPECT_TRUE(entries(dir_).empty());
}

TEST_F(DownloadTest, ConnectionRefusedGivesTheOfflineAdvice) {
  const ClosedPort closed;
  DownloadOptions request = options(closed.url("/models/mobilenet_v2-b0353104.pth"), dir_ / "cache" / "w.pth");
  request.max_attempts = 2;
  const auto start = std::chrono::steady_clock::now();
  const DownloadError error = expect_download_error(DownloadError::Kind::Network, [&] { download_file(request); });
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  const std::string message = error.what();
  EXPECT_NE(message.find("could not download " + request.url + ": "), std::string::npos) << message;
  EXPECT_NE(message.find("offline or behind a firewall"), std::string::npos) << message;
  EXPECT_NE(message.find("--weights FILE"), std::string::npos) << message;
  EXPECT_NE(message.find(request.destination.string()), std::string::npos) << message;
  EXPECT_NE(message.find("after 2 attempts"), std::string::npos) << message;
  EXPECT_TRUE(entries(dir_).empty());
}

TEST_F(DownloadTest, CutTransferLeavesNoPartialFile) {
  server_.route("/cut", {.body = blob(), .cut_after = blob().size() / 2});
  DownloadOptions request = options(server_.url("/cut"), dir_ / "blob.pth");
  request.max_attempts = 2;
  uint64_t most = 0;
  request.progress = [&](uint64_t done, uint64_t) { most = std::max(most, done); };
  const DownloadError error = expect_download_error(DownloadError::Kind::Network, [&] { download_file(request); });
  EXPECT_EQ(server_.requests("/cut"), 2);  // a cut transfer is transient: retried
  EXPECT_GT(most, 0u);                      // bytes did arrive and were written before the cut
  EXPECT_TRUE(entries(dir_).empty()) << error.what();
}

TEST_F(DownloadTest, CutTransferIsRetriedFromScratch) {
  server_.route("/cut-once", {.body = blob(), .faults = 1, .cut_after = blob().size() / 2});
  download_file(options(server_.url("/cut-once"), dir_ / "blob.pth"));
  EXPECT_EQ(server_.requests("/cut-once"), 2);
  EXPECT_EQ(read_file(dir_ / "blob.pth"), blob());
  EXPECT_EQ(entries(dir_).size(), 1u);
}

TEST_F(DownloadTest, StalledTransferTimesOut) {
  server_.route("/slow", {.body = blob(), .trickle = milliseconds(250)});
  DownloadOptions request = options(server_.url("/slow"), dir_ / "blob.pth");
  request.max_attempts = 1;
  request.low_speed_time_s = 1;
  request.low_speed_limit_bytes = 1000;
  const auto start = std::chrono::steady_clock::now();
  const DownloadError error = expect_download_error(DownloadError::Kind::Network, [&] { download_file(request); });
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_NE(std::string(error.what()).find("too slow"), std::string::npos) << error.what();
  EXPECT_TRUE(entries(dir_).empty());
}

TEST_F(DownloadTest, ProgressCallbackExceptionAbortsAndCleansUp) {
  server_.route("/blob", {.body = blob()});
  DownloadOptions request = options(server_.url("/blob"), dir_ / "blob.pth");
  request.progress = [](uint64_t done, uint64_t) {
    if (done > 0) throw std::runtime_error("cancelled by the user");
  };
  EXPECT_THROW(download_file(request), std::runtime_error);
  EXPECT_TRUE(entries(dir_).empty());
  EXPECT_EQ(server_.requests("/blob"), 1);  // not retried
}

TEST_F(DownloadTest, FileUrlsWorkForLocalMirrors) {
  write_file(dir_ / "mirror" / "blob.pth", blob());
  download_file(options("file://" + (dir_ / "mirror" / "blob.pth").string(), dir_ / "out" / "blob.pth"));
  EXPECT_EQ(read_file(dir_ / "out" / "blob.pth"), blob());
}

TEST_F(DownloadTest, RejectsInvalidOptions) {
  DownloadOptions request = options("", dir_ / "x");
  EXPECT_THROW(download_file(request), InvalidArgument);
  request = options(server_.url("/x"), dir_ / "x");
  request.max_attempts = 0;
  EXPECT_THROW(download_file(request), InvalidArgument);
  request = options(server_.url("/x"), dir_ / "x");
  request.sha256_prefix = "b035310g";
  EXPECT_THROW(download_file(request), InvalidArgument);
  request = options(server_.url("/x"), fs::path());
  EXPECT_THROW(download_file(request), InvalidArgument);
  EXPECT_EQ(server_.total_requests(), 0);
  EXPECT_TRUE(entries(dir_).empty());
}

// ---- The cache -------------------------------------------------------------------------------------------------

TEST_F(DownloadTest, EnsureFileUsesTheCacheWithoutTheNetwork) {
  server_.route("/models/blob.pth", {.body = blob()});
  const fs::path cached = dir_ / "cache" / "weights" / "blob.pth";
  const std::string prefix = blob_sha256().substr(0, 8);
  EXPECT_EQ(ensure_file(server_.url("/models/blob.pth"), cached, prefix), cached);
  EXPECT_EQ(server_.requests("/models/blob.pth"), 1);
  const std::string url = server_.url("/models/blob.pth");
  server_.stop();  // from now on, any download attempt fails
  EXPECT_EQ(ensure_file(url, cached, prefix), cached);
  EXPECT_EQ(read_file(cached), blob());
}

TEST_F(DownloadTest, EnsureFileRejectsACorruptedCachedFile) {
  server_.route("/models/blob.pth", {.body = blob()});
  const fs::path cached = dir_ / "cache" / "weights" / "blob.pth";
  std::string corrupted = blob();
  corrupted[corrupted.size() / 2] ^= 1;
  write_file(cached, corrupted);
  const DownloadError error = expect_download_error(DownloadError::Kind::HashMismatch, [&] {
    ensure_file(server_.url("/models/blob.pth"), cached, blob_sha256().substr(0, 8));
  });
  const std::string message = error.what();
  EXPECT_NE(message.find(cached.string()), std::string::npos) << message;
  EXPECT_NE(message.find(blob_sha256().substr(0, 8)), std::string::npos) << message;
  EXPECT_NE(message.find(sha256_of(corrupted)), std::string::npos) << message;
  EXPECT_EQ(server_.total_requests(), 0);
  EXPECT_EQ(read_file(cached), corrupted);  // the user's file is reported, not deleted
}

TEST_F(DownloadTest, EnsureWeightsFetchesFromTheBaseUrlAndVerifiesThePublishedPrefix) {
  // The blob is not torchvision's file, so the download must be refused on its hash, after fetching
  // exactly <base>/mobilenet_v2-7ebf99e0.pth, and leave nothing in the cache.
  server_.route("/mirror/mobilenet_v2-7ebf99e0.pth", {.body = blob()});
  ScopedEnv base("TTNN_WEIGHTS_BASE_URL", server_.url("/mirror/"));
  const fs::path cache = dir_ / "cache";
  const DownloadError error = expect_download_error(DownloadError::Kind::HashMismatch, [&] {
    ensure_weights(WeightsVariant::IMAGENET1K_V2, cache, {});
  });
  EXPECT_NE(std::string(error.what()).find("7ebf99e0"), std::string::npos) << error.what();
  EXPECT_EQ(server_.requests("/mirror/mobilenet_v2-7ebf99e0.pth"), 1);
  EXPECT_EQ(server_.total_requests(), 1);
  EXPECT_TRUE(entries(cache).empty());
}

TEST_F(DownloadTest, EnsureWeightsRejectsACorruptedCachedFileWithoutTheNetwork) {
  const ClosedPort closed;
  ScopedEnv base("TTNN_WEIGHTS_BASE_URL", closed.url("/models"));
  const fs::path cache = dir_ / "cache";
  const fs::path cached = weights_cache_path(WeightsVariant::IMAGENET1K_V1, cache);
  EXPECT_EQ(cached, cache / "weights" / "mobilenet_v2-b0353104.pth");
  write_file(cached, "not a checkpoint");
  const DownloadError error = expect_download_error(DownloadError::Kind::HashMismatch, [&] {
    ensure_weights(WeightsVariant::IMAGENET1K_V1, cache, {});
  });
  const std::string message = error.what();
  EXPECT_NE(message.find("b0353104"), std::string::npos) << message;
  EXPECT_NE(message.find(cached.string()), std::string::npos) << message;
  EXPECT_NE(message.find("--weights FILE"), std::string::npos) << message;
}

TEST_F(DownloadTest, EnsureWeightsOfflineNamesTheCachePath) {
  const ClosedPort closed;
  ScopedEnv base("TTNN_WEIGHTS_BASE_URL", closed.url("/models"));
  ScopedEnv cache_env("TTNN_CACHE_DIR", (dir_ / "env-cache").string());
  const DownloadError error = expect_download_error(DownloadError::Kind::Network, [&] {
    ensure_weights(WeightsVariant::IMAGENET1K_V1);  // the default cache and the default progress
  });
  const std::string message = error.what();
  EXPECT_NE(message.find(closed.url("/models/mobilenet_v2-b0353104.pth")), std::string::npos) << message;
  EXPECT_NE(message.find("--weights FILE"), std::string::npos) << message;
  EXPECT_NE(message.find((dir_ / "env-cache" / "weights" / "mobilenet_v2-b0353104.pth").string()), std::string::npos)
      << message;
  EXPECT_TRUE(entries(dir_).empty());
}

// ---- scripts/download_weights.sh -----------------------------------------------------------------------------------

#ifdef TTNN_SOURCE_DIR
// Runs the script with TTNN_WEIGHTS_BASE_URL pointing at the test server; returns its exit status and
// fills `output` with what it printed.
int run_script(const std::string& arguments, const std::string& base_url, const fs::path& log, std::string& output) {
  ScopedEnv base("TTNN_WEIGHTS_BASE_URL", base_url);
  const std::string command = std::string("bash '") + TTNN_SOURCE_DIR + "/scripts/download_weights.sh' " + arguments +
                              " > '" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  output = read_file(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(DownloadTest, ScriptRemovesAFileWithTheWrongHash) {
  if (std::system("command -v wget >/dev/null 2>&1 || command -v curl >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "neither wget nor curl is installed";
  server_.route("/models/mobilenet_v2-7ebf99e0.pth", {.body = blob()});
  const fs::path output_path = dir_ / "out" / "weights.pth";
  std::string output;
  const int status =
      run_script("'" + output_path.string() + "' IMAGENET1K_V2", server_.url("/models"), dir_ / "log.txt", output);
  EXPECT_NE(status, 0) << output;
  EXPECT_EQ(server_.requests("/models/mobilenet_v2-7ebf99e0.pth"), 1) << output;
  EXPECT_NE(output.find("7ebf99e0"), std::string::npos) << output;
  EXPECT_NE(output.find(blob_sha256()), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "weights.pth"));
  EXPECT_TRUE(entries(dir_ / "out").empty()) << output;
}

TEST_F(DownloadTest, ScriptFailsCleanlyOn404AndOnABadVariant) {
  if (std::system("command -v wget >/dev/null 2>&1 || command -v curl >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "neither wget nor curl is installed";
  const fs::path output_path = dir_ / "out" / "weights.pth";
  std::string output;
  EXPECT_NE(run_script("'" + output_path.string() + "'", server_.url("/nowhere"), dir_ / "log.txt", output), 0);
  EXPECT_EQ(server_.requests("/nowhere/mobilenet_v2-b0353104.pth"), 1) << output;
  EXPECT_NE(output.find("--weights"), std::string::npos) << output;
  EXPECT_TRUE(entries(dir_ / "out").empty()) << output;
  EXPECT_EQ(run_script("'" + output_path.string() + "' IMAGENET1K_V9", server_.url("/nowhere"), dir_ / "log.txt", output), 2)
      << output;
  EXPECT_NE(output.find("IMAGENET1K_V9"), std::string::npos) << output;
}
#endif

}  // namespace
}  // namespace ttnn::io
