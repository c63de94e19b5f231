// download_file: a verified, atomic, retrying HTTP(S) download with libcurl (libcurl4-openssl-dev).
//
// Each call streams into "<destination>.partial-<random>" (created O_EXCL beside the destination, so the
// final rename stays on one file system), hashing as the bytes arrive; after a complete transfer it
// fsyncs the file, checks the SHA-256 prefix, renames it onto the destination and fsyncs the directory.
// A TempFile guard removes the temporary file on every other way out, exceptions included.
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <exception>
#include <random>
#include <thread>

#include "io/download/libcurl.hpp"
#include "io/download/sha256.hpp"
#include "ttnn/io/download.hpp"

namespace ttnn::io {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

// The temporary file of one download_file call: removed by the destructor unless committed.
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& destination) {
    std::random_device random;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int tries = 0; tries < 32; ++tries) {
      std::string suffix = ".partial-";
      for (int i = 0; i < 12; ++i) suffix.push_back(kHex[random() & 15]);
      std::filesystem::path candidate = destination;
      candidate += suffix;
      fd_ = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd_ >= 0) {
        path_ = std::move(candidate);
        return;
      }
      if (errno != EEXIST)
        throw DownloadError(DownloadError::Kind::File,
                            "download: cannot create " + candidate.string() + ": " + errno_text(errno));
    }
    throw DownloadError(DownloadError::Kind::File,
                        "download: cannot create a temporary file beside " + destination.string());
  }
  ~TempFile() {
    close_fd();
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }

  // Empties the file for another attempt.
  void truncate() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) fail("truncate");
  }
  void write_all(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t written = ::write(fd_, data, size);
      if (written < 0) {
        if (errno == EINTR) continue;
        fail("write");
      }
      data += written;
      size -= static_cast<size_t>(written);
    }
  }
  // fsync + close; the file stays until commit() or destruction.
  void sync_and_close() {
    if (::fsync(fd_) != 0) fail("fsync");
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close");
  }
  // Renames onto the destination; from then on the destructor leaves it alone.
  void commit(const std::filesystem::path& destination) {
    if (::rename(path_.c_str(), destination.c_str()) != 0)
      throw DownloadError(DownloadError::Kind::File, "download: cannot rename " + path_.string() + " to " +
                                                         destination.string() + ": " + errno_text(errno));
    path_.clear();
    // Make the rename itself durable (best effort: some file systems refuse fsync on directories).
    std::filesystem::path directory = destination.parent_path();
    if (directory.empty()) directory = ".";
    const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      (void)::fsync(dir_fd);
      ::close(dir_fd);
    }
  }

 private:
  [[noreturn]] void fail(const char* what) {
    throw DownloadError(DownloadError::Kind::File,
                        std::string("download: cannot ") + what + " " + path_.string() + ": " + errno_text(errno));
  }
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::filesystem::path path_;
  int fd_ = -1;
};

// State shared with libcurl's callbacks during one attempt. Callbacks never let an exception cross
// libcurl's C frames: they store it and abort the transfer; perform() rethrows it afterwards.
struct Transfer {
  CURL* handle = nullptr;
  TempFile* file = nullptr;
  detail::Sha256* hash = nullptr;
  const ProgressCallback* progress = nullptr;
  uint64_t received = 0;
  uint64_t reported_done = UINT64_MAX, reported_total = UINT64_MAX;
  std::exception_ptr error;

  void report(uint64_t done, uint64_t total) {
    if (*progress && (done != reported_done || total != reported_total)) {
      reported_done = done;
      reported_total = total;
      (*progress)(done, total);
    }
  }
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  try {
    transfer->file->write_all(data, bytes);
    transfer->hash->update(data, bytes);
    transfer->received += bytes;
  } catch (...) {
    transfer->error = std::current_exception();
    return 0;  // CURLE_WRITE_ERROR
  }
  return bytes;
}

