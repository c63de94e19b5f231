#include "ttnn/operations/conv2d.hpp"

namespace ttnn {

size_t Conv2dOpCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

size_t Conv2dOpCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

size_t Conv2dOpCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void Conv2dOpCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  hits_ = misses_ = 0;
}

std::optional<Conv2dOpCache::Entry> Conv2dOpCache::find(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return it->second;
}

void Conv2dOpCache::insert(const std::string& key, Entry entry) {
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(key, std::move(entry));
}

}  // namespace ttnn
