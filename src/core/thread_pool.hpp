// A fixed set of worker threads that run the work items of one parallel region at a time; the calling
// thread takes part, so a pool of one thread runs everything inline. Each thread owns a contiguous share of
// a region's items and takes them in order; a thread done with its share takes the others' last items. A forward pass is a hundred short
// regions back to back, so waiting threads spin for up to a millisecond (yielding the core after the first
// 50 us) before they sleep: a futex wake-up per region would cost more than many of the regions themselves.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ttnn/function_ref.hpp"

namespace ttnn {

class ThreadPool {
 public:
  explicit ThreadPool(size_t num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t num_threads() const { return workers_.size() + 1; }
  // Runs work(i) for every i in [0, num_items): thread t (the caller is thread 0) first runs items
  // [t * num_items / T, (t + 1) * num_items / T) in order, then any item another thread has not started,
  // from the end of that thread's share. Rethrows the first exception a work item threw, after all items
  // finished. Regions from several callers are serialised.
  void run(size_t num_items, FunctionRef<void(size_t)> work);
  // Runs work() once on every thread of the pool, one thread at a time (regions inside it run inline on
  // that thread): for what each thread must have done once, such as growing its scratch buffers.
  void run_on_each_thread(FunctionRef<void()> work);

 private:
  // What is left of a thread's share of the current region: items [front, back), packed in one word so
  // that the owner taking the front and another thread the back never both take the last item.
  struct alignas(64) Share {
    std::atomic<uint64_t> range{0};
  };

  void worker_loop(size_t thread);
  void drain(size_t thread);  // takes items of the current region, its own share first, until none are left
  bool take(size_t thread, size_t& item);
  bool all_taken() const;
  void take_all();  // after a failure: no more items are handed out

  std::vector<std::thread> workers_;
  std::mutex region_mutex_;  // one region at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const FunctionRef<void(size_t)>* work_ = nullptr;
  std::vector<Share> shares_;  // one a thread
  std::atomic<size_t> active_{0};  // workers inside drain(); changed under the mutex, read by the spin
  size_t generation_ = 0;
  std::atomic<size_t> published_generation_{0};  // generation_, readable without the mutex
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace ttnn
