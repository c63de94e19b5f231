// The 1000 ImageNet class names, in class-index order, as torchvision lists them
// (torchvision.models._meta._IMAGENET_CATEGORIES). The list ships in the repository as
// data/imagenet_classes.txt (written by scripts/make_imagenet_classes.py) and is compiled into the
// library, so no data file is needed at run time.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ttnn::io {

inline constexpr size_t kImageNetClassCount = 1000;

// The embedded names, index i being class i. Throws FormatError if the embedded list does not hold
// exactly kImageNetClassCount non-empty names (a broken build).
std::vector<std::string> imagenet_classes();

}  // namespace ttnn::io
