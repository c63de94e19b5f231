#include "ttnn/io/npy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <system_error>

#include "core/check.hpp"

static_assert(std::endian::native == std::endian::little, "the .npy reader assumes a little-endian host");

namespace ttnn::io {
namespace {

constexpr std::array<unsigned char, 6> kMagic = {0x93, 'N', 'U', 'M', 'P', 'Y'};

struct DTypeName {
  std::string_view descr;
  NpyDType dtype;
};
constexpr std::array<DTypeName, 7> kDescrs = {{
    {"<f4", NpyDType::Float32},
    {"<f8", NpyDType::Float64},
    {"<i8", NpyDType::Int64},
    {"<i4", NpyDType::Int32},
    {"<u1", NpyDType::UInt8},
    {"|u1", NpyDType::UInt8},
    {"|b1", NpyDType::Bool},
}};

std::string shape_to_string(std::span<const uint64_t> shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) text += ",";
  return text + ")";
}

// Python-literal style quoting of a header string for messages, with unprintable bytes escaped.
std::string quote_text(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\') {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  return out + "'";
}

// Element count of `shape`, or nullopt when it overflows uint64 (a zero dimension makes it 0).
std::optional<uint64_t> checked_volume(std::span<const uint64_t> shape) {
  if (std::find(shape.begin(), shape.end(), uint64_t{0}) != shape.end()) return uint64_t{0};
  uint64_t count = 1;
  for (const uint64_t dim : shape) {
    if (count > std::numeric_limits<uint64_t>::max() / dim) return std::nullopt;
    count *= dim;
  }
  return count;
}

// Reads the header dict NumPy writes: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// with any whitespace, either quote style and an optional trailing comma. Only string, bool and
// tuple-of-int values are understood; anything else is an error, never evaluated.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, size_t base_offset, std::string_view what)
      : text_(text), base_(base_offset), what_(what) {}

  struct Result {
    std::string descr;
    size_t descr_at = 0;
    bool fortran_order = false;
    size_t fortran_at = 0;
    std::vector<uint64_t> shape;
    size_t shape_at = 0;
  };

