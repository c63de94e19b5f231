#include <gtest/gtest.h>

#include "ttnn/core_coord.hpp"
#include "ttnn/errors.hpp"

namespace ttnn {
namespace {

TEST(CoreRangeSet, EnumeratesCoresInOrientationOrder) {
  const CoreRangeSet set(CoreRange({0, 0}, {2, 1}));
  EXPECT_EQ(set.num_cores(), 6u);
  const auto rows = set.cores(ShardOrientation::ROW_MAJOR);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[1], (CoreCoord{1, 0}));
  EXPECT_EQ(rows[3], (CoreCoord{0, 1}));
  const auto cols = set.cores(ShardOrientation::COL_MAJOR);
  EXPECT_EQ(cols[1], (CoreCoord{0, 1}));
  EXPECT_EQ(cols[2], (CoreCoord{1, 0}));
}

TEST(CoreRangeSet, RejectsOverlapAndInvertedRanges) {
  EXPECT_THROW(CoreRangeSet({CoreRange({0, 0}, {2, 2}), CoreRange({2, 2}, {3, 3})}), InvalidArgument);
  EXPECT_THROW(CoreRange({3, 0}, {2, 0}), InvalidArgument);
}

TEST(CoreRangeSet, BoundingBoxAndContains) {
  const CoreRangeSet set({CoreRange({0, 0}, {7, 0}), CoreRange({0, 1}, {3, 1})});
  EXPECT_EQ(set.num_cores(), 12u);
  EXPECT_EQ(set.bounding_box(), CoreRange({0, 0}, {7, 1}));
  EXPECT_TRUE(set.contains({3, 1}));
  EXPECT_FALSE(set.contains({4, 1}));
}

TEST(CoreRangeSet, NumCoresToCoreRangeSetBuildsFullRowsThenARemainder) {
  const auto set = num_cores_to_core_range_set(20, {8, 8});
  ASSERT_EQ(set.ranges().size(), 2u);
  EXPECT_EQ(set.ranges()[0], CoreRange({0, 0}, {7, 1}));
  EXPECT_EQ(set.ranges()[1], CoreRange({0, 2}, {3, 2}));
  EXPECT_EQ(set.num_cores(), 20u);
  const auto column_wise = num_cores_to_core_range_set(10, {8, 8}, false);
  EXPECT_EQ(column_wise.ranges()[0], CoreRange({0, 0}, {0, 7}));
  EXPECT_EQ(column_wise.ranges()[1], CoreRange({1, 0}, {1, 1}));
  EXPECT_THROW(num_cores_to_core_range_set(65, {8, 8}), InvalidArgument);
}

}  // namespace
}  // namespace ttnn
