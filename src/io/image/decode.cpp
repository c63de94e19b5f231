// decode_image: reads the file, recognises the format by its signature and hands the bytes to the
// JPEG or PNG decoder.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include "core/check.hpp"
#include "io/image/decoders.hpp"
#include "ttnn/io/image.hpp"

namespace ttnn::io {
namespace image_detail {

void check_declared_size(uint64_t width, uint64_t height, std::string_view what, std::string_view format) {
  if (width == 0 || height == 0)
    fail<FormatError>("{}: {} declares an empty image ({}x{})", what, format, width, height);
  if (width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels)
    fail<FormatError>(
        "{}: {} declares a {}x{} image, above the limit of {} pixels a side and {} pixels in all "
        "(refused as a possible decompression bomb)",
        what, format, width, height, kMaxImageSide, kMaxImagePixels);
}

}  // namespace image_detail

namespace {

bool starts_with(std::span<const std::byte> bytes, std::string_view prefix, size_t offset = 0) {
  if (bytes.size() < offset + prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (static_cast<char>(bytes[offset + i]) != prefix[i]) return false;
  return true;
}

// A short description of content that is neither JPEG nor PNG, for the error message.
std::string describe_other(std::span<const std::byte> bytes) {
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return "a GIF image";
  if (starts_with(bytes, "BM")) return "a BMP image";
  if (starts_with(bytes, "RIFF") && starts_with(bytes, "WEBP", 8)) return "a WebP image";
  if (starts_with(bytes, std::string_view("II*\0", 4)) || starts_with(bytes, std::string_view("MM\0*", 4)))
    return "a TIFF image";
  if (starts_with(bytes, "ftyp", 4)) return "an ISO media file (HEIF/AVIF/MP4)";
  if (starts_with(bytes, "\x93NUMPY")) return "a NumPy .npy file";
  std::string first;
  const size_t n = std::min<size_t>(bytes.size(), 8);
  for (size_t i = 0; i < n; ++i)
    first += fmt::format("{}{:02x}", i ? " " : "", static_cast<unsigned>(bytes[i]));
  return fmt::format("unrecognised content (first bytes: {})", first);
}

}  // namespace

Image decode_image(std::span<const std::byte> bytes, std::string_view what) {
  if (bytes.empty()) fail<FormatError>("{}: empty file, not an image", what);
  if (bytes.size() >= 3 && bytes[0] == std::byte{0xff} && bytes[1] == std::byte{0xd8} &&
      bytes[2] == std::byte{0xff})
    return image_detail::decode_jpeg(bytes, what);
  if (starts_with(bytes, "\x89PNG\r\n\x1a\n")) return image_detail::decode_png(bytes, what);
  fail<FormatError>("{}: not a JPEG or PNG image: {}", what, describe_other(bytes));
}

Image decode_image(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    fail<InvalidArgument>("decode_image: cannot read '{}': {}", name, ec ? ec.message() : std::string("no such file"));
  if (!std::filesystem::is_regular_file(status))
    fail<InvalidArgument>("decode_image: cannot read '{}': not a regular file", name);
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) fail<InvalidArgument>("decode_image: cannot read '{}': {}", name, ec.message());
  if (size > kMaxImageFileBytes)
    fail<FormatError>("{}: the file has {} bytes, more than the {} an image may have", name, size,
                      kMaxImageFileBytes);

  std::ifstream in(path, std::ios::binary);
  if (!in) fail<InvalidArgument>("decode_image: cannot open '{}': {}", name, std::strerror(errno));
  std::vector<std::byte> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.bad() || static_cast<uint64_t>(in.gcount()) != size)
    fail<InvalidArgument>("decode_image: error reading '{}' (got {} of {} bytes)", name, in.gcount(), size);
  return decode_image(bytes, name);
}

}  // namespace ttnn::io
