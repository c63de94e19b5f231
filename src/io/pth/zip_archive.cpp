#include "io/pth/zip_archive.hpp"

#include <zip.h>

#include "core/check.hpp"

namespace ttnn::io::pth {
namespace {

// Deflate cannot expand data by more than about 1032:1; anything claiming more is a bomb.
constexpr uint64_t kMaxInflateRatio = 1032;
constexpr uint64_t kInflateSlack = uint64_t{1} << 16;

}  // namespace

ZipArchive::ZipArchive(std::span<const std::byte> bytes, std::string_view what)
    : what_(what), inflate_budget_(bytes.size() * kMaxInflateRatio + kInflateSlack) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source != nullptr) {
    archive_ = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (archive_ == nullptr) zip_source_free(source);
  }
  if (archive_ == nullptr) {
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    fail<FormatError>("{}: not a valid zip archive: {}", what_, text);
  }
  zip_error_fini(&error);
}

ZipArchive::~ZipArchive() { zip_discard(archive_); }

std::string ZipArchive::error_text() const { return zip_strerror(archive_); }

std::vector<std::string> ZipArchive::names() const {
  std::vector<std::string> out;
  const zip_int64_t count = zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* name = zip_get_name(archive_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    check<FormatError>(name != nullptr, "{}: zip entry {} has no name: {}", what_, i, error_text());
    out.emplace_back(name);
  }
  return out;
}

std::optional<uint64_t> ZipArchive::find(const std::string& name) const {
  const zip_int64_t index = zip_name_locate(archive_, name.c_str(), ZIP_FL_ENC_RAW);
  if (index < 0) return std::nullopt;
  return static_cast<uint64_t>(index);
}

std::vector<std::byte> ZipArchive::read(uint64_t index, uint64_t max_size) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  check<FormatError>(zip_stat_index(archive_, index, ZIP_FL_ENC_RAW, &stat) == 0, "{}: zip entry {}: {}",
                     what_, index, error_text());
  const std::string name = (stat.valid & ZIP_STAT_NAME) ? stat.name : std::to_string(index);
  const zip_uint64_t wanted = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
  check<FormatError>((stat.valid & wanted) == wanted, "{}: zip entry '{}' lacks its sizes", what_, name);
  check<FormatError>(stat.comp_method == ZIP_CM_STORE || stat.comp_method == ZIP_CM_DEFLATE,
                     "{}: zip entry '{}' uses compression method {} (only stored or deflated)", what_, name,
                     stat.comp_method);
  check<FormatError>(stat.comp_method != ZIP_CM_STORE || stat.size == stat.comp_size,
                     "{}: stored zip entry '{}' has size {} but {} stored bytes", what_, name, stat.size,
                     stat.comp_size);
  check<FormatError>(stat.size <= max_size, "{}: zip entry '{}' has {} bytes (at most {} expected)", what_, name,
                     stat.size, max_size);
  check<FormatError>(stat.size / kMaxInflateRatio <= stat.comp_size && stat.size <= inflate_budget_,
                     "{}: zip entry '{}' claims {} bytes from {} compressed ones", what_, name, stat.size,
                     stat.comp_size);
  inflate_budget_ -= stat.size;

  zip_file_t* file = zip_fopen_index(archive_, index, 0);
  check<FormatError>(file != nullptr, "{}: zip entry '{}': {}", what_, name, error_text());
  std::vector<std::byte> out(stat.size);
  zip_int64_t got = out.empty() ? 0 : zip_fread(file, out.data(), out.size());
  std::byte extra;
  // Reading past the end is what makes libzip check the CRC.
  const zip_int64_t tail = got == static_cast<zip_int64_t>(out.size()) ? zip_fread(file, &extra, 1) : -1;
  const bool complete = got == static_cast<zip_int64_t>(out.size());
  const std::string reason = got < 0 || tail < 0 ? zip_file_strerror(file)
                             : !complete         ? "it ends early"
                             : tail != 0         ? "it holds more data than its size"
                                                 : "";
  zip_fclose(file);
  check<FormatError>(reason.empty(), "{}: zip entry '{}' ({} bytes) cannot be read: {}", what_, name, out.size(),
                     reason);
  return out;
}

}  // namespace ttnn::io::pth
