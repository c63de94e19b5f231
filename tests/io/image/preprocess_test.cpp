// ImageNet preprocessing against torchvision 0.14 on PIL images: Resize(resize) equals PIL's resized
// pixels exactly, and the normalised tensor is within 1/255 (in [0, 1] units, before normalisation) of
// transforms.Compose([Resize, CenterCrop, ToTensor, Normalize]); the measured error is printed per file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "io/image/image_test_util.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/image.hpp"
#include "ttnn/io/npy.hpp"

namespace {

using ttnn::io::ChannelOrder;
using ttnn::io::Image;

Image make_image(uint32_t width, uint32_t height, uint32_t seed) {
  Image image{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3)};
  uint32_t state = seed;
  for (auto& v : image.rgb) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<uint8_t>(state >> 24);
  }
  return image;
}

TEST(ImagenetPreprocess, MatchesTorchvisionOnEveryFile) {
  const auto dir = ttnn::test::images_dir();
  const auto& cases = ttnn::test::images_manifest().at("preprocess");
  ASSERT_GE(cases.size(), 30u);
  double worst_overall = 0;
  std::printf("%-40s %7s %5s %12s %14s\n", "file", "resize", "crop", "resized diff", "max err*std");
  for (const auto& c : cases) {
    const std::string file = c.at("file");
    const auto resize = c.at("resize").get<uint32_t>();
    const auto crop = c.at("crop").get<uint32_t>();
    SCOPED_TRACE(file + " resize " + std::to_string(resize) + " crop " + std::to_string(crop));
    const Image image = ttnn::io::decode_image(dir / file);

    int resized_diff = -1;
    if (!c.at("resized").is_null()) {
      const Image expected = ttnn::test::read_rgb_npy(dir / c.at("resized").get<std::string>());
      const Image got = ttnn::io::resize_shorter_side(image, resize);
      ASSERT_EQ(got.width, expected.width);
      ASSERT_EQ(got.height, expected.height);
      resized_diff = ttnn::test::max_abs_diff(got, expected);
      EXPECT_EQ(resized_diff, 0) << "Resize differs from PIL's";
    }

    const auto expected = ttnn::io::read_npy(dir / c.at("tensor").get<std::string>());
    ASSERT_EQ(expected.shape, (std::vector<uint64_t>{3, crop, crop}));
    const auto want = expected.to_float32();
    const auto got = ttnn::io::imagenet_preprocess(image, resize, crop);
    ASSERT_EQ(got.size(), want.size());
    double worst = 0;  // in [0, 1] pixel units: |difference| * std
    const size_t plane = static_cast<size_t>(crop) * crop;
    for (size_t i = 0; i < got.size(); ++i)
      worst = std::max(worst, std::fabs(double{got[i]} - double{want[i]}) * ttnn::io::kImageNetStd[i / plane]);
    EXPECT_LE(worst, 1.0 / 255.0);
    worst_overall = std::max(worst_overall, worst);
    std::printf("%-40s %7u %5u %12d %14.3g\n", file.c_str(), resize, crop, resized_diff, worst);
  }
  std::printf("largest error vs torchvision: %.3g (in [0,1] units; bound 1/255 = %.3g)\n", worst_overall,
              1.0 / 255.0);
}

TEST(ImagenetPreprocess, LayoutsAndBatchesAgree) {
  const Image a = make_image(300, 451, 1);
  const Image b = make_image(97, 61, 2);
  const auto chw_a = ttnn::io::imagenet_preprocess(a);
  const auto chw_b = ttnn::io::imagenet_preprocess(b);
  const auto hwc_a = ttnn::io::imagenet_preprocess(a, 256, 224, ChannelOrder::HWC);
  ASSERT_EQ(chw_a.size(), size_t{3} * 224 * 224);
  for (size_t y = 0; y < 224; ++y)
    for (size_t x = 0; x < 224; ++x)
      for (size_t c = 0; c < 3; ++c)
        ASSERT_EQ(hwc_a[(y * 224 + x) * 3 + c], chw_a[c * 224 * 224 + y * 224 + x]);

  const std::vector<Image> images{a, b};
  const auto nchw = ttnn::io::imagenet_preprocess_batch(images);
  ASSERT_EQ(nchw.size(), 2 * chw_a.size());
  EXPECT_TRUE(std::equal(chw_a.begin(), chw_a.end(), nchw.begin()));
  EXPECT_TRUE(std::equal(chw_b.begin(), chw_b.end(), nchw.begin() + static_cast<std::ptrdiff_t>(chw_a.size())));
  const auto nhwc = ttnn::io::imagenet_preprocess_batch(images, 256, 224, ChannelOrder::HWC);
  EXPECT_TRUE(std::equal(hwc_a.begin(), hwc_a.end(), nhwc.begin()));
  EXPECT_TRUE(ttnn::io::imagenet_preprocess_batch(std::span<const Image>(), 256, 224).empty());
}

