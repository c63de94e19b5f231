#include "ttnn/state_dict.hpp"

#include <algorithm>

#include "core/check.hpp"

namespace ttnn {

void StateDict::insert(std::string name, HostArray array) {
  check(!contains(name), "StateDict::insert: key '{}' is already present", name);
  check(array.values.size() == array.shape.volume(),
        "StateDict::insert: key '{}' has shape {} ({} elements) but {} values", name, to_string(array.shape),
        array.shape.volume(), array.values.size());
  names_.push_back(name);
  index_.emplace(std::move(name), std::move(array));
}

HostArray StateDict::take(const std::string& name) {
  const auto found = index_.find(name);
  check(found != index_.end(), "StateDict::take: no key '{}' ({} keys)", name, names_.size());
  HostArray array = std::move(found->second);
  index_.erase(found);
  names_.erase(std::find(names_.begin(), names_.end(), name));
  return array;
}

const HostArray& StateDict::at(const std::string& name) const {
  const auto found = index_.find(name);
  check(found != index_.end(), "StateDict::at: no key '{}' ({} keys)", name, names_.size());
  return found->second;
}

}  // namespace ttnn
