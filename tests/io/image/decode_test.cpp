// decode_image against PIL: every file in the set decodes to exactly what
// np.asarray(Image.open(f).convert("RGB")) gives (PNG and JPEG alike: PIL and ttnn both use Debian's
// libjpeg-turbo with the same settings), except the documented 16-bit grayscale case.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "io/image/image_test_util.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/image.hpp"

namespace {

using ttnn::io::decode_image;
using ttnn::io::Image;

TEST(ImageDecode, MatchesPilOnEveryFile) {
  const auto dir = ttnn::test::images_dir();
  const auto& cases = ttnn::test::images_manifest().at("decode");
  ASSERT_GE(cases.size(), 50u);
  int jpeg = 0, png = 0;
  for (const auto& c : cases) {
    const std::string file = c.at("file");
    SCOPED_TRACE(file + " (" + c.at("source").get<std::string>() + ")");
    const Image expected = ttnn::test::read_rgb_npy(dir / c.at("expected").get<std::string>());
    Image got;
    ASSERT_NO_THROW(got = decode_image(dir / file));
    ASSERT_EQ(got.width, expected.width);
    ASSERT_EQ(got.height, expected.height);
    ASSERT_EQ(got.rgb.size(), static_cast<size_t>(got.width) * got.height * 3);
    const int diff = ttnn::test::max_abs_diff(got, expected);
    EXPECT_EQ(diff, 0) << "max |ttnn - PIL| over the pixels";
    (c.at("format") == "jpeg" ? jpeg : png)++;
  }
  std::printf("decoded %d JPEG and %d PNG files, all equal to PIL's decoding\n", jpeg, png);
  EXPECT_GE(jpeg, 10);
  EXPECT_GE(png, 30);
}

TEST(ImageDecode, FromMemoryEqualsFromFile) {
  const auto dir = ttnn::test::images_dir();
  for (const char* name : {"orig_chelsea.png", "chelsea.q90.jpg", "chelsea.cmyk.jpg", "palette2.png"}) {
    SCOPED_TRACE(name);
    const auto bytes = ttnn::test::read_bytes(dir / name);
    const Image a = decode_image(bytes, name);
    const Image b = decode_image(dir / name);
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    EXPECT_EQ(a.rgb, b.rgb);
  }
}

TEST(ImageDecode, SixteenBitGrayKeepsTheHighByteWherePilClips) {
  const auto dir = ttnn::test::images_dir();
  bool found = false;
  for (const auto& c : ttnn::test::images_manifest().at("decode")) {
    if (c.at("file") != "astronaut.gray16.png") continue;
    found = true;
    EXPECT_TRUE(c.at("pil_differs").get<bool>()) << "PIL no longer clips 16-bit gray: revisit image.hpp";
  }
  EXPECT_TRUE(found);
}

TEST(ImageDecode, UnsupportedFormatIsNamed) {
  const auto dir = ttnn::test::images_dir();
  for (const auto& c : ttnn::test::images_manifest().at("unsupported")) {
    const std::string file = c.at("file");
    try {
      decode_image(dir / file);
      ADD_FAILURE() << file << " decoded";
    } catch (const ttnn::FormatError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(file), std::string::npos) << message;
      EXPECT_NE(message.find(c.at("why").get<std::string>()), std::string::npos) << message;
      EXPECT_NE(message.find("not a JPEG or PNG"), std::string::npos) << message;
    }
  }
}

TEST(ImageDecode, UnreadablePathsAreInvalidArgument) {
  const auto dir = ttnn::test::images_dir();
  EXPECT_THROW(decode_image(dir / "no_such_file.png"), ttnn::InvalidArgument);
  EXPECT_THROW(decode_image(dir), ttnn::InvalidArgument);
}

}  // namespace
