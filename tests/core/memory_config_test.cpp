#include <gtest/gtest.h>

#include "core/buffer_layout.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/memory_config.hpp"

namespace ttnn {
namespace {

using Strategy = ShardStrategy;
using Orientation = ShardOrientation;

struct ShardCase {
  Strategy strategy;
  Orientation orientation;
  std::array<uint32_t, 2> expected;
};

// Tensor view 1000 x 200 over a grid of 2 rows x 4 columns (8 cores).
TEST(CreateShardedMemoryConfig, ShardShapeForEveryStrategyAndOrientation) {
  const Shape shape{1, 1, 1000, 200};
  const CoreGrid grid{2, 4};
  const ShardCase cases[] = {
      {Strategy::HEIGHT, Orientation::ROW_MAJOR, {125, 200}}, {Strategy::HEIGHT, Orientation::COL_MAJOR, {125, 200}},
      {Strategy::WIDTH, Orientation::ROW_MAJOR, {1000, 25}},  {Strategy::WIDTH, Orientation::COL_MAJOR, {1000, 25}},
      {Strategy::BLOCK, Orientation::ROW_MAJOR, {500, 50}},   {Strategy::BLOCK, Orientation::COL_MAJOR, {250, 100}},
  };
  for (const auto& c : cases) {
    const MemoryConfig config = create_sharded_memory_config(shape, grid, c.strategy, c.orientation);
    ASSERT_TRUE(config.shard_spec.has_value());
    EXPECT_EQ(config.shard_spec->shape, c.expected) << to_string(c.strategy) << " " << to_string(c.orientation);
    EXPECT_EQ(config.buffer_type, BufferType::L1);
    EXPECT_EQ(config.shard_spec->orientation, c.orientation);
  }
  EXPECT_EQ(create_sharded_memory_config(shape, grid, Strategy::HEIGHT).memory_layout, TensorMemoryLayout::HEIGHT_SHARDED);
  EXPECT_EQ(create_sharded_memory_config(shape, grid, Strategy::WIDTH).memory_layout, TensorMemoryLayout::WIDTH_SHARDED);
  EXPECT_EQ(create_sharded_memory_config(shape, grid, Strategy::BLOCK).memory_layout, TensorMemoryLayout::BLOCK_SHARDED);
}

TEST(CreateShardedMemoryConfig, TileLayoutRoundsToWholeTiles) {
  const auto config = create_sharded_memory_config(Shape{1, 1, 1000, 200}, CoreGrid{2, 4}, Strategy::BLOCK,
                                                   Orientation::ROW_MAJOR, false, true);
  EXPECT_EQ(config.shard_spec->shape, (std::array<uint32_t, 2>{512, 64}));
}

TEST(CreateShardedMemoryConfig, ExplicitShardShapeAsInTheSeed) {
  // The seed's concat output: [512, 128] shards on the grid of the input.
  const auto grid = CoreRangeSet(CoreRange({0, 0}, {7, 3}));
  const auto config = create_sharded_memory_config(Shape{512, 128}, grid, Strategy::HEIGHT, Orientation::ROW_MAJOR, true);
  EXPECT_EQ(config.shard_spec->shape, (std::array<uint32_t, 2>{512, 128}));
  EXPECT_EQ(config.shard_spec->grid, grid);
  EXPECT_THROW(create_sharded_memory_config(Shape{1, 512, 128}, grid, Strategy::HEIGHT, Orientation::ROW_MAJOR, true),
               InvalidArgument);
}

TensorSpec spec_of(Shape shape, MemoryConfig config, Layout layout = Layout::TILE) {
  return TensorSpec{std::move(shape), bfloat16, layout, std::move(config)};
}

TEST(BufferLayout, BlockShardsMapToGridPositionsAndTransposeForColumnMajor) {
  const Shape shape{1, 1, 128, 96};
  const auto row_major = create_sharded_memory_config(shape, CoreGrid{4, 3}, Strategy::BLOCK, Orientation::ROW_MAJOR);
  const auto layout = BufferLayout::of(spec_of(shape, row_major), "test");
  EXPECT_EQ(layout.shards_y, 4u);
  EXPECT_EQ(layout.shards_x, 3u);
  EXPECT_EQ(layout.shard_cores[4], (CoreCoord{1, 1}));  // shard row 1, column 1
  EXPECT_EQ(layout.shard_cores[5], (CoreCoord{2, 1}));

  const auto col_major = create_sharded_memory_config(shape, CoreGrid{3, 4}, Strategy::BLOCK, Orientation::COL_MAJOR);
  const auto transposed = BufferLayout::of(spec_of(shape, col_major), "test");
  EXPECT_EQ(transposed.shards_y, 4u);
  EXPECT_EQ(transposed.shards_x, 3u);
  EXPECT_EQ(transposed.shard_cores[5], (CoreCoord{1, 2}));  // shard row 1 -> x, column 2 -> y
}

TEST(BufferLayout, ShardOffsetsAreContiguousPerShard) {
  const Shape shape{1, 1, 64, 64};
  const auto config = create_sharded_memory_config(shape, CoreGrid{2, 2}, Strategy::BLOCK);
  const auto layout = BufferLayout::of(spec_of(shape, config), "test");
  EXPECT_EQ(layout.shard_bytes, 2048u);
  EXPECT_EQ(layout.offset(0, 0), 0u);
  EXPECT_EQ(layout.offset(0, 32), 2048u);
  EXPECT_EQ(layout.offset(32, 0), 4096u);
  EXPECT_EQ(layout.offset(63, 63), 6144u);
  EXPECT_EQ(layout.size_bytes, 8192u);
}

TEST(BufferLayout, RejectsShardsThatDoNotCoverTheTensor) {
  const Shape shape{1, 1, 1024, 64};
  MemoryConfig config{TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1,
                      ShardSpec{CoreGrid{1, 4}.to_core_range_set(), {128, 64}, Orientation::ROW_MAJOR}};
  try {
    BufferLayout::of(spec_of(shape, config), "to_memory_config");
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("to_memory_config"), std::string::npos) << message;
    EXPECT_NE(message.find("needs 8 shards"), std::string::npos) << message;
    EXPECT_NE(message.find("only 4 cores"), std::string::npos) << message;
  }
}

TEST(BufferLayout, RejectsInconsistentShardSpecs) {
  const Shape shape{1, 1, 128, 64};
  const auto grid = CoreGrid{2, 2}.to_core_range_set();
  const MemoryConfig wrong_width{TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1, ShardSpec{grid, {32, 32}}};
  EXPECT_THROW(BufferLayout::of(spec_of(shape, wrong_width), "test"), InvalidArgument);
  const MemoryConfig not_tiles{TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1, ShardSpec{grid, {40, 64}}};
  EXPECT_THROW(BufferLayout::of(spec_of(shape, not_tiles), "test"), InvalidArgument);
  EXPECT_NO_THROW(BufferLayout::of(spec_of(shape, not_tiles, Layout::ROW_MAJOR), "test"));
  const MemoryConfig missing{TensorMemoryLayout::BLOCK_SHARDED, BufferType::L1, std::nullopt};
  EXPECT_THROW(BufferLayout::of(spec_of(shape, missing), "test"), InvalidArgument);
  const TensorSpec block_float_row_major{shape, bfloat8_b, Layout::ROW_MAJOR, DRAM_MEMORY_CONFIG};
  try {
    BufferLayout::of(block_float_row_major, "to_layout");
    FAIL();
  } catch (const InvalidArgument& error) {
    EXPECT_STREQ(error.what(), "to_layout: bfloat8_b requires TILE layout, got ROW_MAJOR");
  }
}

}  // namespace
}  // namespace ttnn