int on_progress(void* user, curl_off_t download_total, curl_off_t download_now, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  // Nothing to show before the first byte or size of the file is known, nor for the body of a redirect
  // or an error response (status 0 = not known yet, or a file:// URL).
  if (download_now <= 0 && download_total <= 0) return 0;
  long status = 0;
  detail::libcurl().easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 300) return 0;
  try {
    transfer->report(static_cast<uint64_t>(std::max<curl_off_t>(download_now, 0)),
                     static_cast<uint64_t>(std::max<curl_off_t>(download_total, 0)));
  } catch (...) {
    transfer->error = std::current_exception();
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

struct CurlHandle {
  CURL* handle = detail::libcurl().easy_init();
  ~CurlHandle() {
    if (handle != nullptr) detail::libcurl().easy_cleanup(handle);
  }
};

bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:         // connection refused, unreachable
    case CURLE_COULDNT_RESOLVE_HOST:    // DNS hiccup (or offline: the retries then cost a few seconds)
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:      // connect timeout, or slower than the low-speed limit
    case CURLE_PARTIAL_FILE:            // the connection closed before Content-Length bytes arrived
    case CURLE_RECV_ERROR:              // connection reset
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:       // reset during the TLS handshake
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool is_transient_http(long status) { return status == 408 || status == 429 || status >= 500; }

std::string http_status_text(long status) {
  std::string text = "the server answered HTTP " + std::to_string(status);
  switch (status) {
    case 401: return text + " Unauthorized";
    case 403: return text + " Forbidden";
    case 404: return text + " Not Found";
    case 407: return text + " Proxy Authentication Required";
    case 408: return text + " Request Timeout";
    case 410: return text + " Gone";
    case 429: return text + " Too Many Requests";
    case 500: return text + " Internal Server Error";
    case 502: return text + " Bad Gateway";
    case 503: return text + " Service Unavailable";
    case 504: return text + " Gateway Timeout";
    default: return text;
  }
}

void validate(const DownloadOptions& options) {
  if (options.url.empty()) throw InvalidArgument("download_file: the URL is empty");
  if (options.destination.empty() || !options.destination.has_filename())
    throw InvalidArgument("download_file: destination '" + options.destination.string() + "' does not name a file");
  if (options.max_attempts < 1)
    throw InvalidArgument("download_file: max_attempts must be at least 1, got " + std::to_string(options.max_attempts));
  if (options.retry_delay.count() < 0) throw InvalidArgument("download_file: retry_delay must not be negative");
  if (options.sha256_prefix.size() > 64 ||
      !std::all_of(options.sha256_prefix.begin(), options.sha256_prefix.end(),
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }))
    throw InvalidArgument("download_file: sha256_prefix '" + options.sha256_prefix +
                          "' is not a SHA-256 prefix (up to 64 hex digits)");
}

void set_option_checked(CURLcode code, const char* name) {
  if (code != CURLE_OK)
    throw DownloadError(DownloadError::Kind::Network,
                        std::string("download: libcurl refused ") + name + ": " + detail::libcurl().easy_strerror(code));
}

#define TTNN_CURL_SET(handle, option, value) \
  set_option_checked(detail::libcurl().easy_setopt(handle, option, value), #option)

}  // namespace

