// Malformed input: every file the generator marks malformed (each one PIL refuses too) is a FormatError
// naming the file; so is every truncation of small valid files; random corruption never escapes as
// anything but FormatError (and never crashes: run under the sanitizers for the memory side).
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <string_view>

#include "io/image/image_test_util.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/image.hpp"

namespace {

using ttnn::io::decode_image;

TEST(ImageMalformed, EveryMalformedFileIsAFormatErrorNamingIt) {
  const auto dir = ttnn::test::images_dir();
  const auto& cases = ttnn::test::images_manifest().at("malformed");
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    const std::string file = c.at("file");
    SCOPED_TRACE(file + ": " + c.at("why").get<std::string>());
    try {
      const auto image = decode_image(dir / file);
      ADD_FAILURE() << "decoded as " << image.width << "x" << image.height;
    } catch (const ttnn::FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
  }
}

TEST(ImageMalformed, DeclaredSizesAboveTheLimitsAreRefusedAsBombs) {
  const auto dir = ttnn::test::images_dir();
  for (const char* file : {"huge.png", "bomb.png", "huge.jpg", "bomb.jpg"}) {
    SCOPED_TRACE(file);
    try {
      decode_image(dir / file);
      ADD_FAILURE() << "decoded";
    } catch (const ttnn::FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("decompression bomb"), std::string::npos) << e.what();
    }
  }
}

// Every proper prefix of a small file fails, except that a PNG cut after its image data (inside the
// zlib checksum, the last IDAT's CRC or the IEND chunk: at most its last 20 bytes) may decode, and then
// to the whole image: PIL opens such files too (it needs neither the Adler-32, the CRC nor IEND).
// A JPEG cut anywhere fails, as in PIL (the decoder cannot know the last rows are complete without
// the EOI marker).
TEST(ImageMalformed, EveryTruncationIsAFormatError) {
  const auto dir = ttnn::test::images_dir();
  for (const char* file : {"odd.13x7.jpg", "tiny.interlaced.png", "gray2.png", "palette4.png", "noise.7x5.png"}) {
    SCOPED_TRACE(file);
    const auto bytes = ttnn::test::read_bytes(dir / file);
    const auto full = decode_image(bytes, file);
    const bool png = std::string_view(file).ends_with(".png");
    size_t first_accepted = bytes.size();
    for (size_t n = bytes.size(); n-- > 0;) {
      SCOPED_TRACE("first " + std::to_string(n) + " bytes");
      try {
        const auto image = decode_image(std::span(bytes).first(n), file);
        EXPECT_TRUE(png && n + 20 >= bytes.size()) << "a truncated file decoded";
        EXPECT_EQ(image.rgb, full.rgb);
        first_accepted = n;
      } catch (const ttnn::FormatError&) {
      }
    }
    std::printf("%s: %zu bytes, shortest prefix that decodes: %zu\n", file, bytes.size(), first_accepted);
  }
}

TEST(ImageMalformed, TruncatedPhotographsAreFormatErrors) {
  const auto dir = ttnn::test::images_dir();
  for (const char* file : {"chelsea.q90.jpg", "coffee.progressive.jpg", "orig_chelsea.png",
                           "astronaut.interlaced.png"}) {
    SCOPED_TRACE(file);
    const auto bytes = ttnn::test::read_bytes(dir / file);
    for (const double fraction : {0.001, 0.05, 0.3, 0.6, 0.95, 0.9999}) {
      const auto n = static_cast<size_t>(static_cast<double>(bytes.size()) * fraction);
      SCOPED_TRACE(n);
      EXPECT_THROW(decode_image(std::span(bytes).first(n), file), ttnn::FormatError);
    }
  }
}

// Random byte corruption of valid files: decoding either succeeds (with a consistent image) or throws
// FormatError. libjpeg recovers from most entropy-data damage with a warning, as PIL does.
TEST(ImageMalformed, RandomCorruptionOnlyEverGivesFormatError) {
  const auto dir = ttnn::test::images_dir();
  std::mt19937_64 rng(12345);
  int decoded = 0, refused = 0;
  for (const char* file : {"odd.13x7.jpg", "coffee.progressive.jpg", "noise.7x5.png", "palette4.png",
                           "tiny.interlaced.png", "chelsea.cmyk.jpg"}) {
    const auto original = ttnn::test::read_bytes(dir / file);
    const int rounds = original.size() > 100000 ? 20 : 250;
    for (int round = 0; round < rounds; ++round) {
      auto bytes = original;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<std::byte>(rng() & 0xff);
      if (rng() % 4 == 0) bytes.resize(3 + rng() % bytes.size());
      try {
        const auto image = decode_image(bytes, file);
        ASSERT_EQ(image.rgb.size(), static_cast<size_t>(image.width) * image.height * 3);
        ++decoded;
      } catch (const ttnn::FormatError&) {
        ++refused;
      }
    }
  }
  std::printf("random corruption: %d decoded, %d refused with FormatError\n", decoded, refused);
  EXPECT_GT(refused, 0);
}

TEST(ImageMalformed, EmptyAndForeignBuffers) {
  EXPECT_THROW(decode_image(std::span<const std::byte>(), "empty"), ttnn::FormatError);
  const std::string text = "P6\n2 2\n255\n";  // a PPM: not supported
  const auto* data = reinterpret_cast<const std::byte*>(text.data());
  EXPECT_THROW(decode_image(std::span(data, text.size()), "ppm"), ttnn::FormatError);
  const std::byte soi[] = {std::byte{0xff}, std::byte{0xd8}, std::byte{0xff}};
  EXPECT_THROW(decode_image(soi, "soi only"), ttnn::FormatError);
}

}  // namespace
