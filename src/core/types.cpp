#include "ttnn/types.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "core/check.hpp"

namespace ttnn {
namespace {

template <class Enum, size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

constexpr NameTable<DataType, 4> kDataTypes{{{DataType::FLOAT32, "float32"},
                                             {DataType::BFLOAT16, "bfloat16"},
                                             {DataType::BFLOAT8_B, "bfloat8_b"},
                                             {DataType::BFLOAT4_B, "bfloat4_b"}}};
constexpr NameTable<MathFidelity, 4> kFidelities{{{MathFidelity::LoFi, "LoFi"},
                                                  {MathFidelity::HiFi2, "HiFi2"},
                                                  {MathFidelity::HiFi3, "HiFi3"},
                                                  {MathFidelity::HiFi4, "HiFi4"}}};
constexpr NameTable<TensorMemoryLayout, 4> kMemoryLayouts{{{TensorMemoryLayout::INTERLEAVED, "INTERLEAVED"},
                                                           {TensorMemoryLayout::HEIGHT_SHARDED, "HEIGHT_SHARDED"},
                                                           {TensorMemoryLayout::WIDTH_SHARDED, "WIDTH_SHARDED"},
                                                           {TensorMemoryLayout::BLOCK_SHARDED, "BLOCK_SHARDED"}}};
constexpr NameTable<Numerics, 2> kNumerics{{{Numerics::accurate, "accurate"}, {Numerics::tt_metal, "tt_metal"}}};

template <class Enum, size_t N>
std::string_view name_of(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [entry, name] : table)
    if (entry == value) return name;
  return "<invalid>";
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

// Accepts each table name case-insensitively plus the given aliases.
template <class Enum, size_t N>
Enum parse(const NameTable<Enum, N>& table, std::string_view text, std::string_view what,
           std::initializer_list<std::pair<std::string_view, Enum>> aliases = {}) {
  const std::string wanted = lowercase(text);
  for (const auto& [entry, name] : table)
    if (lowercase(name) == wanted) return entry;
  for (const auto& [alias, entry] : aliases)
    if (alias == wanted) return entry;
  std::string accepted;
  for (const auto& [entry, name] : table) accepted += (accepted.empty() ? "" : ", ") + lowercase(name);
  fail("{}: unknown value '{}', expected one of: {}", what, text, accepted);
}

}  // namespace

std::string_view to_string(DataType dtype) { return name_of(kDataTypes, dtype); }
std::string_view to_string(MathFidelity fidelity) { return name_of(kFidelities, fidelity); }
std::string_view to_string(TensorMemoryLayout layout) { return name_of(kMemoryLayouts, layout); }
std::string_view to_string(Numerics numerics) { return name_of(kNumerics, numerics); }

std::string_view to_string(Layout layout) { return layout == Layout::TILE ? "TILE" : "ROW_MAJOR"; }
std::string_view to_string(BufferType buffer_type) { return buffer_type == BufferType::L1 ? "L1" : "DRAM"; }
std::string_view to_string(ShardOrientation orientation) {
  return orientation == ShardOrientation::COL_MAJOR ? "COL_MAJOR" : "ROW_MAJOR";
}
std::string_view to_string(ShardStrategy strategy) {
  switch (strategy) {
    case ShardStrategy::HEIGHT: return "HEIGHT";
    case ShardStrategy::WIDTH: return "WIDTH";
    case ShardStrategy::BLOCK: return "BLOCK";
  }
  return "<invalid>";
}

DataType parse_data_type(std::string_view text) {
  return parse(kDataTypes, text, "dtype",
               {{"f32", DataType::FLOAT32}, {"bf16", DataType::BFLOAT16}, {"bf8_b", DataType::BFLOAT8_B},
                {"bfloat8", DataType::BFLOAT8_B}, {"bf4_b", DataType::BFLOAT4_B}});
}
MathFidelity parse_math_fidelity(std::string_view text) { return parse(kFidelities, text, "math_fidelity"); }
TensorMemoryLayout parse_memory_layout(std::string_view text) {
  return parse(kMemoryLayouts, text, "memory_layout",
               {{"height", TensorMemoryLayout::HEIGHT_SHARDED},
                {"width", TensorMemoryLayout::WIDTH_SHARDED},
                {"block", TensorMemoryLayout::BLOCK_SHARDED}});
}
Numerics parse_numerics(std::string_view text) { return parse(kNumerics, text, "numerics", {{"tt-metal", Numerics::tt_metal}}); }

size_t tile_size_bytes(DataType dtype) {
  switch (dtype) {
    case DataType::FLOAT32: return TILE_HW * 4;
    case DataType::BFLOAT16: return TILE_HW * 2;
    case DataType::BFLOAT8_B: return 1088;
    case DataType::BFLOAT4_B: return 576;
  }
  fail("tile_size_bytes: invalid dtype {}", int(dtype));
}

size_t element_size_bytes(DataType dtype) {
  check(!is_block_float(dtype), "element_size_bytes: {} exists only in TILE layout and has no per-element size",
        dtype);
  return dtype == DataType::FLOAT32 ? 4 : 2;
}

}  // namespace ttnn
