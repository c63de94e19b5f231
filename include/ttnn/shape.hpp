// Tensor shapes: a logical shape of up to 8 dimensions, and the padded shape TILE layout implies.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace ttnn {

class Shape {
 public:
  static constexpr size_t kMaxRank = 8;

  Shape() = default;
  Shape(std::initializer_list<uint32_t> dims);
  explicit Shape(std::span<const uint32_t> dims);
  explicit Shape(const std::vector<uint32_t>& dims) : Shape(std::span<const uint32_t>(dims)) {}

  size_t rank() const { return dims_.size(); }
  // Negative indices count from the end, as in Python: shape[-1] is the last dimension.
  uint32_t operator[](int index) const;
  std::span<const uint32_t> dims() const { return dims_; }
  uint64_t volume() const;

  // Product of all dimensions but the last (the height of the 2D view every layout is built on).
  uint64_t height() const;
  uint32_t width() const { return dims_.empty() ? 1 : dims_.back(); }

  // The shape with the last two dimensions rounded up to the 32x32 tile.
  Shape tile_padded() const;

  bool operator==(const Shape&) const = default;

 private:
  std::vector<uint32_t> dims_;
};

std::string to_string(const Shape& shape);

}  // namespace ttnn
