#include "core/host_memory.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

namespace ttnn::host_memory {
namespace {

struct Cache {
  std::mutex mutex;
  std::map<size_t, std::vector<std::byte*>> free_blocks;  // by block size
  size_t cached_bytes = 0;
  ~Cache() {
    for (auto& [size, blocks] : free_blocks)
      for (std::byte* block : blocks) std::free(block);
  }
};

Cache& cache() {
  static Cache instance;
  return instance;
}

}  // namespace

size_t block_size(size_t bytes) {
  const size_t step = bytes >= (size_t(64) << 10) ? 4096 : 64;
  return (std::max<size_t>(bytes, 1) + step - 1) / step * step;
}

std::byte* acquire(size_t bytes) {
  const size_t size = block_size(bytes);
  {
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    if (auto it = c.free_blocks.find(size); it != c.free_blocks.end() && !it->second.empty()) {
      std::byte* block = it->second.back();
      it->second.pop_back();
      c.cached_bytes -= size;
      return block;
    }
  }
  return static_cast<std::byte*>(std::aligned_alloc(64, size));
}

void release(std::byte* block, size_t bytes) {
  if (!block) return;
  const size_t size = block_size(bytes);
  Cache& c = cache();
  {
    std::lock_guard lock(c.mutex);
    if (c.cached_bytes + size <= kMaxCachedBytes) {
      c.free_blocks[size].push_back(block);
      c.cached_bytes += size;
      return;
    }
  }
  std::free(block);
}

void trim() {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  for (auto& [size, blocks] : c.free_blocks)
    for (std::byte* block : blocks) std::free(block);
  c.free_blocks.clear();
  c.cached_bytes = 0;
}

}  // namespace ttnn::host_memory
