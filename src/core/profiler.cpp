#include "ttnn/profiler.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>

#include "ttnn/device.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn::profiler {

namespace detail {
std::atomic<bool> enabled{false};

// The outermost op running on a thread.
struct ActiveOp {
  OpRecord record;
  uint32_t max_items = 0;
  uint32_t device_cores = 0;
  uint64_t start_ns = 0;
};
}  // namespace detail

namespace {

using Clock = std::chrono::steady_clock;

struct Store {
  std::mutex mutex;
  std::vector<OpRecord> records;
  uint64_t next_call_index = 0;
  Clock::time_point epoch = Clock::now();
  bool epoch_set = false;
};

Store& store() {
  static Store instance;
  return instance;
}

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - store().epoch).count());
}

thread_local detail::ActiveOp* active_op = nullptr;  // the outermost op of this thread
thread_local int op_depth = 0;                      // op scopes open on this thread (nested ones record nothing)
thread_local const std::string* module_path = nullptr;

TensorRecord describe(const Tensor& tensor) {
  return TensorRecord{tensor.logical_shape(), tensor.dtype(), tensor.layout(), tensor.memory_config(),
                      tensor.device() ? tensor.device()->id() : -1};
}

}  // namespace

void enable() {
  Store& s = store();
  {
    std::lock_guard lock(s.mutex);
    if (!s.epoch_set) {
      s.epoch = Clock::now();
      s.epoch_set = true;
    }
  }
  detail::enabled.store(true, std::memory_order_relaxed);
}

void disable() { detail::enabled.store(false, std::memory_order_relaxed); }

void clear() {
  Store& s = store();
  std::lock_guard lock(s.mutex);
  s.records.clear();
  s.next_call_index = 0;
}

std::vector<OpRecord> records() {
  Store& s = store();
  std::lock_guard lock(s.mutex);
  return s.records;
}

std::vector<OpRecord> take_records() {
  Store& s = store();
  std::lock_guard lock(s.mutex);
  std::vector<OpRecord> taken;
  taken.swap(s.records);
  return taken;
}

const std::string& current_module_path() {
  static const std::string empty;
  return module_path ? *module_path : empty;
}

void OpScope::begin(const char* op_code, std::span<const Tensor* const> inputs) {
  ++op_depth;
  entered_ = true;
  uncaught_ = std::uncaught_exceptions();
  if (op_depth > 1) return;  // part of the enclosing op
  auto* op = new detail::ActiveOp;
  op->record.op_code = op_code;
  op->record.module_path = current_module_path();
  for (const Tensor* input : inputs)
    if (input) op->record.inputs.push_back(describe(*input));
  active_op = op;
  state_ = op;
  op->start_ns = now_ns();
}

void OpScope::begin(const char* op_code, std::span<const Tensor> inputs) {
  std::vector<const Tensor*> pointers;
  pointers.reserve(inputs.size());
  for (const Tensor& input : inputs) pointers.push_back(&input);
  begin(op_code, std::span<const Tensor* const>(pointers));
}

void OpScope::record_fidelity(MathFidelity fidelity) { state_->record.math_fidelity = fidelity; }

void OpScope::record_output(const Tensor& tensor) { state_->record.outputs.push_back(describe(tensor)); }

void OpScope::end() noexcept {
  --op_depth;
  detail::ActiveOp* op = state_;
  if (!op) return;  // a nested op: part of the enclosing one
  const uint64_t end_ns = now_ns();
  active_op = nullptr;
  if (std::uncaught_exceptions() > uncaught_) {  // the call failed: no record
    delete op;
    return;
  }
  OpRecord& record = op->record;
  record.host_start_ns = op->start_ns;
  record.host_duration_ns = end_ns - op->start_ns;
  if (!record.outputs.empty()) record.sharding = record.outputs[0].memory_config.memory_layout;
  if (!record.outputs.empty() && record.outputs[0].memory_config.shard_spec)
    record.core_count = record.outputs[0].memory_config.shard_spec->grid.num_cores();
  else
    record.core_count = std::min(op->max_items, op->device_cores);
  try {
    Store& s = store();
    std::lock_guard lock(s.mutex);
    record.call_index = s.next_call_index++;
    s.records.push_back(std::move(record));
  } catch (...) {  // out of memory while profiling: drop the record rather than terminate
  }
  delete op;
}

void KernelScope::begin(size_t num_items, uint32_t device_cores) {
  if (!active_op) return;
  state_ = active_op;
  state_->max_items = std::max(state_->max_items, uint32_t(std::min<size_t>(num_items, UINT32_MAX)));
  state_->device_cores = std::max(state_->device_cores, device_cores);
  start_ns_ = now_ns();
}

void KernelScope::end() noexcept {
  state_->record.kernel_duration_ns += now_ns() - start_ns_;
  ++state_->record.parallel_regions;
}

void ModuleScope::begin(const std::string& path) {
  previous_ = module_path;
  module_path = &path;
  active_ = true;
}

void ModuleScope::end() noexcept { module_path = previous_; }

}  // namespace ttnn::profiler
