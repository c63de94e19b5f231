#include "core/thread_pool.hpp"

#include <chrono>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ttnn {
namespace {

// How long an idle thread spins before it sleeps. Waking a sleeping worker costs tens of microseconds on a
// VM (more than a small op takes), and a forward pass leaves gaps of that size between regions (a serial
// step, the caller's own work), so a worker keeps spinning through them: on the core alone for the first
// 50 us, then yielding it between checks, so that other runnable threads (another process, a descheduled
// thread of this pool holding an item) are not starved by the spin.
constexpr auto kSpinTime = std::chrono::microseconds(1000);
constexpr auto kExclusiveSpinTime = std::chrono::microseconds(50);
constexpr int kRoundsPerClockRead = 64;

// Set while a thread runs a region's items: a region started from inside one runs inline (the pool runs
// one region at a time, so waiting for it there would never end).
thread_local bool in_region = false;

struct RegionScope {
  bool previous = in_region;
  RegionScope() { in_region = true; }
  ~RegionScope() { in_region = previous; }
};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// Spins until `ready()` or the spin time is spent; returns whether it became ready.
template <class Ready>
bool spin_until(Ready ready) {
  if (ready()) return true;  // often already: no clock read
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    for (int round = 0; round < kRoundsPerClockRead; ++round) {
      if (ready()) return true;
      cpu_relax();
    }
    const auto spun = std::chrono::steady_clock::now() - start;
    if (spun >= kSpinTime) return ready();
    if (spun >= kExclusiveSpinTime) std::this_thread::yield();
  }
}

}  // namespace

ThreadPool::ThreadPool(size_t num_threads) {
  for (size_t i = 1; i < num_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::drain() {
  const RegionScope scope;
  for (;;) {
    // Items are handed out by an atomic counter, not under the mutex: a region of many small items
    // spent more time taking the lock than running them.
    const size_t item = next_item_.fetch_add(1, std::memory_order_acq_rel);
    if (item >= num_items_) return;
    try {
      (*work_)(item);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
      next_item_.store(num_items_, std::memory_order_release);  // stop handing out work after a failure
    }
  }
}

void ThreadPool::worker_loop() {
  size_t seen_generation = 0;
  for (;;) {
    spin_until([&] { return published_generation_.load(std::memory_order_acquire) != seen_generation; });
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen_generation; });
      if (stopping_) return;
      seen_generation = generation_;
      // A region that ended before this worker woke: joining it could hand out an item of the next
      // region, set up meanwhile, a second time. While work_ is set, the region waits for this worker.
      if (work_ == nullptr) continue;
      ++active_;
    }
    drain();
    {
      std::lock_guard lock(mutex_);
      --active_;
    }
    done_.notify_all();
  }
}

void ThreadPool::run(size_t num_items, FunctionRef<void(size_t)> work) {
  if (num_items == 0) return;
  if (in_region || workers_.empty() || num_items == 1) {  // inline (nested regions too)
    const RegionScope scope;
    for (size_t i = 0; i < num_items; ++i) work(i);
    return;
  }
  std::lock_guard region(region_mutex_);
  {
    std::lock_guard lock(mutex_);
    work_ = &work;
    num_items_ = num_items;
    next_item_.store(0, std::memory_order_release);
    error_ = nullptr;
    published_generation_.store(++generation_, std::memory_order_release);
  }
  wake_.notify_all();
  drain();
  // drain() returned, so every item is handed out: the region ends when no worker is still inside it.
  spin_until([&] { return active_.load(std::memory_order_acquire) == 0; });
  std::exception_ptr error;
  {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return active_ == 0 && next_item_.load(std::memory_order_acquire) >= num_items_; });
    work_ = nullptr;
    error = error_;
  }
  if (error) std::rethrow_exception(error);
}

void ThreadPool::run_on_each_thread(FunctionRef<void()> work) {
  if (in_region || workers_.empty()) {  // from inside a region (or a pool of one) only this thread is free
    const RegionScope scope;
    work();
    return;
  }
  const size_t threads = num_threads();
  std::mutex one_at_a_time;
  std::atomic<size_t> finished{0};
  std::exception_ptr error;
  // A thread that has run its item waits for the others, so it takes no second item: each takes one. The
  // item never throws (a failure is kept and rethrown below), so every thread reaches the wait.
  run(threads, [&](size_t) {
    {
      std::lock_guard lock(one_at_a_time);
      try {
        work();
      } catch (...) {
        if (!error) error = std::current_exception();
      }
    }
    finished.fetch_add(1, std::memory_order_acq_rel);
    while (finished.load(std::memory_order_acquire) < threads) std::this_thread::yield();
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace ttnn
