// A device: a grid of compute cores with a per-core L1 budget, DRAM, and (on the CPU backend) a thread
// pool that runs the per-core work items.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ttnn/core_coord.hpp"
#include "ttnn/function_ref.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// What the device looks like to programs. The default matches a Wormhole N150.
struct DeviceSpec {
  CoreCoord compute_grid{8, 8};                // x columns by y rows
  uint64_t l1_bytes_per_core = 1464ull * 1024;  // usable L1 per core
  uint32_t dram_banks = 12;
  uint64_t dram_bytes_per_bank = 1ull << 30;   // 12 GiB in all
};

struct DeviceOptions {
  DeviceSpec spec;
  // Threads that execute core work items; 0 = every hardware thread of the machine.
  uint32_t num_threads = 0;
  // Default arithmetic for ops that do not override it (see types.hpp, Numerics).
  Numerics numerics = Numerics::accurate;
};

// Bytes in use per buffer type, for diagnostics and tests.
struct MemoryUsage {
  uint64_t dram_bytes = 0;
  uint64_t l1_bytes_total = 0;        // summed over cores
  uint64_t l1_bytes_max_per_core = 0;  // the fullest core
};

class Allocator;
class ThreadPool;

class Device {
 public:
  Device(int device_id, const DeviceOptions& options);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  int id() const { return id_; }
  const DeviceSpec& spec() const { return options_.spec; }
  CoreCoord compute_with_storage_grid_size() const { return options_.spec.compute_grid; }
  uint32_t num_cores() const { return options_.spec.compute_grid.x * options_.spec.compute_grid.y; }
  bool is_open() const { return open_; }

  Numerics numerics() const { return options_.numerics; }
  void set_numerics(Numerics numerics) { options_.numerics = numerics; }

  uint32_t num_threads() const;
  // Resizes the thread pool; results do not depend on the thread count.
  void set_num_threads(uint32_t num_threads);

  MemoryUsage memory_usage() const;
  uint64_t l1_bytes_used(CoreCoord core) const;

  // Runs work(i) for i in [0, num_items) on the device's threads and waits for all of them.
  // The first exception thrown by a work item is rethrown here.
  void run_parallel(size_t num_items, FunctionRef<void(size_t)> work) const;
  // Runs work() once on each of the device's threads, one thread at a time.
  void run_on_each_thread(FunctionRef<void()> work) const;

  // Internal: allocator and thread pool for ops and buffers.
  const std::shared_ptr<Allocator>& allocator() const { return allocator_; }

 private:
  friend void close_device(Device& device);
  int id_;
  DeviceOptions options_;
  bool open_ = true;
  std::shared_ptr<Allocator> allocator_;
  std::unique_ptr<ThreadPool> thread_pool_;
};

// Opens a device; throws InvalidArgument on a spec with an empty grid or no L1.
std::shared_ptr<Device> open_device(int device_id = 0, const DeviceOptions& options = {});
// Marks the device closed; tensors still on it become unusable (DeallocatedTensor on use).
void close_device(Device& device);

}  // namespace ttnn
