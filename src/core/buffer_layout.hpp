// How a tensor's 2D physical view maps onto the bytes of its buffer: pages (32x32 tiles or rows) stored
// in order when interleaved, or one contiguous region per shard (each [shard_height, shard_width], tiles or
// rows row-major inside) in shard order when sharded. Edge shards are padded to the full shard shape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ttnn/core_coord.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct BufferLayout {
  uint64_t height = 0;  // physical view
  uint64_t width = 0;
  uint64_t logical_width = 0;  // columns past it are padding (zero)
  DataType dtype = DataType::FLOAT32;
  bool tiled = false;
  TensorMemoryLayout memory_layout = TensorMemoryLayout::INTERLEAVED;

  // Interleaved tensors are described as one shard covering the whole view.
  uint64_t shard_height = 0;
  uint64_t shard_width = 0;
  uint32_t shards_y = 1;  // shards along the height
  uint32_t shards_x = 1;  // shards along the width
  size_t shard_bytes = 0;
  std::vector<CoreCoord> shard_cores;  // core of each shard, in shard order (sharded only)

  size_t page_bytes = 0;  // a tile, or a row (of a shard) in ROW_MAJOR
  size_t size_bytes = 0;

  // Validates the spec (dtype vs layout, shard spec vs tensor) and derives the layout; errors name `op`.
  static BufferLayout of(const TensorSpec& spec, const char* op);

  bool sharded() const { return memory_layout != TensorMemoryLayout::INTERLEAVED; }
  uint32_t num_shards() const { return shards_y * shards_x; }
  size_t element_bytes() const;  // ROW_MAJOR only

  // ROW_MAJOR: byte offset of element (row, col). TILE: byte offset of the tile holding it.
  size_t offset(uint64_t row, uint64_t col) const;
  // Rows and columns of the view that shard `index` covers (clipped to the view).
  uint64_t shard_row_begin(uint32_t index) const { return (index / shards_x) * shard_height; }
  uint64_t shard_col_begin(uint32_t index) const { return (index % shards_x) * shard_width; }
};

}  // namespace ttnn
