// How conv2d spreads its work and output over the core grid (TT-NN's determine_parallel_config).
#pragma once

#include "ops/conv2d/conv2d_geometry.hpp"
#include "ttnn/memory_config.hpp"

namespace ttnn {

// The seed's rule: HEIGHT when N*H*W >> C, WIDTH when C >> N*H*W, BLOCK when comparable; ">>" is a factor 8.
TensorMemoryLayout select_shard_layout(uint64_t pixels, uint32_t channels);

struct Conv2dShardingPlan {
  TensorMemoryLayout layout = TensorMemoryLayout::HEIGHT_SHARDED;
  MemoryConfig output_config;  // the output sharded like the conv (TILE shards: whole tiles)
  MemoryConfig input_config;   // how the conv wants its input sharded (for reshard_if_not_optimal)
};

Conv2dShardingPlan plan_conv2d_sharding(const Conv2dArgs& args, const Conv2dGeometry& geometry, const Device& device);

}  // namespace ttnn
