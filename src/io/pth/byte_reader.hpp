// A bounds-checked cursor over untrusted bytes. Every read names what it reads, so a short file fails
// with the byte range it needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/check.hpp"

namespace ttnn::io::pth {

class ByteReader {
 public:
  // `base_offset` is where `bytes` starts in the file, so messages quote file offsets.
  ByteReader(std::span<const std::byte> bytes, std::string_view what, size_t base_offset = 0)
      : bytes_(bytes), what_(what), base_(base_offset) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  size_t file_offset() const { return base_ + pos_; }
  std::span<const std::byte> rest() const { return bytes_.subspan(pos_); }

  std::span<const std::byte> take(uint64_t count, std::string_view item) {
    check<FormatError>(count <= remaining(), "{}: {} needs {} bytes at byte {} but the data ends at byte {}",
                       what_, item, count, file_offset(), base_ + bytes_.size());
    const auto out = bytes_.subspan(pos_, static_cast<size_t>(count));
    pos_ += static_cast<size_t>(count);
    return out;
  }

  uint8_t u8(std::string_view item) { return static_cast<uint8_t>(take(1, item)[0]); }
  uint64_t le(size_t width, std::string_view item) { return assemble(take(width, item), false); }
  uint64_t be(size_t width, std::string_view item) { return assemble(take(width, item), true); }

  // Text up to (not including) the next '\n', at most `max_length` bytes.
  std::string_view line(size_t max_length, std::string_view item) {
    const auto available = rest().first(std::min(remaining(), max_length + 1));
    for (size_t i = 0; i < available.size(); ++i) {
      if (available[i] == std::byte{'\n'}) {
        const auto text = take(i + 1, item).first(i);
        return {reinterpret_cast<const char*>(text.data()), text.size()};
      }
    }
    fail<FormatError>("{}: {} at byte {} has no newline within {} bytes", what_, item, file_offset(),
                      max_length);
  }

  // Unsigned integer from `width` (<= 8) bytes in the given byte order.
  static uint64_t assemble(std::span<const std::byte> raw, bool big_endian) {
    uint64_t value = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      const size_t index = big_endian ? i : raw.size() - 1 - i;
      value = (value << 8) | static_cast<uint8_t>(raw[index]);
    }
    return value;
  }

 private:
  std::span<const std::byte> bytes_;
  std::string_view what_;
  size_t base_;
  size_t pos_ = 0;
};

}  // namespace ttnn::io::pth
