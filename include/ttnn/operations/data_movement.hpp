// Data movement: concat.
#pragma once

#include <optional>
#include <span>

#include "ttnn/memory_config.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

// Joins equal-rank tensors along `dim` (negative counts from the end); every other dim must agree, as must
// dtype, layout and storage (one device, or the host). The output keeps them and is in `memory_config`;
// unset, the first input's config when it is interleaved, else interleaved in the first input's buffer
// type. A sharded memory_config is accepted as is (e.g. the seed's HEIGHT-sharded ROW_MAJOR [512, 128]
// from create_sharded_memory_config(..., use_height_and_width_as_shard_shape=true)).
Tensor concat(std::span<const Tensor> inputs, int dim, const std::optional<MemoryConfig>& memory_config = std::nullopt);
Tensor concat(std::initializer_list<Tensor> inputs, int dim,
              const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