  Result parse() {
    Result result;
    bool has_descr = false;
    bool has_fortran = false;
    bool has_shape = false;
    skip_space();
    if (at_end() || peek() != '{') error("the header is not a dict literal (expected '{')", pos_);
    ++pos_;
    while (true) {
      skip_space();
      if (at_end()) error("the header dict is not closed (expected '}')", pos_);
      if (peek() == '}') break;
      const size_t key_at = pos_;
      if (peek() != '\'' && peek() != '"') error("expected a quoted key in the header dict", pos_);
      const std::string key = parse_string();
      skip_space();
      expect(':', "after the key " + quote_text(key));
      skip_space();
      const size_t value_at = pos_;
      if (key == "descr") {
        if (has_descr) error("duplicate key 'descr'", key_at);
        has_descr = true;
        if (!at_end() && peek() == '[') error("structured dtypes (a list descr) are not supported", value_at);
        if (at_end() || (peek() != '\'' && peek() != '"'))
          error("the value of 'descr' is not a string", value_at);
        result.descr = parse_string();
        result.descr_at = value_at;
      } else if (key == "fortran_order") {
        if (has_fortran) error("duplicate key 'fortran_order'", key_at);
        has_fortran = true;
        result.fortran_order = parse_bool("fortran_order");
        result.fortran_at = value_at;
      } else if (key == "shape") {
        if (has_shape) error("duplicate key 'shape'", key_at);
        has_shape = true;
        result.shape = parse_shape();
        result.shape_at = value_at;
      } else {
        error("unexpected key " + quote_text(key) + " in the header dict (expected 'descr', 'fortran_order', 'shape')",
              key_at);
      }
      skip_space();
      if (at_end()) error("the header dict is not closed (expected ',' or '}')", pos_);
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') error(fmt::format("expected ',' or '}}' in the header dict, got {}", describe(peek())), pos_);
    }
    const size_t close_at = pos_;
    ++pos_;  // '}'
    skip_space();
    if (!at_end()) error("unexpected data after the header dict", pos_);
    if (!has_descr) error("the header lacks the key 'descr'", close_at);
    if (!has_fortran) error("the header lacks the key 'fortran_order'", close_at);
    if (!has_shape) error("the header lacks the key 'shape'", close_at);
    return result;
  }

 private:
  [[noreturn]] void error(const std::string& message, size_t pos) const {
    fail<FormatError>("{}: invalid .npy header: {} (at byte {})", what_, message, base_ + pos);
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  static std::string describe(char c) {
    return quote_text(std::string_view(&c, 1));
  }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }

  void expect(char c, const std::string& context) {
    if (at_end() || peek() != c)
      error(fmt::format("expected '{}' {}{}", c, context, at_end() ? ", got the end of the header" : ""), pos_);
    ++pos_;
  }

  std::string parse_string() {
    const char quote = peek();
    const size_t start = pos_;
    ++pos_;
    std::string value;
    while (true) {
      if (at_end()) error("unterminated string", start);
      const char c = peek();
      if (c == quote) break;
      if (c == '\\') error("escape sequences in header strings are not supported", pos_);
      if (c == '\n') error("unterminated string", start);
      value += c;
      ++pos_;
    }
    ++pos_;
    return value;
  }

  bool parse_bool(std::string_view key) {
    const std::string_view rest = text_.substr(pos_);
    if (rest.starts_with("True")) {
      pos_ += 4;
      return true;
    }
    if (rest.starts_with("False")) {
      pos_ += 5;
      return false;
    }
    error(fmt::format("the value of '{}' is not True or False", key), pos_);
  }

  std::vector<uint64_t> parse_shape() {
    const size_t start = pos_;
    if (at_end() || peek() != '(') error("the value of 'shape' is not a tuple", pos_);
    ++pos_;
    std::vector<uint64_t> shape;
    bool trailing_comma = false;
    while (true) {
      skip_space();
      if (at_end()) error("the shape tuple is not closed", start);
      if (peek() == ')') break;
      shape.push_back(parse_dim());
      skip_space();
      trailing_comma = false;
      if (!at_end() && peek() == ',') {
        ++pos_;
        trailing_comma = true;
        continue;
      }
      if (at_end() || peek() != ')')
        error(fmt::format("expected ',' or ')' in the shape tuple, got {}",
                          at_end() ? std::string("the end of the header") : describe(peek())),
              pos_);
    }
    if (shape.size() == 1 && !trailing_comma) error("the value of 'shape' is a parenthesised number, not a tuple", start);
    ++pos_;  // ')'
    return shape;
  }

  uint64_t parse_dim() {
    const size_t start = pos_;
    if (!at_end() && peek() == '-') error("negative dimension in the shape", start);
    if (at_end() || peek() < '0' || peek() > '9')
      error(fmt::format("expected a dimension (a non-negative integer) in the shape, got {}",
                        at_end() ? std::string("the end of the header") : describe(peek())),
            start);
    uint64_t value = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      const auto digit = static_cast<uint64_t>(peek() - '0');
      if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10)
        error("a shape dimension does not fit in 64 bits", start);
      value = value * 10 + digit;
      ++pos_;
    }
    if (!at_end() && peek() == 'L') ++pos_;  // Python 2 long suffix, as very old NumPy wrote it
    return value;
  }

  std::string_view text_;
  size_t base_;
  std::string_view what_;
  size_t pos_ = 0;
};

uint64_t read_le(std::span<const std::byte> bytes, size_t offset, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) value |= static_cast<uint64_t>(bytes[offset + i]) << (8 * i);
  return value;
}

template <class T>
T load(const std::byte* data, uint64_t index) {
  T value;
  std::memcpy(&value, data + index * sizeof(T), sizeof(T));
  return value;
}

