#include "ttnn/state_dict.hpp"

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

const HostArray& StateDict::at(const std::string& name) const {
  const auto found = index_.find(name);
  check(found != index_.end(), "StateDict::at: no key '{}' ({} keys)", name, names_.size());
  return found->second;
}

}  // namespace ttnn
