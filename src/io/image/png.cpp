// PNG decoding with libspng, matching PIL's PngImagePlugin + convert("RGB"). libspng checks the
// structure, CRCs and zlib stream and deinterlaces; the samples come back in the file's own format
// (SPNG_FMT_PNG: packed below 8 bits, host-endian at 16) and are converted here as PIL converts them:
//   gray 1-bit -> 0 / 255 (mode "1"); 2- and 4-bit -> scaled by 85 / 17 ("L;2", "L;4"); 8-bit as is;
//   16-bit -> the high byte (PIL opens it as mode "I" and clips at 255 instead: see image.hpp);
//   gray+alpha, RGB, RGBA at 16 bits -> the high byte of each sample ("LA;16B", "RGB;16B", ...);
//   alpha dropped without compositing; tRNS, gAMA, sBIT, iCCP ignored;
//   palette -> PLTE entry, and an index past the end of PLTE -> (i, i, i), PIL's default palette.
#include <spng.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "core/check.hpp"
#include "io/image/decoders.hpp"

namespace ttnn::io::image_detail {
namespace {

struct SpngFree {
  void operator()(spng_ctx* ctx) const { spng_ctx_free(ctx); }
};
using SpngCtx = std::unique_ptr<spng_ctx, SpngFree>;

// Memory bound for the ancillary chunks libspng keeps (text, ICC profile, ...), and the largest one
// (image data is not subject to it; libspng refuses a chunk limit above the cache limit).
constexpr size_t kChunkCacheLimit = size_t{64} << 20;

std::string_view color_type_name(int color_type) {
  switch (color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE: return "grayscale";
    case SPNG_COLOR_TYPE_TRUECOLOR: return "RGB";
    case SPNG_COLOR_TYPE_INDEXED: return "palette";
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA: return "grayscale+alpha";
    case SPNG_COLOR_TYPE_TRUECOLOR_ALPHA: return "RGBA";
    default: return "unknown";
  }
}

// Sample `index` of a row of packed sub-byte samples (most significant bits first).
inline unsigned packed_sample(const uint8_t* row, size_t index, unsigned bits) {
  const size_t bit = index * bits;
  const unsigned shift = 8 - bits - static_cast<unsigned>(bit % 8);
  return (row[bit / 8] >> shift) & ((1u << bits) - 1);
}

}  // namespace

Image decode_png(std::span<const std::byte> bytes, std::string_view what) {
  SpngCtx ctx(spng_ctx_new(0));
  if (!ctx) fail<FormatError>("{}: cannot start the PNG decoder", what);
  const auto spng_fail = [&](std::string_view stage, int code) {
    fail<FormatError>("{}: invalid PNG ({}): {}", what, stage, spng_strerror(code));
  };

  int rc = spng_set_image_limits(ctx.get(), kMaxImageSide, kMaxImageSide);
  if (rc == 0) rc = spng_set_chunk_limits(ctx.get(), kChunkCacheLimit, kChunkCacheLimit);
  if (rc == 0) rc = spng_set_png_buffer(ctx.get(), bytes.data(), bytes.size());
  if (rc != 0) spng_fail("setting up the decoder", rc);

  spng_ihdr ihdr{};
  rc = spng_get_ihdr(ctx.get(), &ihdr);
  if (rc == SPNG_EWIDTH || rc == SPNG_EHEIGHT || rc == SPNG_EUSER_WIDTH || rc == SPNG_EUSER_HEIGHT) {
    // The header was read but its size is zero or over the limit; report the size when it is known.
    fail<FormatError>("{}: PNG header declares an image larger than {} pixels a side (refused as a "
                      "possible decompression bomb) or an empty one: {}",
                      what, kMaxImageSide, spng_strerror(rc));
  }
  if (rc != 0) spng_fail("header", rc);
  check_declared_size(ihdr.width, ihdr.height, what, "the PNG header");

  const unsigned depth = ihdr.bit_depth;
  const int color_type = ihdr.color_type;
  spng_plte plte{};
  if (color_type == SPNG_COLOR_TYPE_INDEXED) {
    rc = spng_get_plte(ctx.get(), &plte);
    if (rc != 0) spng_fail("palette", rc);
  }

  size_t decoded_size = 0;
  rc = spng_decoded_image_size(ctx.get(), SPNG_FMT_PNG, &decoded_size);
  if (rc != 0) spng_fail("image size", rc);
  std::vector<uint8_t> decoded(decoded_size);
  rc = spng_decode_image(ctx.get(), decoded.data(), decoded.size(), SPNG_FMT_PNG, 0);
  if (rc != 0) spng_fail(fmt::format("{}-bit {} image data", depth, color_type_name(color_type)), rc);

  Image image;
  image.width = ihdr.width;
  image.height = ihdr.height;
  const size_t width = ihdr.width;
  const size_t height = ihdr.height;
  const size_t stride = decoded_size / height;
  image.rgb.resize(width * height * 3);

  // Per-pixel palette for palette images and sub-byte grayscale: entry -> RGB.
  std::array<std::array<uint8_t, 3>, 256> lut{};
  if (color_type == SPNG_COLOR_TYPE_INDEXED) {
    for (unsigned i = 0; i < 256; ++i) {
      if (i < plte.n_entries)
        lut[i] = {plte.entries[i].red, plte.entries[i].green, plte.entries[i].blue};
      else
        lut[i] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i), static_cast<uint8_t>(i)};
    }
  } else if (color_type == SPNG_COLOR_TYPE_GRAYSCALE && depth < 8) {
    const unsigned scale = depth == 1 ? 255u : depth == 2 ? 85u : 17u;
    for (unsigned i = 0; i < (1u << depth); ++i) {
      const auto v = static_cast<uint8_t>(i * scale);
      lut[i] = {v, v, v};
    }
  }

  // Samples per pixel in the decoded rows, and of those the ones that carry colour.
  unsigned channels = 1;
  if (color_type == SPNG_COLOR_TYPE_TRUECOLOR) channels = 3;
  if (color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA) channels = 2;
  if (color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA) channels = 4;
  const bool gray = color_type == SPNG_COLOR_TYPE_GRAYSCALE || color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;

  for (size_t y = 0; y < height; ++y) {
    const uint8_t* row = decoded.data() + y * stride;
    uint8_t* out = image.rgb.data() + y * width * 3;
    if (color_type == SPNG_COLOR_TYPE_INDEXED || (color_type == SPNG_COLOR_TYPE_GRAYSCALE && depth < 8)) {
      for (size_t x = 0; x < width; ++x) {
        const unsigned index = depth == 8 ? row[x] : packed_sample(row, x, depth);
        out[x * 3 + 0] = lut[index][0];
        out[x * 3 + 1] = lut[index][1];
        out[x * 3 + 2] = lut[index][2];
      }
      continue;
    }
    for (size_t x = 0; x < width; ++x) {
      for (unsigned c = 0; c < 3; ++c) {
        const size_t sample = x * channels + (gray ? 0 : c);
        uint8_t v;
        if (depth == 16) {
          uint16_t s;
          std::memcpy(&s, row + sample * 2, 2);  // host-endian
          v = static_cast<uint8_t>(s >> 8);
        } else {
          v = row[sample];
        }
        out[x * 3 + c] = v;
      }
    }
  }
  return image;
}

}  // namespace ttnn::io::image_detail
