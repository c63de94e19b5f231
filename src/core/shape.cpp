#include "ttnn/shape.hpp"

#include "core/check.hpp"

namespace ttnn {

Shape::Shape(std::initializer_list<uint32_t> dims) : Shape(std::span<const uint32_t>(dims.begin(), dims.size())) {}

Shape::Shape(std::span<const uint32_t> dims) : dims_(dims.begin(), dims.end()) {
  check(dims_.size() <= kMaxRank, "Shape: rank {} exceeds the maximum of {}", dims_.size(), kMaxRank);
}

uint32_t Shape::operator[](int index) const {
  const int rank = int(dims_.size());
  const int position = index < 0 ? index + rank : index;
  check(position >= 0 && position < rank, "Shape: index {} out of range for rank {}", index, rank);
  return dims_[size_t(position)];
}

uint64_t Shape::volume() const {
  uint64_t volume = 1;
  for (uint32_t dim : dims_) volume *= dim;
  return volume;
}

uint64_t Shape::height() const {
  uint64_t height = 1;
  for (size_t i = 0; i + 1 < dims_.size(); ++i) height *= dims_[i];
  return height;
}

Shape Shape::tile_padded() const {
  std::vector<uint32_t> dims = dims_;
  const auto round_up = [](uint32_t value) { return (value + 31) / 32 * 32; };
  if (!dims.empty()) dims.back() = round_up(dims.back());
  if (dims.size() >= 2) dims[dims.size() - 2] = round_up(dims[dims.size() - 2]);
  return Shape(dims);
}

std::string to_string(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.rank(); ++i) text += (i ? ", " : "") + std::to_string(shape.dims()[i]);
  return text + "]";
}

}  // namespace ttnn
