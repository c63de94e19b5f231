// Internal to the image decoders (src/io/image): one function per format, and the size limits they
// share. Every function throws FormatError with a message that starts with `what`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "ttnn/io/image.hpp"

namespace ttnn::io::image_detail {

// Throws FormatError when a declared size is zero or above kMaxImageSide / kMaxImagePixels.
void check_declared_size(uint64_t width, uint64_t height, std::string_view what, std::string_view format);

// `bytes` starts with the JPEG SOI marker (FF D8 FF).
Image decode_jpeg(std::span<const std::byte> bytes, std::string_view what);

// `bytes` starts with the 8-byte PNG signature.
Image decode_png(std::span<const std::byte> bytes, std::string_view what);

}  // namespace ttnn::io::image_detail
