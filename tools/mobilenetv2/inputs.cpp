#include "mobilenetv2/inputs.hpp"

#include <algorithm>
#include <cstdio>

#include "ttnn/errors.hpp"
#include "ttnn/io/image.hpp"

namespace mobilenetv2 {
namespace {

std::vector<std::filesystem::path> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::filesystem::path> files;
  for (const std::string& input : inputs) {
    std::error_code error;
    if (std::filesystem::is_directory(input, error)) {
      std::vector<std::filesystem::path> entries;
      for (const auto& entry : std::filesystem::directory_iterator(input, error))
        if (entry.is_regular_file()) entries.push_back(entry.path());
      std::sort(entries.begin(), entries.end());
      files.insert(files.end(), entries.begin(), entries.end());
    } else {
      files.emplace_back(input);
    }
  }
  return files;
}

}  // namespace

ImageBatch load_image_batch(const std::vector<std::string>& inputs) {
  ImageBatch batch;
  std::vector<ttnn::io::Image> images;
  for (const auto& file : expand_inputs(inputs)) {
    try {
      images.push_back(ttnn::io::decode_image(file));
      batch.files.push_back(file);
    } catch (const ttnn::Error& error) {
      std::fprintf(stderr, "skipping %s: %s\n", file.c_str(), error.what());
    }
  }
  if (images.empty()) throw ttnn::InvalidArgument("no readable image among the inputs");
  batch.nchw = ttnn::io::imagenet_preprocess_batch(images);
  return batch;
}

}  // namespace mobilenetv2
