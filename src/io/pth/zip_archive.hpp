// A read-only zip archive over bytes in memory (libzip), with the sizes of what it inflates bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct zip;

namespace ttnn::io::pth {

class ZipArchive {
 public:
  // Throws FormatError naming `what` when the bytes are not a consistent zip archive.
  ZipArchive(std::span<const std::byte> bytes, std::string_view what);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  std::vector<std::string> names() const;
  std::optional<uint64_t> find(const std::string& name) const;
  // The entry's contents, CRC-checked. Throws FormatError if it is larger than `max_size` bytes.
  std::vector<std::byte> read(uint64_t index, uint64_t max_size);

 private:
  std::string error_text() const;

  zip* archive_ = nullptr;
  std::string what_;
  uint64_t inflate_budget_;  // total bytes all reads may produce
};

}  // namespace ttnn::io::pth
