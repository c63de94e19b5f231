// Images named on the command line (files, or folders read in name order), decoded and preprocessed as
// torchvision's ImageNet transforms do.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mobilenetv2 {

struct ImageBatch {
  std::vector<std::filesystem::path> files;  // the readable ones, in order
  std::vector<float> nchw;                   // [files.size(), 3, 224, 224]
};

// Unreadable files are reported on stderr and skipped; throws ttnn::InvalidArgument when none is readable.
ImageBatch load_image_batch(const std::vector<std::string>& inputs);

}  // namespace mobilenetv2
