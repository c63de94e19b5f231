#include "ops/common/scratch_floats.hpp"

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

namespace ttnn {
namespace {

struct Pooled {
  std::unique_ptr<float[]> buffer;
  size_t capacity;
};

// A few buffers suffice: an op holds its decoded input (and tt_metal HiFi3 a second copy) while it runs.
constexpr size_t kPoolSize = 4;
std::mutex pool_mutex;
std::vector<Pooled>& pool() {
  static std::vector<Pooled> buffers;
  return buffers;
}

}  // namespace

ScratchFloats::ScratchFloats(size_t count) : size_(count) {
  {
    std::lock_guard lock(pool_mutex);
    auto& buffers = pool();
    // The smallest buffer that fits, else the largest (replaced below by one that fits).
    auto best = buffers.end();
    for (auto it = buffers.begin(); it != buffers.end(); ++it)
      if (it->capacity >= count && (best == buffers.end() || it->capacity < best->capacity)) best = it;
    if (best != buffers.end()) {
      buffer_ = std::move(best->buffer);
      capacity_ = best->capacity;
      buffers.erase(best);
      return;
    }
  }
  buffer_.reset(new float[std::max<size_t>(count, 1)]);  // default-initialised: no zero fill
  capacity_ = std::max<size_t>(count, 1);
}

ScratchFloats::~ScratchFloats() { release(); }

ScratchFloats::ScratchFloats(ScratchFloats&& other) noexcept
    : buffer_(std::move(other.buffer_)), capacity_(std::exchange(other.capacity_, 0)), size_(std::exchange(other.size_, 0)) {}

ScratchFloats& ScratchFloats::operator=(ScratchFloats&& other) noexcept {
  if (this != &other) {
    release();
    buffer_ = std::move(other.buffer_);
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void ScratchFloats::release() {
  if (!buffer_) return;
  std::lock_guard lock(pool_mutex);
  auto& buffers = pool();
  buffers.push_back({std::move(buffer_), capacity_});
  if (buffers.size() > kPoolSize) {  // keep the largest ones
    std::sort(buffers.begin(), buffers.end(), [](const Pooled& a, const Pooled& b) { return a.capacity > b.capacity; });
    buffers.resize(kPoolSize);
  }
  capacity_ = size_ = 0;
}

}  // namespace ttnn
