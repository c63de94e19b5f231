#include "ttnn/memory_config.hpp"

#include "core/check.hpp"

namespace ttnn {
namespace {

uint32_t div_up(uint64_t value, uint64_t divisor) { return uint32_t((value + divisor - 1) / divisor); }
uint32_t round_up_to_tile(uint32_t value) { return (value + 31) / 32 * 32; }

}  // namespace

MemoryConfig create_sharded_memory_config(const Shape& shape, const CoreRangeSet& core_grid, ShardStrategy strategy,
                                          ShardOrientation orientation, bool use_height_and_width_as_shard_shape,
                                          bool tile_layout) {
  const char* op = "create_sharded_memory_config";
  check(core_grid.num_cores() > 0, "{}: the core grid is empty", op);
  check(shape.rank() >= 1 && shape.volume() > 0, "{}: shape {} must be non-empty", op, shape);

  std::array<uint32_t, 2> shard_shape{};
  if (use_height_and_width_as_shard_shape) {
    check(shape.rank() == 2, "{}: with use_height_and_width_as_shard_shape the shape must be [height, width], got {}",
          op, shape);
    shard_shape = {shape[0], shape[1]};
  } else {
    // In TILE layout every batch slice is padded to whole tiles, so split the padded view.
    const Shape view = tile_layout ? shape.tile_padded() : shape;
    const uint64_t height = tile_layout && shape.rank() < 2 ? TILE_HEIGHT : view.height();
    const uint32_t width = view.width();
    const uint32_t num_cores = core_grid.num_cores();
    switch (strategy) {
      case ShardStrategy::HEIGHT: shard_shape = {div_up(height, num_cores), width}; break;
      case ShardStrategy::WIDTH: shard_shape = {uint32_t(height), div_up(width, num_cores)}; break;
      case ShardStrategy::BLOCK: {
        const CoreRange box = core_grid.bounding_box();
        check(core_grid.ranges().size() == 1, "{}: BLOCK sharding needs a rectangular grid, got {}", op,
              core_grid);
        const uint32_t grid_rows = box.end.y - box.start.y + 1, grid_cols = box.end.x - box.start.x + 1;
        const bool row_major = orientation == ShardOrientation::ROW_MAJOR;
        shard_shape = {div_up(height, row_major ? grid_rows : grid_cols), div_up(width, row_major ? grid_cols : grid_rows)};
        break;
      }
    }
  }
  if (tile_layout) shard_shape = {round_up_to_tile(shard_shape[0]), round_up_to_tile(shard_shape[1])};

  const TensorMemoryLayout layout = strategy == ShardStrategy::HEIGHT  ? TensorMemoryLayout::HEIGHT_SHARDED
                                    : strategy == ShardStrategy::WIDTH ? TensorMemoryLayout::WIDTH_SHARDED
                                                                       : TensorMemoryLayout::BLOCK_SHARDED;
  return MemoryConfig{layout, BufferType::L1, ShardSpec{core_grid, shard_shape, orientation}};
}

MemoryConfig create_sharded_memory_config(const Shape& shape, const CoreGrid& core_grid, ShardStrategy strategy,
                                          ShardOrientation orientation, bool use_height_and_width_as_shard_shape,
                                          bool tile_layout) {
  return create_sharded_memory_config(shape, core_grid.to_core_range_set(), strategy, orientation,
                                      use_height_and_width_as_shard_shape, tile_layout);
}

std::string to_string(const ShardSpec& spec) {
  return fmt::format("ShardSpec(grid={}, shape=[{}, {}], orientation={})", to_string(spec.grid), spec.shape[0],
                     spec.shape[1], to_string(spec.orientation));
}

std::string to_string(const MemoryConfig& config) {
  std::string text = fmt::format("MemoryConfig({}, {}", to_string(config.memory_layout), to_string(config.buffer_type));
  if (config.shard_spec) text += ", " + to_string(*config.shard_spec);
  return text + ")";
}

}  // namespace ttnn
