// Where a planned forward pass keeps its activations: one arena, each value at an offset chosen so that
// values alive at the same step never overlap, and a value whose last reader has run leaves its bytes to
// later ones. Sizes are placed largest first at the lowest free offset (the greedy-by-size rule of static
// memory planners), which for a chain of convs comes close to the largest pair of live values.
#pragma once

#include <cstddef>
#include <vector>

namespace ttnn::model {

struct ArenaValue {
  size_t bytes = 0;
  size_t first_step = 0;  // written by this step (or before step 0: the input)
  size_t last_step = 0;   // read last by this step (inclusive)
};

struct ArenaPlan {
  std::vector<size_t> offsets;  // per value, multiples of kArenaAlignment
  size_t total_bytes = 0;
};

inline constexpr size_t kArenaAlignment = 64;  // what kernels expect of a buffer (aligned vector loads)

ArenaPlan plan_activation_arena(const std::vector<ArenaValue>& values);

// The most bytes (aligned) alive at any one step: no placement can use less.
size_t peak_live_bytes(const std::vector<ArenaValue>& values);

}  // namespace ttnn::model
