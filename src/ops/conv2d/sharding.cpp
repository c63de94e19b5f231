#include "ops/conv2d/sharding.hpp"

#include <algorithm>

#include "core/check.hpp"

namespace ttnn {
namespace {

uint32_t div_up(uint64_t value, uint64_t divisor) { return uint32_t((value + divisor - 1) / divisor); }

uint32_t largest_divisor_at_most(uint32_t value, uint32_t limit) {
  for (uint32_t d = std::min(value, limit); d > 1; --d)
    if (value % d == 0) return d;
  return 1;
}

// The grid a plan uses, as (rows, cols) of a rectangle or a count of cores in row-major order.
struct Grid {
  CoreRangeSet cores;
  uint32_t rows = 1, cols = 1;
};

Grid choose_grid(TensorMemoryLayout layout, uint32_t pixel_tiles, uint32_t channel_tiles, const Conv2dArgs& args,
                 const Device& device) {
  const CoreCoord size = device.compute_with_storage_grid_size();
  if (args.conv_config.override_sharding_config) {
    const CoreRangeSet& given = *args.conv_config.core_grid;
    const CoreRange box = given.bounding_box();
    check(box.end.x < size.x && box.end.y < size.y, "conv2d: core_grid {} does not fit the device's {}x{} grid", given,
          size.x, size.y);
    return {given, box.end.y - box.start.y + 1, box.end.x - box.start.x + 1};
  }
  switch (layout) {
    case TensorMemoryLayout::HEIGHT_SHARDED: {
      const uint32_t cores = std::min(pixel_tiles, size.x * size.y);
      return {num_cores_to_core_range_set(cores, size), cores, 1};
    }
    case TensorMemoryLayout::WIDTH_SHARDED: {
      const uint32_t cores = largest_divisor_at_most(channel_tiles, size.x * size.y);
      return {num_cores_to_core_range_set(cores, size), 1, cores};
    }
    default: {
      const uint32_t cols = largest_divisor_at_most(channel_tiles, size.x);
      const uint32_t rows = std::min(pixel_tiles, size.y);
      return {CoreRangeSet(CoreRange({0, 0}, {cols - 1, rows - 1})), rows, cols};
    }
  }
}

// Shard heights are whole tiles of pixels; widths are whole tiles of channels in TILE layout, and an even
// split of the channels in ROW_MAJOR.
MemoryConfig sharded_config(TensorMemoryLayout layout, const Grid& grid, uint32_t pixel_tiles, uint32_t channels,
                            Layout tensor_layout) {
  const bool tiled = tensor_layout == Layout::TILE;
  const uint32_t num_cores = grid.cores.num_cores();
  const auto split_channels = [&](uint32_t parts) {
    return tiled ? div_up(div_up(channels, 32), parts) * 32 : div_up(channels, parts);
  };
  std::array<uint32_t, 2> shape{};
  switch (layout) {
    case TensorMemoryLayout::HEIGHT_SHARDED: shape = {div_up(pixel_tiles, num_cores) * 32, split_channels(1)}; break;
    case TensorMemoryLayout::WIDTH_SHARDED: shape = {pixel_tiles * 32, split_channels(num_cores)}; break;
    default: shape = {div_up(pixel_tiles, grid.rows) * 32, split_channels(grid.cols)}; break;
  }
  return MemoryConfig{layout, BufferType::L1, ShardSpec{grid.cores, shape, ShardOrientation::ROW_MAJOR}};
}

}  // namespace

TensorMemoryLayout select_shard_layout(uint64_t pixels, uint32_t channels) {
  if (pixels >= 8ull * channels) return TensorMemoryLayout::HEIGHT_SHARDED;
  if (uint64_t(channels) >= 8 * pixels) return TensorMemoryLayout::WIDTH_SHARDED;
  return TensorMemoryLayout::BLOCK_SHARDED;
}

Conv2dShardingPlan plan_conv2d_sharding(const Conv2dArgs& args, const Conv2dGeometry& g, const Device& device) {
  Conv2dShardingPlan plan;
  const uint32_t channels = std::max(g.in_channels, g.out_channels);
  plan.layout = args.conv_config.shard_layout.value_or(select_shard_layout(g.output_pixels(), channels));
  check(plan.layout != TensorMemoryLayout::INTERLEAVED, "conv2d: shard_layout must be HEIGHT, WIDTH or BLOCK_SHARDED");
  const uint32_t out_pixel_tiles = div_up(g.output_pixels(), 32);
  const uint32_t in_pixel_tiles = div_up(g.input_pixels(), 32);
  const Grid grid = choose_grid(plan.layout, out_pixel_tiles, div_up(g.out_channels, 32), args, device);
  plan.output_config = sharded_config(plan.layout, grid, out_pixel_tiles, g.out_channels, args.conv_config.output_layout);
  plan.input_config = sharded_config(plan.layout, grid, in_pixel_tiles, g.in_channels, args.input_tensor.layout());
  return plan;
}

}  // namespace ttnn
