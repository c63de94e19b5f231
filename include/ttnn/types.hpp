// Enumerations of the TT-NN programming model: data types, layouts, memory and math settings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ttnn {

// Element formats. bfloat8_b and bfloat4_b are block-float formats that exist only in TILE layout:
// each 16-value face row shares one 8-bit exponent (see formats/block_float.hpp).
enum class DataType : uint8_t { FLOAT32, BFLOAT16, BFLOAT8_B, BFLOAT4_B };
inline constexpr DataType float32 = DataType::FLOAT32;
inline constexpr DataType bfloat16 = DataType::BFLOAT16;
inline constexpr DataType bfloat8_b = DataType::BFLOAT8_B;
inline constexpr DataType bfloat4_b = DataType::BFLOAT4_B;

// ROW_MAJOR: rows of the last dimension stored one after another.
// TILE: 32x32 tiles, each four 16x16 faces stored face by face, each face row-major.
enum class Layout : uint8_t { ROW_MAJOR, TILE };
inline constexpr Layout ROW_MAJOR_LAYOUT = Layout::ROW_MAJOR;
inline constexpr Layout TILE_LAYOUT = Layout::TILE;

enum class BufferType : uint8_t { DRAM, L1 };

enum class TensorMemoryLayout : uint8_t { INTERLEAVED, HEIGHT_SHARDED, WIDTH_SHARDED, BLOCK_SHARDED };

// Order in which shards are assigned to the cores of a grid.
enum class ShardOrientation : uint8_t { ROW_MAJOR, COL_MAJOR };

enum class ShardStrategy : uint8_t { HEIGHT, WIDTH, BLOCK };

// Multiplier fidelity (operand A = weights, operand B = activations): on a device LoFi multiplies the top
// 1+4 significand bits of A by the top 1+6 of B; HiFi2 adds A's next bits; HiFi3 adds B's next bits;
// HiFi4 uses all of both.
enum class MathFidelity : uint8_t { LoFi, HiFi2, HiFi3, HiFi4 };

// How block-float and fidelity arithmetic is carried out; NUMERICS.md gives every rule exactly.
//  accurate: bfloat8_b weight blocks along the reduction dimension, weights rounded (RNE) to the
//            fidelity's operand width when prepared, activations read as stored (rounded to bfloat16 at
//            LoFi), fp32 accumulation: the same storage as TT-NN, never less accurate than a device with
//            the same settings.
//  tt_metal: TT-NN's arithmetic as its MobileNetV2 runs on a device, to predict its results: weights
//            prepared as [K, out] tiles (bfloat8_b exponents shared across 16 output channels), both
//            operands truncated at the multiplier, partial sums per 32-wide reduction tile in a bfloat16
//            destination unless fp32_dest_acc_en, bias in the weights' dtype. Assumptions where TT-NN
//            documents no rule (rounding inside a face's inner product, the packer's rounding) are stated
//            in NUMERICS.md.
enum class Numerics : uint8_t { accurate, tt_metal };

inline constexpr uint32_t TILE_HEIGHT = 32;
inline constexpr uint32_t TILE_WIDTH = 32;
inline constexpr uint32_t TILE_HW = TILE_HEIGHT * TILE_WIDTH;
inline constexpr uint32_t FACE_HEIGHT = 16;
inline constexpr uint32_t FACE_WIDTH = 16;

std::string_view to_string(DataType dtype);
std::string_view to_string(Layout layout);
std::string_view to_string(BufferType buffer_type);
std::string_view to_string(TensorMemoryLayout memory_layout);
std::string_view to_string(ShardOrientation orientation);
std::string_view to_string(ShardStrategy strategy);
std::string_view to_string(MathFidelity fidelity);
std::string_view to_string(Numerics numerics);

// Parses the names above (case-insensitive; "bf8_b", "lofi", "height" style short forms accepted).
// Throws InvalidArgument naming `what` and the accepted values.
DataType parse_data_type(std::string_view text);
MathFidelity parse_math_fidelity(std::string_view text);
TensorMemoryLayout parse_memory_layout(std::string_view text);
Numerics parse_numerics(std::string_view text);

// True for formats that exist only in TILE layout.
constexpr bool is_block_float(DataType dtype) {
  return dtype == DataType::BFLOAT8_B || dtype == DataType::BFLOAT4_B;
}

// Bytes of one 32x32 tile in this format (4096, 2048, 1088, 576).
size_t tile_size_bytes(DataType dtype);

// Bytes of one element in ROW_MAJOR layout; throws for block-float formats.
size_t element_size_bytes(DataType dtype);

}  // namespace ttnn
