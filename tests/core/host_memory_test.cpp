// Memory reuse behind tensors and ops: host blocks come back by size, scratch buffers come back from the
// pool, and the library's agreement metrics refuse mismatched sizes.
#include <gtest/gtest.h>

#include <vector>

#include "core/host_memory.hpp"
#include "ops/common/scratch_floats.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/metrics.hpp"

namespace ttnn::test {
namespace {

TEST(HostMemory, BlockSizesAreAlignedAndCoverTheRequest) {
  EXPECT_EQ(host_memory::block_size(0), 64u);
  EXPECT_EQ(host_memory::block_size(65), 128u);
  EXPECT_EQ(host_memory::block_size(64 << 10), size_t(64) << 10);
  EXPECT_EQ(host_memory::block_size((64 << 10) + 1), (size_t(64) << 10) + 4096);
}

TEST(HostMemory, AFreedBlockIsHandedOutAgainForTheSameSize) {
  constexpr size_t kBytes = 3 << 20;  // an unusual size no other test allocates
  std::byte* first = host_memory::acquire(kBytes + 123);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
  host_memory::release(first, kBytes + 123);
  std::byte* second = host_memory::acquire(kBytes + 100);  // same block size
  EXPECT_EQ(second, first);
  std::byte* other = host_memory::acquire(kBytes + 100);  // the cache had only one
  EXPECT_NE(other, first);
  host_memory::release(second, kBytes + 100);
  host_memory::release(other, kBytes + 100);
}

TEST(ScratchFloats, BuffersReturnToThePoolAndAreReused) {
  const float* data = nullptr;
  {
    ScratchFloats scratch(12345);
    ASSERT_EQ(scratch.size(), 12345u);
    scratch[12344] = 1.0f;
    data = scratch.data();
  }
  ScratchFloats again(12000);  // fits the returned buffer
  EXPECT_EQ(again.data(), data);
  ScratchFloats moved = std::move(again);
  EXPECT_EQ(moved.data(), data);
  EXPECT_EQ(again.size(), 0u);
}

TEST(Metrics, MismatchedSizesAreRefused) {
  const std::vector<float> a{1, 2, 3}, b{1, 2};
  EXPECT_THROW(pearson_correlation(a, b), InvalidArgument);
  EXPECT_THROW(max_abs_error(a, b), InvalidArgument);
  EXPECT_EQ(pearson_correlation(a, a), 1.0);
  EXPECT_EQ(max_abs_error(a, std::vector<float>{1, 2, 5}), 2.0);
}

}  // namespace
}  // namespace ttnn::test
