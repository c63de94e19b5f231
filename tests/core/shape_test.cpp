#include <gtest/gtest.h>

#include "ttnn/errors.hpp"
#include "ttnn/shape.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {
namespace {

TEST(Shape, IndexingVolumeAndHeight) {
  const Shape shape{2, 3, 5, 7};
  EXPECT_EQ(shape.rank(), 4u);
  EXPECT_EQ(shape[-1], 7u);
  EXPECT_EQ(shape[0], 2u);
  EXPECT_EQ(shape.volume(), 210u);
  EXPECT_EQ(shape.height(), 30u);
  EXPECT_EQ(shape.width(), 7u);
  EXPECT_THROW(shape[4], InvalidArgument);
  EXPECT_THROW(shape[-5], InvalidArgument);
  EXPECT_EQ(to_string(shape), "[2, 3, 5, 7]");
}

TEST(Shape, TilePaddingRoundsTheLastTwoDims) {
  EXPECT_EQ((Shape{2, 3, 5, 7}.tile_padded()), (Shape{2, 3, 32, 32}));
  EXPECT_EQ((Shape{1, 1, 64, 33}.tile_padded()), (Shape{1, 1, 64, 64}));
  EXPECT_EQ((Shape{40}.tile_padded()), (Shape{64}));
}

TEST(TensorSpec, PhysicalViewPadsEachBatchSliceInTileLayout) {
  const TensorSpec tiled{Shape{2, 3, 5, 7}, bfloat16, Layout::TILE};
  EXPECT_EQ(tiled.physical_height(), 2u * 3 * 32);
  EXPECT_EQ(tiled.physical_width(), 32u);
  const TensorSpec row_major{Shape{2, 3, 5, 7}, bfloat16, Layout::ROW_MAJOR};
  EXPECT_EQ(row_major.physical_height(), 30u);
  EXPECT_EQ(row_major.physical_width(), 7u);
  const TensorSpec vector{Shape{40}, float32, Layout::TILE};
  EXPECT_EQ(vector.physical_height(), 32u);
  EXPECT_EQ(vector.physical_width(), 64u);
}

}  // namespace
}  // namespace ttnn
