// Access to the image test set written by tests/oracle/make_images.py (see its docstring for the
// manifest). ctest points TTNN_IMAGES_DIR at a complete set (tests/io/image/CMakeLists.txt).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ttnn/io/image.hpp"

namespace ttnn::test {

// $TTNN_IMAGES_DIR; throws std::runtime_error when unset or incomplete (no COMPLETE marker).
std::filesystem::path images_dir();
// The parsed manifest.json.
const nlohmann::json& images_manifest();
// The bytes of a file.
std::vector<std::byte> read_bytes(const std::filesystem::path& path);
// A uint8 [H, W, 3] .npy as an Image.
ttnn::io::Image read_rgb_npy(const std::filesystem::path& path);

// Largest absolute difference of two same-sized RGB images (255 when the sizes differ).
int max_abs_diff(const ttnn::io::Image& a, const ttnn::io::Image& b);

}  // namespace ttnn::test
