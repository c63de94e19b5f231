// imagenet_classes(): the class names compiled into the library from data/imagenet_classes.txt (the
// generated imagenet_classes_data.cpp defines the text; see CMakeLists.txt).
#include "ttnn/io/labels.hpp"

#include <string_view>

#include "core/check.hpp"

namespace ttnn::io {
namespace image_detail {
extern const std::string_view kImageNetClassesText;
}  // namespace image_detail

std::vector<std::string> imagenet_classes() {
  const std::string_view text = image_detail::kImageNetClassesText;
  std::vector<std::string> names;
  names.reserve(kImageNetClassCount);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty())
      fail<FormatError>("imagenet_classes: the embedded list has an empty line after {} names", names.size());
    names.emplace_back(line);
    pos = end + 1;
  }
  if (names.size() != kImageNetClassCount)
    fail<FormatError>("imagenet_classes: the embedded list has {} names, expected {}", names.size(),
                      kImageNetClassCount);
  return names;
}

}  // namespace ttnn::io
