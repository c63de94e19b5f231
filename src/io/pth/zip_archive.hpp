// A read-only zip archive over bytes in memory (libzip), with the sizes of what it inflates bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct zip;

namespace ttnn::io::pth {

class ZipArchive {
 public:
  // Throws FormatError naming `what` when the bytes are not a consistent zip archive. The bytes must
  // outlive the archive and the spans stored_bytes returns.
  ZipArchive(std::span<const std::byte> bytes, std::string_view what);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  std::vector<std::string> names() const;
  std::optional<uint64_t> find(const std::string& name) const;
  // The entry's contents, CRC-checked. Throws FormatError if it is larger than `max_size` bytes.
  std::vector<std::byte> read(uint64_t index, uint64_t max_size);
  // A stored (uncompressed) entry's contents where they lie in the archive's bytes, CRC-checked, without
  // a copy. nullopt when the entry is compressed or its data cannot be located unambiguously: read()
  // it then. Throws FormatError as read() does when it is larger than `max_size` bytes or fails its CRC.
  std::optional<std::span<const std::byte>> stored_bytes(uint64_t index, uint64_t max_size) const;

 private:
  struct Entry;
  std::string error_text() const;
  Entry stat_entry(uint64_t index) const;
  void check_size(const Entry& entry, uint64_t max_size) const;
  std::optional<std::span<const std::byte>> locate_stored_data(const Entry& entry) const;

  zip* archive_ = nullptr;
  std::span<const std::byte> bytes_;
  std::string what_;
  uint64_t inflate_budget_;  // total bytes all reads may produce
  // Entry name -> offset of its local header, from our own reading of the central directory (libzip
  // does not expose it); nullopt for names listed more than once.
  std::unordered_map<std::string, std::optional<uint64_t>> local_header_offsets_;
};

}  // namespace ttnn::io::pth
