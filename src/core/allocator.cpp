#include "core/allocator.hpp"

#include "core/check.hpp"

namespace ttnn {
namespace {

std::string kib(uint64_t bytes) { return fmt::format("{:.1f} KiB", double(bytes) / 1024.0); }

// Pages of an interleaved buffer go round-robin over `units` (cores or banks): the first
// pages % units units hold one page more.
std::vector<uint64_t> round_robin(uint64_t pages, uint64_t page_bytes, size_t units) {
  std::vector<uint64_t> bytes(units);
  for (size_t unit = 0; unit < units; ++unit) bytes[unit] = (pages / units + (unit < pages % units ? 1 : 0)) * page_bytes;
  return bytes;
}

}  // namespace

Allocator::Allocator(const DeviceSpec& spec)
    : spec_(spec), l1_used_(size_t(spec.compute_grid.x) * spec.compute_grid.y), dram_used_(spec.dram_banks) {}

std::vector<uint64_t> Allocator::per_unit_bytes(const BufferLayout& layout, BufferType buffer_type,
                                                std::string_view label) const {
  const uint64_t pages = layout.page_bytes ? layout.size_bytes / layout.page_bytes : 0;
  if (buffer_type == BufferType::DRAM) return round_robin(pages, layout.page_bytes, spec_.dram_banks);
  if (!layout.sharded()) return round_robin(pages, layout.page_bytes, l1_used_.size());
  std::vector<uint64_t> bytes(l1_used_.size());
  for (const CoreCoord core : layout.shard_cores) {
    check(core.x < spec_.compute_grid.x && core.y < spec_.compute_grid.y,
          "{}: shard core {} is outside the device's {}x{} compute grid", label, core, spec_.compute_grid.x,
          spec_.compute_grid.y);
    bytes[size_t(core.y) * spec_.compute_grid.x + core.x] += layout.shard_bytes;
  }
  return bytes;
}

uint64_t Allocator::allocate(const BufferLayout& layout, BufferType buffer_type, std::string_view label) {
  std::vector<uint64_t> bytes = per_unit_bytes(layout, buffer_type, label);
  std::lock_guard lock(mutex_);
  check<DeallocatedTensor>(!closed_, "{}: the device is closed", label);
  std::vector<uint64_t>& used = buffer_type == BufferType::L1 ? l1_used_ : dram_used_;
  const uint64_t capacity = buffer_type == BufferType::L1 ? spec_.l1_bytes_per_core : spec_.dram_bytes_per_bank;
  for (size_t unit = 0; unit < bytes.size(); ++unit) {
    if (used[unit] + bytes[unit] <= capacity) continue;
    if (buffer_type == BufferType::L1) {
      const CoreCoord core{uint32_t(unit % spec_.compute_grid.x), uint32_t(unit / spec_.compute_grid.x)};
      fail<OutOfMemory>("{}: out of L1 memory: needs {} ({} bytes) on core {}, which has {} free of {} ({} in use)", label,
                        kib(bytes[unit]), bytes[unit], core, kib(capacity - used[unit]), kib(capacity),
                        kib(used[unit]));
    }
    fail<OutOfMemory>("{}: out of DRAM: needs {} ({} bytes) in bank {}, which has {} free of {}", label, kib(bytes[unit]),
                      bytes[unit], unit, kib(capacity - used[unit]), kib(capacity));
  }
  for (size_t unit = 0; unit < bytes.size(); ++unit) used[unit] += bytes[unit];
  const uint64_t id = next_id_++;
  live_.emplace(id, Allocation{buffer_type, std::move(bytes)});
  return id;
}

void Allocator::release(uint64_t allocation_id) {
  std::lock_guard lock(mutex_);
  const auto it = live_.find(allocation_id);
  if (it == live_.end()) return;
  std::vector<uint64_t>& used = it->second.buffer_type == BufferType::L1 ? l1_used_ : dram_used_;
  for (size_t unit = 0; unit < used.size(); ++unit) used[unit] -= it->second.bytes[unit];
  live_.erase(it);
}

void Allocator::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

bool Allocator::is_closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

MemoryUsage Allocator::usage() const {
  std::lock_guard lock(mutex_);
  MemoryUsage usage;
  for (uint64_t bytes : dram_used_) usage.dram_bytes += bytes;
  for (uint64_t bytes : l1_used_) {
    usage.l1_bytes_total += bytes;
    usage.l1_bytes_max_per_core = std::max(usage.l1_bytes_max_per_core, bytes);
  }
  return usage;
}

uint64_t Allocator::l1_bytes_used(CoreCoord core) const {
  std::lock_guard lock(mutex_);
  check(core.x < spec_.compute_grid.x && core.y < spec_.compute_grid.y, "l1_bytes_used: core {} is outside the {}x{} grid",
        core, spec_.compute_grid.x, spec_.compute_grid.y);
  return l1_used_[size_t(core.y) * spec_.compute_grid.x + core.x];
}

}  // namespace ttnn