// Writes all of `data` to `fd`, retrying on EINTR and short writes.
bool write_all(int fd, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string_view to_string(NpyDType dtype) {
  switch (dtype) {
    case NpyDType::Float32: return "<f4";
    case NpyDType::Float64: return "<f8";
    case NpyDType::Int64: return "<i8";
    case NpyDType::Int32: return "<i4";
    case NpyDType::UInt8: return "|u1";
    case NpyDType::Bool: return "|b1";
  }
  return "?";
}

size_t npy_dtype_size(NpyDType dtype) {
  switch (dtype) {
    case NpyDType::Float32: return 4;
    case NpyDType::Float64: return 8;
    case NpyDType::Int64: return 8;
    case NpyDType::Int32: return 4;
    case NpyDType::UInt8: return 1;
    case NpyDType::Bool: return 1;
  }
  return 1;
}

uint64_t NpyArray::element_count() const {
  const auto count = checked_volume(shape);
  check(count.has_value(), "NpyArray: the element count of shape {} overflows", shape_to_string(shape));
  return *count;
}

std::vector<float> NpyArray::to_float32() const {
  const uint64_t count = element_count();
  check(bytes.size() / npy_dtype_size(dtype) == count && bytes.size() % npy_dtype_size(dtype) == 0,
        "NpyArray::to_float32: {} bytes do not hold shape {} of '{}'", bytes.size(), shape_to_string(shape),
        to_string(dtype));
  std::vector<float> out(count);
  const std::byte* data = bytes.data();
  for (uint64_t i = 0; i < count; ++i) {
    switch (dtype) {
      case NpyDType::Float32: out[i] = load<float>(data, i); break;
      case NpyDType::Float64: out[i] = static_cast<float>(load<double>(data, i)); break;
      case NpyDType::Int64: out[i] = static_cast<float>(load<int64_t>(data, i)); break;
      case NpyDType::Int32: out[i] = static_cast<float>(load<int32_t>(data, i)); break;
      case NpyDType::UInt8: out[i] = static_cast<float>(load<uint8_t>(data, i)); break;
      case NpyDType::Bool: out[i] = load<uint8_t>(data, i) != 0 ? 1.0f : 0.0f; break;
    }
  }
  return out;
}

std::vector<int64_t> NpyArray::to_int64() const {
  const uint64_t count = element_count();
  check(bytes.size() / npy_dtype_size(dtype) == count && bytes.size() % npy_dtype_size(dtype) == 0,
        "NpyArray::to_int64: {} bytes do not hold shape {} of '{}'", bytes.size(), shape_to_string(shape),
        to_string(dtype));
  std::vector<int64_t> out(count);
  const std::byte* data = bytes.data();
  const auto from_float = [](double value, uint64_t index) {
    // 2^63 is exactly representable; the valid range is [-2^63, 2^63).
    check(std::isfinite(value) && value >= -9223372036854775808.0 && value < 9223372036854775808.0,
          "NpyArray::to_int64: element {} ({}) is not representable as int64", index, value);
    return static_cast<int64_t>(value);
  };
  for (uint64_t i = 0; i < count; ++i) {
    switch (dtype) {
      case NpyDType::Float32: out[i] = from_float(load<float>(data, i), i); break;
      case NpyDType::Float64: out[i] = from_float(load<double>(data, i), i); break;
      case NpyDType::Int64: out[i] = load<int64_t>(data, i); break;
      case NpyDType::Int32: out[i] = load<int32_t>(data, i); break;
      case NpyDType::UInt8: out[i] = load<uint8_t>(data, i); break;
      case NpyDType::Bool: out[i] = load<uint8_t>(data, i) != 0 ? 1 : 0; break;
    }
  }
  return out;
}

NpyArray parse_npy(std::span<const std::byte> file, std::string_view what) {
  const size_t size = file.size();
  // Magic string, compared byte by byte so the offset of the first difference can be reported.
  for (size_t i = 0; i < kMagic.size(); ++i) {
    if (i >= size)
      fail<FormatError>("{}: not a .npy file: truncated magic string, the file is {} bytes (at byte {})", what, size,
                        size);
    if (static_cast<unsigned char>(file[i]) != kMagic[i])
      fail<FormatError>("{}: not a .npy file: bad magic string (expected \\x93NUMPY) (at byte {})", what, i);
  }
  if (size < 8)
    fail<FormatError>("{}: truncated .npy preamble: no format version, the file is {} bytes (at byte {})", what,
                      size, size);
  const auto major = static_cast<unsigned>(file[6]);
  const auto minor = static_cast<unsigned>(file[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail<FormatError>("{}: unsupported .npy format version {}.{} (supported: 1.0, 2.0, 3.0) (at byte 6)", what,
                      major, minor);
  const size_t length_width = major == 1 ? 2 : 4;
  const size_t header_start = 8 + length_width;
  if (size < header_start)
    fail<FormatError>("{}: truncated .npy preamble: the header length field needs bytes 8..{}, the file is {} "
                      "bytes (at byte {})",
                      what, header_start - 1, size, size);
  const uint64_t header_length = read_le(file, 8, length_width);
  if (header_length > size - header_start)
    fail<FormatError>("{}: truncated .npy header: it claims {} bytes from byte {}, only {} remain (at byte {})", what,
                      header_length, header_start, size - header_start, size);
  const size_t data_start = header_start + static_cast<size_t>(header_length);
  const std::string_view header_text(reinterpret_cast<const char*>(file.data() + header_start),
                                     static_cast<size_t>(header_length));
  const auto header = HeaderParser(header_text, header_start, what).parse();

  NpyArray array;
  const auto descr = std::find_if(kDescrs.begin(), kDescrs.end(),
                                  [&](const DTypeName& entry) { return entry.descr == header.descr; });
  if (descr == kDescrs.end()) {
    const size_t at = header_start + header.descr_at;
    if (header.descr.starts_with(">"))
      fail<FormatError>("{}: big-endian dtype {} is not supported (at byte {})", what, quote_text(header.descr), at);
    fail<FormatError>("{}: unsupported dtype {} (supported: '<f4' '<f8' '<i8' '<i4' '<u1' '|u1' '|b1') (at byte {})",
                      what, quote_text(header.descr), at);
  }
  array.dtype = descr->dtype;
  if (header.fortran_order)
    fail<FormatError>("{}: Fortran-order arrays are not supported; save a C-order array "
                      "(numpy.ascontiguousarray) (at byte {})",
                      what, header_start + header.fortran_at);
  array.shape = header.shape;

  const size_t item = npy_dtype_size(array.dtype);
  const auto count = checked_volume(array.shape);
  if (!count || *count > std::numeric_limits<uint64_t>::max() / item)
    fail<FormatError>("{}: the byte size of shape {} of {} overflows 64 bits (at byte {})", what,
                      shape_to_string(array.shape), quote_text(header.descr), header_start + header.shape_at);
  const uint64_t data_bytes = *count * item;
  const uint64_t available = size - data_start;
  if (data_bytes > available)
    fail<FormatError>("{}: truncated .npy data: shape {} of {} needs {} bytes from byte {}, only {} remain "
                      "(at byte {})",
                      what, shape_to_string(array.shape), quote_text(header.descr), data_bytes, data_start, available,
                      size);
  if (data_bytes < available)
    fail<FormatError>("{}: {} unexpected bytes after the .npy data (shape {} of {} ends there) (at byte {})", what,
                      available - data_bytes, shape_to_string(array.shape), quote_text(header.descr),
                      data_start + data_bytes);
  const auto data = file.subspan(data_start);
  array.bytes.assign(data.begin(), data.end());
  return array;
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    fail<InvalidArgument>("read_npy: cannot read '{}': {}", path.string(),
                          ec ? ec.message() : std::string("no such file"));
  if (!std::filesystem::is_regular_file(status))
    fail<InvalidArgument>("read_npy: cannot read '{}': not a regular file", path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail<InvalidArgument>("read_npy: cannot open '{}': {}", path.string(), std::strerror(errno));
  std::vector<std::byte> bytes;
  std::array<char, 1 << 16> chunk{};
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<size_t>(in.gcount());
    const auto* begin = reinterpret_cast<const std::byte*>(chunk.data());
    bytes.insert(bytes.end(), begin, begin + got);
  }
  if (in.bad()) fail<InvalidArgument>("read_npy: error reading '{}'", path.string());
  return parse_npy(bytes, path.string());
}

void write_npy(const std::filesystem::path& path, std::span<const float> values, std::span<const uint64_t> shape) {
  const auto count = checked_volume(shape);
  check(count.has_value() && *count == values.size(),
        "write_npy: shape {} does not hold {} values (writing '{}')", shape_to_string(shape), values.size(),
        path.string());

  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_to_string(shape) + ", }";
  // Pad with spaces and a final newline so the data starts on a 64-byte boundary, as NumPy does.
  const auto padded_header = [&](size_t preamble) {
    std::string header = dict;
    const size_t unpadded = preamble + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    return header;
  };
  std::string header = padded_header(10);
  std::string preamble(reinterpret_cast<const char*>(kMagic.data()), kMagic.size());
  if (header.size() <= 0xffff) {
    preamble += '\x01';
    preamble += '\x00';
    preamble += static_cast<char>(header.size() & 0xff);
    preamble += static_cast<char>((header.size() >> 8) & 0xff);
  } else {
    header = padded_header(12);
    check(header.size() <= 0xffffffffu, "write_npy: shape {} is too long for a .npy header",
          shape_to_string(shape));
    preamble += '\x02';
    preamble += '\x00';
    for (int i = 0; i < 4; ++i) preamble += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  }

  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  static std::atomic<uint64_t> counter{0};
  const auto stamp = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  int fd = -1;
  std::filesystem::path temp;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = dir / fmt::format(".{}.tmp-{}-{:x}-{}", path.filename().string(), ::getpid(), stamp,
                             counter.fetch_add(1));
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0)
    fail<InvalidArgument>("write_npy: cannot create a temporary file in '{}' for '{}': {}", dir.string(),
                          path.string(), std::strerror(errno));

  bool ok = write_all(fd, preamble.data(), preamble.size()) && write_all(fd, header.data(), header.size()) &&
            write_all(fd, values.data(), values.size_bytes());
  int saved_errno = errno;
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    saved_errno = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved_errno = errno;
  }
  if (ok && std::rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    saved_errno = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    fail<InvalidArgument>("write_npy: cannot write '{}': {}", path.string(), std::strerror(saved_errno));
  }
}

}  // namespace ttnn::io
