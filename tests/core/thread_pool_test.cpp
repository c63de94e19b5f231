#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "core/thread_pool.hpp"
#include "ttnn/errors.hpp"
#include "core/threads_or_inline.hpp"

namespace ttnn {
namespace {

TEST(ThreadPool, RunsEveryItemExactlyOnce) {
  for (size_t threads : {1u, 2u, 5u}) {
    ThreadPool pool(threads);
    std::vector<std::atomic<int>> hits(1000);
    for (int round = 0; round < 3; ++round) pool.run(hits.size(), [&](size_t i) { hits[i]++; });
    for (auto& hit : hits) EXPECT_EQ(hit.load(), 3);
  }
}

// A share's front and back are 32 bits: a region of 2^32 - 1 items or more is refused before any runs.
TEST(ThreadPool, RefusesRegionsPastTheSharesRange) {
  for (size_t threads : {1u, 2u}) {
    ThreadPool pool(threads);
    std::atomic<int> ran{0};
    EXPECT_THROW(pool.run((size_t(1) << 32) - 1, [&](size_t) { ran++; }), InvalidArgument);
    EXPECT_EQ(ran.load(), 0);
    pool.run(3, [&](size_t) { ran++; });  // still usable
    EXPECT_EQ(ran.load(), 3);
  }
}

TEST(ThreadPool, RethrowsTheFirstFailure) {
  ThreadPool pool(3);
  EXPECT_THROW(pool.run(100, [](size_t i) {
    if (i == 37) throw std::runtime_error("item 37");
  }),
               std::runtime_error);
  std::atomic<int> count{0};
  pool.run(10, [&](size_t) { count++; });  // still usable
  EXPECT_EQ(count.load(), 10);
}

// Each thread runs its own contiguous share first, in order: the caller (thread 0) starts at item 0 and
// runs a prefix of [0, n / T) before anything else. Handing items out in turn would fail this. The other
// threads' items wait until the caller has started one, so that nothing is stolen from its share before
// (the caller preempted before its first item would otherwise leave its share to the others).
TEST(ThreadPool, EachThreadStartsWithItsOwnShareInOrder) {
  for (size_t threads : {2u, 3u, 8u}) {
    ThreadPool pool(threads);
    constexpr size_t kItems = 300;
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<bool> caller_started{false};
    std::vector<size_t> caller_items;  // written by the caller only
    pool.run(kItems, [&](size_t i) {
      if (std::this_thread::get_id() != caller) {
        while (!caller_started.load(std::memory_order_acquire)) std::this_thread::yield();
      } else {
        caller_items.push_back(i);
        caller_started.store(true, std::memory_order_release);
      }
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(20);
      while (std::chrono::steady_clock::now() < until) {
      }
    });
    const size_t share = kItems / threads;
    size_t own = 0;
    while (own < caller_items.size() && caller_items[own] < share) ++own;
    ASSERT_GT(own, 0u);
    for (size_t k = 0; k < own; ++k) EXPECT_EQ(caller_items[k], k) << threads << " threads";
    // Whatever it ran after its share came from the others' backs, never from its own share again.
    for (size_t k = own; k < caller_items.size(); ++k) EXPECT_GE(caller_items[k], share) << threads << " threads";
  }
}

// A thread whose share is done takes the items another thread has not started: here the worker's first
// item waits for its last, which only the caller can run.
TEST(ThreadPool, ADoneThreadTakesTheOthersLastItems) {
  ThreadPool pool(2);
  std::atomic<bool> last_done{false};
  std::atomic<bool> waited_out{false};
  pool.run(4, [&](size_t i) {
    if (i == 3) last_done = true;
    if (i != 2) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!last_done && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    waited_out = !last_done;
  });
  EXPECT_TRUE(last_done.load());
  EXPECT_FALSE(waited_out.load());
}

// An item that starts a region of its own (an op allocating a tensor inside a parallel region, say) runs
// that region inline instead of waiting for the pool it occupies; single-item regions too.
TEST(ThreadPool, NestedRegionsRunInline) {
  ThreadPool pool(2);
  for (size_t outer : {1u, 8u}) {
    std::atomic<int> inner_items{0};
    pool.run(outer, [&](size_t) { pool.run(5, [&](size_t) { inner_items++; }); });
    EXPECT_EQ(inner_items.load(), int(5 * outer));
  }
}

// Each thread runs the work once, alone, with regions inside it inline on that thread.
TEST(ThreadPool, RunOnEachThreadVisitsEveryThreadOnceAndAlone) {
  for (size_t threads : {1u, 2u, 4u}) {
    ThreadPool pool(threads);
    std::mutex mutex;
    std::set<std::thread::id> seen;
    std::atomic<int> inside{0}, most_inside{0}, calls{0};
    pool.run_on_each_thread([&] {
      const int now = ++inside;
      most_inside = std::max(most_inside.load(), now);
      std::thread::id inner_thread;
      pool.run(3, [&](size_t) { inner_thread = std::this_thread::get_id(); });
      EXPECT_EQ(inner_thread, std::this_thread::get_id());
      {
        std::lock_guard lock(mutex);
        seen.insert(std::this_thread::get_id());
      }
      ++calls;
      --inside;
    });
    EXPECT_EQ(calls.load(), int(threads));
    EXPECT_EQ(seen.size(), threads);
    EXPECT_EQ(most_inside.load(), 1);
  }
}

// A failure on one thread reaches the caller after every thread arrived (no thread waits forever), and the
// pool still works; from inside a region the work runs once, inline.
TEST(ThreadPool, RunOnEachThreadRethrowsAndRunsInlineInsideARegion) {
  ThreadPool pool(3);
  std::atomic<int> calls{0};
  EXPECT_THROW(pool.run_on_each_thread([&] {
    if (++calls == 2) throw std::runtime_error("second thread");
  }),
               std::runtime_error);
  EXPECT_EQ(calls.load(), 3);
  std::atomic<int> inner{0};
  pool.run(2, [&](size_t) { pool.run_on_each_thread([&] { ++inner; }); });
  EXPECT_EQ(inner.load(), 2);
  std::atomic<int> count{0};
  pool.run(10, [&](size_t) { count++; });
  EXPECT_EQ(count.load(), 10);
}

}  // namespace
}  // namespace ttnn

// A process that cannot start more threads still runs every run, on the calling thread, once each.
TEST(ThreadsOrInline, RunsEveryRunWhateverThreadsStart) {
  for (size_t limit : {0, 1, 3, 100})
    for (size_t runs : {0, 1, 2, 5}) {
      std::vector<std::atomic<int>> done(runs);
      size_t attempts = 0;
      const auto start = [&](const auto& run, size_t t) {
        if (attempts++ >= limit) throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
        return std::thread(run, t);
      };
      const size_t threads = ttnn::run_on_threads_or_inline(runs, [&](size_t t) { ++done[t]; }, start);
      EXPECT_EQ(threads, std::min(limit, runs > 0 ? runs - 1 : 0)) << limit << " " << runs;
      for (size_t t = 0; t < runs; ++t) EXPECT_EQ(done[t].load(), 1) << "run " << t << " of " << runs;
    }
}
