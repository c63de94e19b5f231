// A per-op profiler, like TT-NN's device profiler and ops perf report: off by default and, when off, one
// relaxed atomic load per op call. When on, every top-level op call (an op called from inside another op
// is part of the outer op) leaves one OpRecord:
//   - host duration: the whole call, from the first line of the public op function to its return
//     (validation, allocation, weight preparation, the compute and the write-back);
//   - kernel duration: the part spent in the device's parallel regions (Device::run_parallel: the
//     per-core work items that decode the inputs, compute and write the output), summed over the regions
//     the call ran; validation, allocation, planning and weight preparation on the calling thread are
//     outside it. This is the CPU analogue of DEVICE KERNEL DURATION.
//   - core count: the output's shard grid when the output is sharded, else the most work items of one
//     parallel region, capped at the device's core count (0 for a host-only op).
// A call that throws leaves no record. Records are kept per process; ops may run on several threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ttnn/memory_config.hpp"
#include "ttnn/shape.hpp"
#include "ttnn/types.hpp"

namespace ttnn {
class Tensor;
}

namespace ttnn::profiler {

struct TensorRecord {
  Shape shape;
  DataType dtype = DataType::FLOAT32;
  Layout layout = Layout::ROW_MAJOR;
  MemoryConfig memory_config;
  int device_id = -1;  // -1: a host tensor
};

struct OpRecord {
  std::string op_code;           // the public op's name: "conv2d", "linear", "add", "relu6", "reshape", ...
  uint64_t call_index = 0;       // 0, 1, 2, ... in completion order since the last clear()
  std::string module_path;       // the model module running the op ("" outside ModuleScope)
  std::vector<TensorRecord> inputs;   // in argument order (conv2d: input, weight, bias)
  std::vector<TensorRecord> outputs;
  std::optional<MathFidelity> math_fidelity;  // ops that multiply: conv2d, matmul, linear
  uint32_t core_count = 0;
  TensorMemoryLayout sharding = TensorMemoryLayout::INTERLEAVED;  // the first output's memory layout
  uint64_t host_start_ns = 0;      // steady clock, since the profiler's first enable()
  uint64_t host_duration_ns = 0;
  uint64_t kernel_duration_ns = 0;
  uint32_t parallel_regions = 0;   // Device::run_parallel calls inside the op
};

namespace detail {
extern std::atomic<bool> enabled;
struct ActiveOp;
}  // namespace detail

inline bool is_enabled() noexcept { return detail::enabled.load(std::memory_order_relaxed); }
void enable();
void disable();
// Drops every record and restarts call_index at 0.
void clear();
// A copy of the records so far, in completion order.
std::vector<OpRecord> records();
// The records so far, leaving none (call_index goes on counting).
std::vector<OpRecord> take_records();

// The first statement of a public op function. Inputs that are null pointers are skipped.
class OpScope {
 public:
  OpScope(const char* op_code, std::initializer_list<const Tensor*> inputs) {
    if (is_enabled()) begin(op_code, std::span<const Tensor* const>(inputs.begin(), inputs.size()));
  }
  OpScope(const char* op_code, std::span<const Tensor> inputs) {
    if (is_enabled()) begin(op_code, inputs);
  }
  ~OpScope() {
    if (entered_) end();
  }
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;

  void set_math_fidelity(MathFidelity fidelity) {
    if (state_) record_fidelity(fidelity);
  }
  // Records an output (its spec is final once allocated) and hands it back: `return scope.output(x);`.
  const Tensor& output(const Tensor& tensor) {
    if (state_) record_output(tensor);
    return tensor;
  }

 private:
  void begin(const char* op_code, std::span<const Tensor* const> inputs);
  void begin(const char* op_code, std::span<const Tensor> inputs);
  void end() noexcept;
  void record_fidelity(MathFidelity fidelity);
  void record_output(const Tensor& tensor);
  detail::ActiveOp* state_ = nullptr;  // set for the outermost op of the thread only
  int uncaught_ = 0;
  bool entered_ = false;
};

// Around a device's parallel region (Device::run_parallel): adds its wall time to the op running on
// this thread, if any.
class KernelScope {
 public:
  KernelScope(size_t num_items, uint32_t device_cores) {
    if (is_enabled()) begin(num_items, device_cores);
  }
  ~KernelScope() {
    if (state_) end();
  }
  KernelScope(const KernelScope&) = delete;
  KernelScope& operator=(const KernelScope&) = delete;

 private:
  void begin(size_t num_items, uint32_t device_cores);
  void end() noexcept;
  detail::ActiveOp* state_ = nullptr;
  uint64_t start_ns_ = 0;
};

// Names the module whose ops run on this thread while the scope lives (the model sets it per step).
// `path` must outlive the scope.
class ModuleScope {
 public:
  explicit ModuleScope(const std::string& path) {
    if (is_enabled()) begin(path);
  }
  ~ModuleScope() {
    if (active_) end();
  }
  ModuleScope(const ModuleScope&) = delete;
  ModuleScope& operator=(const ModuleScope&) = delete;

 private:
  void begin(const std::string& path);
  void end() noexcept;
  const std::string* previous_ = nullptr;
  bool active_ = false;
};

// The module path ModuleScope set on this thread ("" when none).
const std::string& current_module_path();

}  // namespace ttnn::profiler
