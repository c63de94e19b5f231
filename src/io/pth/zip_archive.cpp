#include "io/pth/zip_archive.hpp"

#include <libdeflate.h>
#include <zip.h>

#include "core/check.hpp"

namespace ttnn::io::pth {
namespace {

// Deflate cannot expand data by more than about 1032:1; anything claiming more is a bomb.
constexpr uint64_t kMaxInflateRatio = 1032;
constexpr uint64_t kInflateSlack = uint64_t{1} << 16;

// Zip record layouts (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16): signatures and fixed-part sizes.
constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndOfCentralDirectorySignature = 0x06054b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndOfCentralDirectorySize = 22;
constexpr size_t kMaxCommentSize = 0xffff;
// A 16- or 32-bit field holding all ones means "see the ZIP64 record".
constexpr uint32_t kZip64Marker16 = 0xffff;
constexpr uint32_t kZip64Marker32 = 0xffffffff;
constexpr uint16_t kEncryptedFlag = 1;
constexpr uint16_t kDataDescriptorFlag = 1 << 3;  // CRC and sizes follow the data instead of the local header

using Bytes = std::span<const std::byte>;

// Overflow-safe: whether [offset, offset + length) lies inside `bytes`.
bool holds(Bytes bytes, uint64_t offset, uint64_t length) {
  return offset <= bytes.size() && length <= bytes.size() - offset;
}

// Little-endian fields; callers check the range with holds() first.
uint16_t le16(Bytes bytes, uint64_t at) {
  const auto low = std::to_integer<unsigned>(bytes[at]), high = std::to_integer<unsigned>(bytes[at + 1]);
  return static_cast<uint16_t>(low | high << 8);
}
uint32_t le32(Bytes bytes, uint64_t at) { return le16(bytes, at) | uint32_t{le16(bytes, at + 2)} << 16; }

std::string_view text_at(Bytes bytes, uint64_t at, uint64_t length) {
  return {reinterpret_cast<const char*>(bytes.data() + at), static_cast<size_t>(length)};
}

struct CentralDirectory {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t entries = 0;
};

// The end of central directory record is the last 22 bytes, or followed by a comment of at most 64 KiB
// whose length it gives. nullopt when there is none, or its fields defer to a ZIP64 record.
std::optional<CentralDirectory> find_central_directory(Bytes bytes) {
  if (bytes.size() < kEndOfCentralDirectorySize) return std::nullopt;
  const uint64_t last = bytes.size() - kEndOfCentralDirectorySize;
  const uint64_t first = last > kMaxCommentSize ? last - kMaxCommentSize : 0;
  for (uint64_t at = last + 1; at-- > first;) {
    if (le32(bytes, at) != kEndOfCentralDirectorySignature) continue;
    if (at + kEndOfCentralDirectorySize + le16(bytes, at + 20) != bytes.size()) continue;
    const uint16_t disk = le16(bytes, at + 4), directory_disk = le16(bytes, at + 6);
    const uint16_t disk_entries = le16(bytes, at + 8), entries = le16(bytes, at + 10);
    const CentralDirectory directory{le32(bytes, at + 16), le32(bytes, at + 12), entries};
    const bool zip64 = entries == kZip64Marker16 || directory.size == kZip64Marker32 ||
                       directory.offset == kZip64Marker32;
    const bool one_disk = disk == 0 && directory_disk == 0 && disk_entries == entries;
    if (zip64 || !one_disk || !holds(bytes.first(at), directory.offset, directory.size)) return std::nullopt;
    return directory;
  }
  return std::nullopt;
}

// Entry name -> local header offset. Empty when any header is malformed: a directory that is wrong in
// one place is trusted in none. Entries whose offset or sizes defer to ZIP64 extra fields are left out.
std::unordered_map<std::string, std::optional<uint64_t>> read_local_header_offsets(Bytes bytes) {
  std::unordered_map<std::string, std::optional<uint64_t>> offsets;
  const auto directory = find_central_directory(bytes);
  if (!directory) return offsets;
  const Bytes headers = bytes.subspan(directory->offset, directory->size);
  uint64_t at = 0;
  for (uint64_t i = 0; i < directory->entries; ++i) {
    if (!holds(headers, at, kCentralHeaderSize) || le32(headers, at) != kCentralHeaderSignature) return {};
    const uint64_t name_size = le16(headers, at + 28);
    const uint64_t record_size = kCentralHeaderSize + name_size + le16(headers, at + 30) + le16(headers, at + 32);
    if (!holds(headers, at, record_size)) return {};
    const uint32_t offset = le32(headers, at + 42);
    const bool zip64 = offset == kZip64Marker32 || le32(headers, at + 20) == kZip64Marker32 ||
                       le32(headers, at + 24) == kZip64Marker32;
    // ZIP64 entries (their offset or sizes in extra fields) are listed without an offset: not read in
    // place, and still counted when a name is listed twice.
    std::string name(text_at(headers, at + kCentralHeaderSize, name_size));
    const auto [found, added] = offsets.try_emplace(std::move(name), zip64 ? std::nullopt : std::optional<uint64_t>(offset));
    if (!added) found->second = std::nullopt;
    at += record_size;
  }
  return offsets;
}

// What reading in place needs libzip to vouch for: an unencrypted stored entry, with its name and CRC.
bool may_read_in_place(const zip_stat_t& stat) {
  const bool encrypted = (stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE;
  const zip_uint64_t wanted = ZIP_STAT_NAME | ZIP_STAT_CRC;
  return stat.comp_method == ZIP_CM_STORE && !encrypted && (stat.valid & wanted) == wanted;
}

}  // namespace

struct ZipArchive::Entry {
  zip_stat_t stat;
  std::string name;
};

ZipArchive::ZipArchive(std::span<const std::byte> bytes, std::string_view what)
    : bytes_(bytes), what_(what), inflate_budget_(bytes.size() * kMaxInflateRatio + kInflateSlack) {
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
  local_header_offsets_ = read_local_header_offsets(bytes);
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

ZipArchive::Entry ZipArchive::stat_entry(uint64_t index) const {
  Entry entry;
  zip_stat_init(&entry.stat);
  check<FormatError>(zip_stat_index(archive_, index, ZIP_FL_ENC_RAW, &entry.stat) == 0, "{}: zip entry {}: {}",
                     what_, index, error_text());
  const zip_stat_t& stat = entry.stat;
  entry.name = (stat.valid & ZIP_STAT_NAME) ? stat.name : std::to_string(index);
  const zip_uint64_t wanted = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
  check<FormatError>((stat.valid & wanted) == wanted, "{}: zip entry '{}' lacks its sizes", what_, entry.name);
  check<FormatError>(stat.comp_method == ZIP_CM_STORE || stat.comp_method == ZIP_CM_DEFLATE,
                     "{}: zip entry '{}' uses compression method {} (only stored or deflated)", what_, entry.name,
                     stat.comp_method);
  check<FormatError>(stat.comp_method != ZIP_CM_STORE || stat.size == stat.comp_size,
                     "{}: stored zip entry '{}' has size {} but {} stored bytes", what_, entry.name, stat.size,
                     stat.comp_size);
  return entry;
}

void ZipArchive::check_size(const Entry& entry, uint64_t max_size) const {
  check<FormatError>(entry.stat.size <= max_size, "{}: zip entry '{}' has {} bytes (at most {} expected)", what_,
                     entry.name, entry.stat.size, max_size);
}

std::vector<std::byte> ZipArchive::read(uint64_t index, uint64_t max_size) {
  const Entry entry = stat_entry(index);
  const zip_stat_t& stat = entry.stat;
  const std::string& name = entry.name;
  check_size(entry, max_size);
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

std::optional<std::span<const std::byte>> ZipArchive::stored_bytes(uint64_t index, uint64_t max_size) const {
  const Entry entry = stat_entry(index);
  const zip_stat_t& stat = entry.stat;
  if (!may_read_in_place(stat)) return std::nullopt;
  check_size(entry, max_size);
  const auto data = locate_stored_data(entry);
  if (!data) return std::nullopt;
  // zip_fread would check the CRC; reading in place bypasses it, so check it here.
  const auto crc = libdeflate_crc32(0, data->data(), data->size());
  check<FormatError>(crc == stat.crc,
                     "{}: zip entry '{}' ({} bytes) cannot be read: CRC error (recorded {:08x}, data has {:08x})",
                     what_, entry.name, data->size(), stat.crc, crc);
  return data;
}

// The data follows the local header, whose name and extra field lengths may differ from the central
// directory's (torch pads the local extra field to align the data). Its signature, flags, method, name,
// CRC and sizes must agree with the entry libzip describes, so an offset pointing anywhere else (a parse of
// the directory that differs from libzip's) is refused rather than read as corrupt data.
std::optional<std::span<const std::byte>> ZipArchive::locate_stored_data(const Entry& entry) const {
  const auto found = local_header_offsets_.find(entry.name);
  if (found == local_header_offsets_.end() || !found->second) return std::nullopt;
  const uint64_t at = *found->second;
  if (!holds(bytes_, at, kLocalHeaderSize) || le32(bytes_, at) != kLocalHeaderSignature) return std::nullopt;
  const bool encrypted = le16(bytes_, at + 6) & kEncryptedFlag;
  if (encrypted || le16(bytes_, at + 8) != ZIP_CM_STORE) return std::nullopt;
  const bool sizes_after_data = le16(bytes_, at + 6) & kDataDescriptorFlag;  // then these fields are zero
  if (!sizes_after_data && (le32(bytes_, at + 14) != entry.stat.crc || le32(bytes_, at + 18) != entry.stat.comp_size ||
                            le32(bytes_, at + 22) != entry.stat.size))
    return std::nullopt;
  const uint64_t name_size = le16(bytes_, at + 26);
  const uint64_t name_at = at + kLocalHeaderSize;
  if (!holds(bytes_, name_at, name_size) || text_at(bytes_, name_at, name_size) != entry.name) return std::nullopt;
  const uint64_t data_at = name_at + name_size + le16(bytes_, at + 28);
  if (!holds(bytes_, data_at, entry.stat.size)) return std::nullopt;
  return bytes_.subspan(data_at, entry.stat.size);
}

}  // namespace ttnn::io::pth
