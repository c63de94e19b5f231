#include "ttnn/device.hpp"

#include <thread>

#include "core/allocator.hpp"
#include "core/check.hpp"
#include "core/thread_pool.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {
namespace {

uint32_t resolve_thread_count(uint32_t requested) {
  if (requested > 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? hardware : 1;
}

}  // namespace

Device::Device(int device_id, const DeviceOptions& options)
    : id_(device_id),
      options_(options),
      allocator_(std::make_shared<Allocator>(options.spec)),
      thread_pool_(std::make_unique<ThreadPool>(resolve_thread_count(options.num_threads))) {}

Device::~Device() { allocator_->close(); }

uint32_t Device::num_threads() const { return uint32_t(thread_pool_->num_threads()); }

void Device::set_num_threads(uint32_t num_threads) {
  thread_pool_ = std::make_unique<ThreadPool>(resolve_thread_count(num_threads));
}

MemoryUsage Device::memory_usage() const { return allocator_->usage(); }
uint64_t Device::l1_bytes_used(CoreCoord core) const { return allocator_->l1_bytes_used(core); }

void Device::run_parallel(size_t num_items, FunctionRef<void(size_t)> work) const {
  check<DeallocatedTensor>(open_, "device {}: used after close_device", id_);
  const profiler::KernelScope profile(num_items, num_cores());  // the running op's kernel duration
  thread_pool_->run(num_items, work);
}

void Device::run_on_each_thread(FunctionRef<void()> work) const {
  check<DeallocatedTensor>(open_, "device {}: used after close_device", id_);
  thread_pool_->run_on_each_thread(work);
}

std::shared_ptr<Device> open_device(int device_id, const DeviceOptions& options) {
  const DeviceSpec& spec = options.spec;
  check(device_id >= 0, "open_device: device_id must be >= 0, got {}", device_id);
  check(spec.compute_grid.x > 0 && spec.compute_grid.y > 0, "open_device: compute grid {}x{} is empty",
        spec.compute_grid.x, spec.compute_grid.y);
  check(spec.l1_bytes_per_core > 0, "open_device: l1_bytes_per_core must be > 0");
  check(spec.dram_banks > 0 && spec.dram_bytes_per_bank > 0, "open_device: DRAM must have banks of non-zero size");
  check(options.num_threads <= 1024, "open_device: num_threads {} is more than 1024", options.num_threads);
  return std::make_shared<Device>(device_id, options);
}

void close_device(Device& device) {
  device.open_ = false;
  device.allocator_->close();
}

}  // namespace ttnn
