#include "core/buffer_layout.hpp"

#include "core/check.hpp"

namespace ttnn {
namespace {

uint32_t div_up(uint64_t value, uint64_t divisor) { return uint32_t((value + divisor - 1) / divisor); }

// Cores of each shard: HEIGHT and WIDTH walk the grid in orientation order; BLOCK maps shard (row, col)
// to the grid position (col, row) from the bounding box's corner, transposed for COL_MAJOR.
std::vector<CoreCoord> assign_shard_cores(const BufferLayout& layout, const ShardSpec& spec, const char* op) {
  std::vector<CoreCoord> cores;
  if (layout.memory_layout != TensorMemoryLayout::BLOCK_SHARDED) {
    const auto grid_cores = spec.grid.cores(spec.orientation);
    check(layout.num_shards() <= grid_cores.size(),
          "{}: shard shape [{}, {}] needs {} shards to cover the tensor's {}x{} view, but the grid {} has only {} cores", op,
          spec.shape[0], spec.shape[1], layout.num_shards(), layout.height, layout.width, spec.grid,
          grid_cores.size());
    cores.assign(grid_cores.begin(), grid_cores.begin() + layout.num_shards());
    return cores;
  }
  check(spec.grid.ranges().size() == 1, "{}: BLOCK_SHARDED needs a rectangular core grid, got {}", op,
        spec.grid);
  const CoreRange box = spec.grid.bounding_box();
  const bool row_major = spec.orientation == ShardOrientation::ROW_MAJOR;
  const uint32_t grid_rows = row_major ? box.end.y - box.start.y + 1 : box.end.x - box.start.x + 1;
  const uint32_t grid_cols = row_major ? box.end.x - box.start.x + 1 : box.end.y - box.start.y + 1;
  check(layout.shards_y <= grid_rows && layout.shards_x <= grid_cols,
        "{}: shard shape [{}, {}] needs a {}x{} grid of shards to cover the tensor's {}x{} view, but the {} grid {} is {}x{}",
        op, spec.shape[0], spec.shape[1], layout.shards_y, layout.shards_x, layout.height, layout.width,
        spec.orientation, spec.grid, grid_rows, grid_cols);
  for (uint32_t sy = 0; sy < layout.shards_y; ++sy)
    for (uint32_t sx = 0; sx < layout.shards_x; ++sx)
      cores.push_back(row_major ? CoreCoord{box.start.x + sx, box.start.y + sy} : CoreCoord{box.start.x + sy, box.start.y + sx});
  return cores;
}

}  // namespace

BufferLayout BufferLayout::of(const TensorSpec& spec, const char* op) {
  BufferLayout layout;
  layout.dtype = spec.dtype;
  layout.tiled = spec.layout == Layout::TILE;
  layout.memory_layout = spec.memory_config.memory_layout;
  check(layout.tiled || !is_block_float(spec.dtype), "{}: {} requires TILE layout, got ROW_MAJOR", op, spec.dtype);
  check(spec.logical_shape.rank() >= 1, "{}: a tensor needs at least one dimension, got shape {}", op,
        spec.logical_shape);
  layout.height = spec.physical_height();
  layout.width = spec.physical_width();
  layout.logical_width = spec.logical_shape.width();
  layout.page_bytes = layout.tiled ? tile_size_bytes(spec.dtype) : layout.width * element_size_bytes(spec.dtype);

  if (!layout.sharded()) {
    if (spec.memory_config.shard_spec)
      fail("{}: an INTERLEAVED memory config must not carry a shard spec ({})", op, *spec.memory_config.shard_spec);
    layout.shard_height = layout.height;
    layout.shard_width = layout.width;
    layout.size_bytes = layout.tiled ? (layout.height / 32) * (layout.width / 32) * layout.page_bytes
                                     : layout.height * layout.page_bytes;
    layout.shard_bytes = layout.size_bytes;
    return layout;
  }

  check(spec.memory_config.shard_spec.has_value(), "{}: {} memory config needs a shard spec", op,
        spec.memory_config.memory_layout);
  const ShardSpec& shard = *spec.memory_config.shard_spec;
  layout.shard_height = shard.shape[0];
  layout.shard_width = shard.shape[1];
  check(layout.shard_height > 0 && layout.shard_width > 0, "{}: shard shape [{}, {}] must be non-empty", op,
        shard.shape[0], shard.shape[1]);
  check(!layout.tiled || (layout.shard_height % 32 == 0 && layout.shard_width % 32 == 0),
        "{}: in TILE layout the shard shape must be whole 32x32 tiles, got [{}, {}]", op, shard.shape[0],
        shard.shape[1]);
  if (layout.memory_layout == TensorMemoryLayout::HEIGHT_SHARDED) {
    check(layout.shard_width == layout.width, "{}: HEIGHT_SHARDED shard width {} must equal the tensor width {}", op,
          layout.shard_width, layout.width);
  } else if (layout.memory_layout == TensorMemoryLayout::WIDTH_SHARDED) {
    check(layout.shard_height == layout.height, "{}: WIDTH_SHARDED shard height {} must equal the tensor height {}", op,
          layout.shard_height, layout.height);
  }
  layout.shards_y = div_up(layout.height, layout.shard_height);
  layout.shards_x = div_up(layout.width, layout.shard_width);
  layout.shard_cores = assign_shard_cores(layout, shard, op);
  layout.page_bytes = layout.tiled ? tile_size_bytes(spec.dtype) : layout.shard_width * element_size_bytes(spec.dtype);
  layout.shard_bytes = layout.tiled ? (layout.shard_height / 32) * (layout.shard_width / 32) * layout.page_bytes
                                    : layout.shard_height * layout.page_bytes;
  layout.size_bytes = layout.shard_bytes * layout.num_shards();
  return layout;
}

size_t BufferLayout::element_bytes() const { return element_size_bytes(dtype); }

size_t BufferLayout::offset(uint64_t row, uint64_t col) const {
  const uint64_t sy = row / shard_height, sx = col / shard_width;
  const uint64_t local_row = row % shard_height, local_col = col % shard_width;
  const size_t shard_base = (sy * shards_x + sx) * shard_bytes;
  if (tiled) {
    const uint64_t tiles_per_row = shard_width / 32;
    return shard_base + ((local_row / 32) * tiles_per_row + local_col / 32) * page_bytes;
  }
  return shard_base + (local_row * shard_width + local_col) * element_bytes();
}

}  // namespace ttnn
