// Where a tensor lives: DRAM or L1, interleaved page by page or sharded across a core grid.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "ttnn/core_coord.hpp"
#include "ttnn/shape.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// One shard per core of `grid`; `shape` is {height, width} of a shard of the tensor's 2D view
// [product of all dims but the last, last dim] (padded to tiles in TILE layout).
struct ShardSpec {
  CoreRangeSet grid;
  std::array<uint32_t, 2> shape{0, 0};
  ShardOrientation orientation = ShardOrientation::ROW_MAJOR;
  bool operator==(const ShardSpec&) const = default;
};

struct MemoryConfig {
  TensorMemoryLayout memory_layout = TensorMemoryLayout::INTERLEAVED;
  BufferType buffer_type = BufferType::DRAM;
  std::optional<ShardSpec> shard_spec;

  bool is_sharded() const { return memory_layout != TensorMemoryLayout::INTERLEAVED; }
  bool operator==(const MemoryConfig&) const = default;
};

inline const MemoryConfig DRAM_MEMORY_CONFIG{TensorMemoryLayout::INTERLEAVED, BufferType::DRAM, std::nullopt};
inline const MemoryConfig L1_MEMORY_CONFIG{TensorMemoryLayout::INTERLEAVED, BufferType::L1, std::nullopt};

// TT-NN's ttnn.create_sharded_memory_config. `shape` is the tensor's shape, or with
// use_height_and_width_as_shard_shape the shard's {height, width} itself. The shard shape is the
// 2D view split evenly (rounded up) across the cores: HEIGHT splits rows over all cores, WIDTH splits
// columns, BLOCK splits rows over grid rows and columns over grid columns (swapped for COL_MAJOR).
// With `tile_layout` the shard shape is rounded up to whole 32x32 tiles.
MemoryConfig create_sharded_memory_config(const Shape& shape, const CoreRangeSet& core_grid, ShardStrategy strategy,
                                          ShardOrientation orientation = ShardOrientation::ROW_MAJOR,
                                          bool use_height_and_width_as_shard_shape = false,
                                          bool tile_layout = false);
MemoryConfig create_sharded_memory_config(const Shape& shape, const CoreGrid& core_grid, ShardStrategy strategy,
                                          ShardOrientation orientation = ShardOrientation::ROW_MAJOR,
                                          bool use_height_and_width_as_shard_shape = false,
                                          bool tile_layout = false);

std::string to_string(const ShardSpec& spec);
std::string to_string(const MemoryConfig& config);

}  // namespace ttnn
