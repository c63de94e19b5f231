#include "core/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/check.hpp"

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

ThreadPool::ThreadPool(size_t num_threads) : shares_(std::max<size_t>(1, num_threads)) {
  for (size_t i = 1; i < num_threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

namespace {
// A share's range word: the front item in the low half, the back (one past the last) in the high half.
constexpr uint64_t pack_range(uint64_t front, uint64_t back) { return front | back << 32; }
}  // namespace

bool ThreadPool::take(size_t thread, size_t& item) {
  // The thread's own share from the front: one atomic add while it looks non-empty. A thief may take the
  // last item meanwhile, so the front can pass the back, by one at most (only the owner adds): adding on
  // every take, a thread that steals many items would carry its front into the back near 2^32 items, and
  // the share would look full again.
  std::atomic<uint64_t>& own_range = shares_[thread].range;
  const uint64_t mine = own_range.load(std::memory_order_acquire);
  const uint64_t own = uint32_t(mine) < uint32_t(mine >> 32) ? own_range.fetch_add(1, std::memory_order_acq_rel) : mine;
  if (uint32_t(own) < uint32_t(own >> 32)) {
    item = uint32_t(own);
    return true;
  }
  // Then the other shares' last items, which their owners would reach last.
  for (size_t step = 1; step < shares_.size(); ++step) {
    std::atomic<uint64_t>& range = shares_[(thread + step) % shares_.size()].range;
    uint64_t seen = range.load(std::memory_order_acquire);
    while (uint32_t(seen) < uint32_t(seen >> 32)) {
      const uint64_t back = (seen >> 32) - 1;
      if (range.compare_exchange_weak(seen, pack_range(uint32_t(seen), back), std::memory_order_acq_rel)) {
        item = back;
        return true;
      }
    }
  }
  return false;
}

bool ThreadPool::all_taken() const {
  for (const Share& share : shares_) {
    const uint64_t range = share.range.load(std::memory_order_acquire);
    if (uint32_t(range) < uint32_t(range >> 32)) return false;
  }
  return true;
}

void ThreadPool::take_all() {
  for (Share& share : shares_) share.range.store(0, std::memory_order_release);
}

void ThreadPool::drain(size_t thread) {
  const RegionScope scope;
  // Items are taken with atomics, not under the mutex: a region of many small items spent more time taking
  // the lock than running them.
  size_t item = 0;
  while (take(thread, item)) {
    try {
      (*work_)(item);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
      take_all();  // stop handing out work after a failure
    }
  }
}

void ThreadPool::worker_loop(size_t thread) {
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
    drain(thread);
    {
      std::lock_guard lock(mutex_);
      --active_;
    }
    done_.notify_all();
  }
}

void ThreadPool::run(size_t num_items, FunctionRef<void(size_t)> work) {
  if (num_items == 0) return;
  // A share's front and back are 32 bits, and the front may pass the back by one.
  check(num_items < (uint64_t(1) << 32) - 1, "ThreadPool::run: {} items is more than a region holds (2^32 - 2)",
        num_items);
  if (in_region || workers_.empty() || num_items == 1) {  // inline (nested regions too)
    const RegionScope scope;
    for (size_t i = 0; i < num_items; ++i) work(i);
    return;
  }
  std::lock_guard region(region_mutex_);
  {
    std::lock_guard lock(mutex_);
    work_ = &work;
    // Contiguous shares: consecutive ops split their rows alike, so a thread reads mostly rows its own core
    // wrote (a line another core holds costs a wait: the early 1x1 convs ran 10-17% faster than with items
    // handed out in turn).
    const size_t threads = shares_.size();
    for (size_t t = 0; t < threads; ++t)
      shares_[t].range.store(pack_range(t * num_items / threads, (t + 1) * num_items / threads),
                             std::memory_order_release);
    error_ = nullptr;
    published_generation_.store(++generation_, std::memory_order_release);
  }
  wake_.notify_all();
  drain(0);
  // drain() returned, so every item is handed out: the region ends when no worker is still inside it.
  spin_until([&] { return active_.load(std::memory_order_acquire) == 0; });
  std::exception_ptr error;
  {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return active_ == 0 && all_taken(); });
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