TEST(ImagenetPreprocess, StepsComposeToTheFusedPipeline) {
  // The fused path computes only the cropped window of the resize; it must equal the three steps.
  for (const auto& [w, h] : {std::pair{300u, 451u}, {640u, 427u}, {7u, 5u}, {1000u, 3u}, {224u, 225u}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    const Image image = make_image(w, h, w * 7 + h);
    for (const auto& [resize, crop] : {std::pair{256u, 224u}, {200u, 224u}, {257u, 224u}}) {
      const auto size = ttnn::io::resize_shorter_side_size(w, h, resize);
      if (static_cast<uint64_t>(size.width) * size.height > 4'000'000) continue;
      const Image steps = ttnn::io::center_crop(ttnn::io::resize_shorter_side(image, resize), crop, crop);
      EXPECT_EQ(ttnn::io::imagenet_normalize(steps), ttnn::io::imagenet_preprocess(image, resize, crop));
    }
  }
}

TEST(ImagenetPreprocess, TorchvisionSizeAndCropRules) {
  using ttnn::io::ImageSize;
  EXPECT_EQ(ttnn::io::resize_shorter_side_size(451, 300, 256), (ImageSize{384, 256}));  // int(384.85)
  EXPECT_EQ(ttnn::io::resize_shorter_side_size(300, 451, 256), (ImageSize{256, 384}));
  EXPECT_EQ(ttnn::io::resize_shorter_side_size(500, 500, 256), (ImageSize{256, 256}));
  EXPECT_EQ(ttnn::io::resize_shorter_side_size(3, 1000, 256), (ImageSize{256, 85333}));
  EXPECT_EQ(ttnn::io::resize_shorter_side_size(1, 1, 224), (ImageSize{224, 224}));

  // CenterCrop offsets: int(round(d / 2.0)) with round-half-to-even (d = 3 -> 2, d = 5 -> 2, d = 7 -> 4).
  Image row{9, 1, {}};
  for (uint8_t x = 0; x < 9; ++x) row.rgb.insert(row.rgb.end(), {uint8_t(x + 10), uint8_t(x + 10), uint8_t(x + 10)});
  EXPECT_EQ(ttnn::io::center_crop(row, 6, 1).rgb[0], 12);  // d = 3: 1.5 -> 2
  EXPECT_EQ(ttnn::io::center_crop(row, 4, 1).rgb[0], 12);  // d = 5: 2.5 -> 2
  EXPECT_EQ(ttnn::io::center_crop(row, 2, 1).rgb[0], 14);  // d = 7: 3.5 -> 4
  // Larger than the image: zero padding, (crop - size) // 2 before and the rest after.
  const Image padded = ttnn::io::center_crop(row, 12, 2);
  ASSERT_EQ(padded.width, 12u);
  ASSERT_EQ(padded.height, 2u);
  const auto at = [&](size_t x, size_t y) { return padded.rgb[(y * 12 + x) * 3]; };
  EXPECT_EQ(at(0, 0), 0);  // one column before
  EXPECT_EQ(at(1, 0), 10);
  EXPECT_EQ(at(9, 0), 18);
  EXPECT_EQ(at(10, 0), 0);  // two after
  EXPECT_EQ(at(5, 1), 0);   // the row after
}

TEST(ImagenetPreprocess, SameSizeResizeIsTheIdentity) {
  const Image image = make_image(33, 17, 5);
  EXPECT_EQ(ttnn::io::resize_bilinear(image, 33, 17).rgb, image.rgb);
}

TEST(ImagenetPreprocess, NormalisationIsTorchFloat32Arithmetic) {
  Image pixel{1, 1, {0, 128, 255}};
  const auto v = ttnn::io::imagenet_normalize(pixel);
  EXPECT_EQ(v[0], (0.0f / 255.0f - 0.485f) / 0.229f);
  EXPECT_EQ(v[1], (128.0f / 255.0f - 0.456f) / 0.224f);
  EXPECT_EQ(v[2], (255.0f / 255.0f - 0.406f) / 0.225f);
}

TEST(ImagenetPreprocess, InvalidArgumentsAreRefused) {
  const Image image = make_image(10, 10, 3);
  EXPECT_THROW(ttnn::io::imagenet_preprocess(Image{}), ttnn::InvalidArgument);
  EXPECT_THROW(ttnn::io::imagenet_preprocess(image, 0, 224), ttnn::InvalidArgument);
  EXPECT_THROW(ttnn::io::imagenet_preprocess(image, 256, 0), ttnn::InvalidArgument);
  EXPECT_THROW(ttnn::io::resize_bilinear(image, 0, 5), ttnn::InvalidArgument);
  EXPECT_THROW(ttnn::io::resize_bilinear(image, 20000, 5), ttnn::InvalidArgument);
  EXPECT_THROW(ttnn::io::center_crop(image, 0, 5), ttnn::InvalidArgument);
  Image broken{4, 4, std::vector<uint8_t>(5)};
  EXPECT_THROW(ttnn::io::imagenet_preprocess(broken), ttnn::InvalidArgument);
}

}  // namespace
