// The thread pool under load: random short items on 2, 3 and 8 threads, regions of 0 to 1000 items, failing
// items, run_on_each_thread between regions and several callers at once; each item must run exactly once
// and its writes be visible to the caller after run().
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/thread_pool.hpp"

namespace ttnn {
namespace {

void short_work(uint64_t seed) {
  thread_local std::minstd_rand rng(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  const unsigned spins = (rng() ^ seed) % 64;
  for (unsigned k = 0; k < spins; ++k) {
    asm volatile("" ::: "memory");
  }
  if (rng() % 256 == 0) std::this_thread::yield();
}

// Repetitions: TTNN_POOL_STRESS_REPS for a longer run by hand (thousands, under ThreadSanitizer too).
size_t reps() {
  const char* env = std::getenv("TTNN_POOL_STRESS_REPS");
  return env ? std::strtoul(env, nullptr, 10) : 200;
}

// Every item runs exactly once; its plain (non-atomic) writes are visible to the caller after run().
TEST(ThreadPoolStress, EveryItemOnceAndVisible) {
  for (size_t threads : {2u, 3u, 8u}) {
    ThreadPool pool(threads);
    const size_t sizes[] = {0, 1, 2, 3, 7, 1000};
    std::vector<std::atomic<int>> runs(1000);
    std::vector<uint64_t> plain(1000);
    std::atomic<int> inside{0};
    for (size_t rep = 0; rep < reps(); ++rep)
      for (size_t n : sizes) {
        for (size_t i = 0; i < n; ++i) runs[i].store(0, std::memory_order_relaxed);
        pool.run(n, [&](size_t i) {
          ++inside;
          ASSERT_LT(i, n);
          runs[i].fetch_add(1, std::memory_order_relaxed);
          plain[i] = rep * 1000 + i;  // a race (TSAN) or a stale value if run() does not synchronise
          short_work(i);
          --inside;
        });
        ASSERT_EQ(inside.load(), 0);
        for (size_t i = 0; i < n; ++i) {
          ASSERT_EQ(runs[i].load(std::memory_order_relaxed), 1) << threads << " threads, n " << n << ", item " << i;
          ASSERT_EQ(plain[i], rep * 1000 + i);
        }
      }
  }
}

// Items that throw: the first failure is rethrown after every started item finished, no item runs twice,
// nothing runs after run() returned, and the pool then runs a full region again.
TEST(ThreadPoolStress, FailingItems) {
  std::mt19937 rng(12345);
  for (size_t threads : {2u, 3u, 8u}) {
    ThreadPool pool(threads);
    std::vector<std::atomic<int>> runs(1000);
    std::atomic<int> inside{0};
    for (size_t rep = 0; rep < reps(); ++rep)
      for (size_t n : {2u, 3u, 7u, 1000u}) {
        for (size_t i = 0; i < n; ++i) runs[i].store(0);
        const size_t bad1 = rng() % n, bad2 = rng() % n;
        bool threw = false;
        try {
          pool.run(n, [&](size_t i) {
            ++inside;
            runs[i]++;
            short_work(i);
            --inside;
            if (i == bad1 || i == bad2) throw std::runtime_error("bad");
          });
        } catch (const std::runtime_error&) {
          threw = true;
        }
        ASSERT_TRUE(threw);
        ASSERT_EQ(inside.load(), 0);
        int total = 0;
        for (size_t i = 0; i < n; ++i) {
          ASSERT_LE(runs[i].load(), 1) << threads << " threads, n " << n << ", item " << i;
          total += runs[i].load();
        }
        ASSERT_GE(runs[bad1].load() + runs[bad2].load(), 1);
        // nothing started after run() returned
        std::this_thread::yield();
        int after = 0;
        for (size_t i = 0; i < n; ++i) after += runs[i].load();
        ASSERT_EQ(after, total);
        // the next region is complete
        for (size_t i = 0; i < n; ++i) runs[i].store(0);
        pool.run(n, [&](size_t i) { runs[i]++; });
        for (size_t i = 0; i < n; ++i) ASSERT_EQ(runs[i].load(), 1);
      }
  }
}

// run_on_each_thread: each thread exactly once, interleaved with ordinary regions.
TEST(ThreadPoolStress, RunOnEachThread) {
  for (size_t threads : {2u, 3u, 8u}) {
    ThreadPool pool(threads);
    for (size_t rep = 0; rep < reps() / 10; ++rep) {
      std::mutex mutex;
      std::multiset<std::thread::id> seen;
      pool.run_on_each_thread([&] {
        std::lock_guard lock(mutex);
        seen.insert(std::this_thread::get_id());
      });
      ASSERT_EQ(seen.size(), threads);
      ASSERT_EQ(std::set<std::thread::id>(seen.begin(), seen.end()).size(), threads);
      std::atomic<int> count{0};
      pool.run(rep % 9, [&](size_t) { count++; });
      ASSERT_EQ(count.load(), int(rep % 9));
    }
  }
}

// Several callers at once (regions are serialised).
TEST(ThreadPoolStress, ConcurrentCallers) {
  ThreadPool pool(3);
  std::vector<std::thread> callers;
  std::atomic<int> bad{0};
  for (int c = 0; c < 3; ++c)
    callers.emplace_back([&, c] {
      std::vector<std::atomic<int>> runs(50);
      for (size_t rep = 0; rep < reps() / 4; ++rep) {
        const size_t n = (rep + c) % 50;
        for (size_t i = 0; i < n; ++i) runs[i].store(0);
        pool.run(n, [&](size_t i) { runs[i]++; short_work(i); });
        for (size_t i = 0; i < n; ++i) bad += runs[i].load() != 1;
      }
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace ttnn
