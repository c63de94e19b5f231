// Accounts device memory: bytes of L1 per core and of DRAM per bank. An allocation that does not fit
// fails with OutOfMemory naming the tensor, the bytes, the core or bank and what is free; nothing spills.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/buffer_layout.hpp"
#include "ttnn/device.hpp"

namespace ttnn {

class Allocator {
 public:
  explicit Allocator(const DeviceSpec& spec);

  // Reserves the buffer's bytes on the cores or banks it lives on; returns a handle for release().
  uint64_t allocate(const BufferLayout& layout, BufferType buffer_type, std::string_view label);
  void release(uint64_t allocation_id);

  void close();
  bool is_closed() const;
  MemoryUsage usage() const;
  uint64_t l1_bytes_used(CoreCoord core) const;

 private:
  struct Allocation {
    BufferType buffer_type;
    std::vector<uint64_t> bytes;  // per core (L1) or per bank (DRAM)
  };
  std::vector<uint64_t> per_unit_bytes(const BufferLayout& layout, BufferType buffer_type, std::string_view label) const;

  DeviceSpec spec_;
  mutable std::mutex mutex_;
  std::vector<uint64_t> l1_used_;
  std::vector<uint64_t> dram_used_;
  std::unordered_map<uint64_t, Allocation> live_;
  uint64_t next_id_ = 1;
  bool closed_ = false;
};

}  // namespace ttnn
