// A plain state dict: named float32 host arrays, in the order a checkpoint lists them. The model builds
// from it; the io library fills it from .pth files. Integer entries (num_batches_tracked) are converted
// to float like the rest so a caller can still read them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ttnn/shape.hpp"

namespace ttnn {

struct HostArray {
  Shape shape;
  std::vector<float> values;  // row-major, shape.volume() elements
};

class StateDict {
 public:
  // Throws InvalidArgument if `name` is already present or values do not match the shape's volume.
  void insert(std::string name, HostArray array);
  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  // Throws InvalidArgument naming the missing key.
  const HostArray& at(const std::string& name) const;
  // Removes `name` and returns its array (its values move out, no copy). Throws InvalidArgument naming the
  // missing key.
  HostArray take(const std::string& name);
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::map<std::string, HostArray> index_;
};

}  // namespace ttnn
