#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "core/thread_pool.hpp"

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

}  // namespace
}  // namespace ttnn
