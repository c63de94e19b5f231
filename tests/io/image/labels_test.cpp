// The embedded ImageNet class names equal torchvision's _IMAGENET_CATEGORIES (written by the generator).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "io/image/image_test_util.hpp"
#include "ttnn/io/labels.hpp"

namespace {

TEST(ImagenetClasses, EqualTorchvisionsList) {
  const auto dir = ttnn::test::images_dir();
  std::ifstream in(dir / ttnn::test::images_manifest().at("labels").get<std::string>());
  ASSERT_TRUE(in);
  const auto expected = nlohmann::json::parse(in).get<std::vector<std::string>>();
  const auto names = ttnn::io::imagenet_classes();
  ASSERT_EQ(names.size(), ttnn::io::kImageNetClassCount);
  ASSERT_EQ(expected.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(names[i], expected[i]) << "class " << i;
  EXPECT_EQ(names.front(), "tench");
  EXPECT_EQ(names[281], "tabby");
  EXPECT_EQ(names.back(), "toilet tissue");
}

}  // namespace