std::filesystem::path download_file(const DownloadOptions& options) {
  validate(options);
  const detail::Libcurl& curl_api = detail::libcurl();

  const std::filesystem::path& destination = options.destination;
  const std::string manual = "Download the file elsewhere and pass it with --weights FILE (or put it at " +
                             destination.string() + ").";

  std::error_code error;
  const std::filesystem::path directory = destination.parent_path();
  if (!directory.empty()) {
    std::filesystem::create_directories(directory, error);
    if (error)
      throw DownloadError(DownloadError::Kind::File,
                          "download: cannot create directory " + directory.string() + ": " + error.message());
  }

  CurlHandle curl;
  if (curl.handle == nullptr) throw DownloadError(DownloadError::Kind::Network, "download: curl_easy_init failed");
  CURL* handle = curl.handle;

  TempFile file(destination);
  detail::Sha256 hash;
  Transfer transfer;
  transfer.handle = handle;
  transfer.file = &file;
  transfer.hash = &hash;
  transfer.progress = &options.progress;
  char error_buffer[CURL_ERROR_SIZE] = {};

  TTNN_CURL_SET(handle, CURLOPT_URL, options.url.c_str());
  TTNN_CURL_SET(handle, CURLOPT_FOLLOWLOCATION, 1L);
  TTNN_CURL_SET(handle, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85: the string forms
  TTNN_CURL_SET(handle, CURLOPT_PROTOCOLS_STR, "http,https,file");
  TTNN_CURL_SET(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  TTNN_CURL_SET(handle, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE));
  TTNN_CURL_SET(handle, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  TTNN_CURL_SET(handle, CURLOPT_FAILONERROR, 1L);  // HTTP >= 400: CURLE_HTTP_RETURNED_ERROR, no body written
  TTNN_CURL_SET(handle, CURLOPT_NOSIGNAL, 1L);
  TTNN_CURL_SET(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  TTNN_CURL_SET(handle, CURLOPT_USERAGENT, "ttnn-cpp/0.1 libcurl/" LIBCURL_VERSION);
  TTNN_CURL_SET(handle, CURLOPT_CONNECTTIMEOUT, std::max(options.connect_timeout_s, 0L));
  if (options.low_speed_time_s > 0 && options.low_speed_limit_bytes > 0) {
    TTNN_CURL_SET(handle, CURLOPT_LOW_SPEED_TIME, options.low_speed_time_s);
    TTNN_CURL_SET(handle, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit_bytes);
  }
  TTNN_CURL_SET(handle, CURLOPT_ERRORBUFFER, error_buffer);
  TTNN_CURL_SET(handle, CURLOPT_WRITEFUNCTION, &on_write);
  TTNN_CURL_SET(handle, CURLOPT_WRITEDATA, &transfer);
  TTNN_CURL_SET(handle, CURLOPT_XFERINFOFUNCTION, &on_progress);
  TTNN_CURL_SET(handle, CURLOPT_XFERINFODATA, &transfer);
  TTNN_CURL_SET(handle, CURLOPT_NOPROGRESS, 0L);

  std::chrono::milliseconds delay = options.retry_delay;
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      file.truncate();
      hash.reset();
      transfer.received = 0;
    }
    error_buffer[0] = '\0';
    const CURLcode code = curl_api.easy_perform(handle);
    if (transfer.error) std::rethrow_exception(transfer.error);  // write failure or the progress callback
    if (code == CURLE_OK) break;

    long status = 0;
    curl_api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    const bool http_error = code == CURLE_HTTP_RETURNED_ERROR;
    const bool transient = http_error ? is_transient_http(status) : is_transient(code);
    if (transient && attempt < options.max_attempts) {
      std::this_thread::sleep_for(delay);
      delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(60));
      continue;
    }
    std::string reason;
    if (http_error) {
      reason = http_status_text(status);
    } else {
      reason = error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_api.easy_strerror(code));
      long os_errno = 0;  // e.g. "Connection refused", which libcurl's text leaves out
      if (curl_api.easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno != 0) {
        const std::string os_text = errno_text(static_cast<int>(os_errno));
        if (reason.find(os_text) == std::string::npos) reason += " (" + os_text + ")";
      }
    }
    if (attempt > 1) reason += " (after " + std::to_string(attempt) + " attempts)";
    std::string advice = options.offline_advice;
    if (advice.empty())
      advice = http_error && status != 403 && status != 407
                   ? manual
                   : "This machine may be offline or behind a firewall. " + manual;
    throw DownloadError(http_error ? DownloadError::Kind::Http : DownloadError::Kind::Network,
                        "could not download " + options.url + ": " + reason + ". " + advice, http_error ? status : 0);
  }

  // The last progress report says the transfer is complete.
  curl_off_t declared = -1;
  curl_api.easy_getinfo(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
  transfer.report(transfer.received, declared > 0 ? static_cast<uint64_t>(declared) : transfer.received);

  file.sync_and_close();
  const std::string actual = hash.hex_digest();
  if (!sha256_matches_prefix(actual, options.sha256_prefix))
    throw DownloadError(DownloadError::Kind::HashMismatch,
                        "downloaded " + options.url + " (" + std::to_string(transfer.received) +
                            " bytes) but its SHA-256 is " + actual + ", which does not start with the expected " +
                            options.sha256_prefix + "; the file was discarded and " + destination.string() +
                            " left unchanged. The server (or a proxy, or the mirror named by "
                            "TTNN_WEIGHTS_BASE_URL) sent different content; try again, or download the file "
                            "elsewhere and pass it with --weights FILE.");
  file.commit(destination);
  return destination;
}

}  // namespace ttnn::io
