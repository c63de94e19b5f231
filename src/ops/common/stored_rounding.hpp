// Values as a TILE tensor of a dtype would store them, without the tensor: bfloat16 rounds each value, a
// block-float block is 16 consecutive columns of one row (columns past `cols` are padding zeros), float32
// keeps them. The same bits as encoding and decoding.
#pragma once

#include <cstddef>
#include <span>

#include "ttnn/types.hpp"

namespace ttnn {

// `rows` rows of `cols` values at a row stride of `stride` floats, rounded in place.
void round_as_stored(float* values, size_t rows, size_t cols, size_t stride, DataType dtype);

// Each value as the dtype stores it alone in its block (a column of one, as TT-NN's grouped depthwise
// weights are laid out): round_as_stored(values, n, 1, 1, dtype) without a tile per 32 values.
void round_each_as_stored(std::span<float> values, DataType dtype);

}  // namespace ttnn
