#include "io/image/image_test_util.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "support/oracle.hpp"
#include "ttnn/io/npy.hpp"

namespace ttnn::test {

std::filesystem::path images_dir() {
  return generated_data_dir("TTNN_IMAGES_DIR", "images", "tests/oracle/make_images.py");
}

const nlohmann::json& images_manifest() {
  static const nlohmann::json manifest = [] {
    std::ifstream in(images_dir() / "manifest.json");
    if (!in) throw std::runtime_error("cannot open manifest.json in " + images_dir().string());
    return nlohmann::json::parse(in);
  }();
  return manifest;
}

std::vector<std::byte> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

ttnn::io::Image read_rgb_npy(const std::filesystem::path& path) {
  const auto array = ttnn::io::read_npy(path);
  if (array.dtype != ttnn::io::NpyDType::UInt8 || array.shape.size() != 3 || array.shape[2] != 3)
    throw std::runtime_error(path.string() + " is not a uint8 [H, W, 3] array");
  ttnn::io::Image image;
  image.height = static_cast<uint32_t>(array.shape[0]);
  image.width = static_cast<uint32_t>(array.shape[1]);
  image.rgb.resize(array.bytes.size());
  for (size_t i = 0; i < array.bytes.size(); ++i) image.rgb[i] = static_cast<uint8_t>(array.bytes[i]);
  return image;
}

int max_abs_diff(const ttnn::io::Image& a, const ttnn::io::Image& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size()) return 255;
  int worst = 0;
  for (size_t i = 0; i < a.rgb.size(); ++i) worst = std::max(worst, std::abs(int{a.rgb[i]} - int{b.rgb[i]}));
  return worst;
}

}  // namespace ttnn::test
