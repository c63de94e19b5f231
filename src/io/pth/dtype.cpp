#include "io/pth/dtype.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <span>

#include "io/pth/byte_reader.hpp"

namespace ttnn::io::pth {
namespace {

constexpr std::array<DTypeInfo, 10> kTypes = {{
    {DType::Float32, "torch.FloatStorage", "float32", 4},
    {DType::Float64, "torch.DoubleStorage", "float64", 8},
    {DType::Float16, "torch.HalfStorage", "float16", 2},
    {DType::BFloat16, "torch.BFloat16Storage", "bfloat16", 2},
    {DType::Int64, "torch.LongStorage", "int64", 8},
    {DType::Int32, "torch.IntStorage", "int32", 4},
    {DType::Int16, "torch.ShortStorage", "int16", 2},
    {DType::Int8, "torch.CharStorage", "int8", 1},
    {DType::UInt8, "torch.ByteStorage", "uint8", 1},
    {DType::Bool, "torch.BoolStorage", "bool", 1},
}};

float half_to_float(uint16_t bits) {
  const float sign = (bits & 0x8000u) ? -1.0f : 1.0f;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  if (exponent == 0x1f)  // inf or NaN, payload kept as torch does
    return std::bit_cast<float>(((bits & 0x8000u) << 16) | 0x7f800000u | (static_cast<uint32_t>(mantissa) << 13));
  if (exponent == 0) return sign * std::ldexp(static_cast<float>(mantissa), -24);  // subnormal, exact
  return sign * std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
}

}  // namespace

const DTypeInfo* dtype_from_storage_global(std::string_view storage_global) {
  for (const auto& type : kTypes)
    if (type.storage_global == storage_global) return &type;
  return nullptr;
}

float load_as_float(const DTypeInfo& type, const std::byte* bytes, size_t index, bool big_endian) {
  const std::span<const std::byte> raw(bytes + index * type.size, type.size);
  const uint64_t bits = ByteReader::assemble(raw, big_endian);
  switch (type.dtype) {
    case DType::Float32: return std::bit_cast<float>(static_cast<uint32_t>(bits));
    case DType::Float64: return static_cast<float>(std::bit_cast<double>(bits));
    case DType::Float16: return half_to_float(static_cast<uint16_t>(bits));
    case DType::BFloat16: return std::bit_cast<float>(static_cast<uint32_t>(bits << 16));
    case DType::Int64: return static_cast<float>(static_cast<int64_t>(bits));
    case DType::Int32: return static_cast<float>(static_cast<int32_t>(bits));
    case DType::Int16: return static_cast<float>(static_cast<int16_t>(bits));
    case DType::Int8: return static_cast<float>(static_cast<int8_t>(bits));
    case DType::UInt8: return static_cast<float>(static_cast<uint8_t>(bits));
    case DType::Bool: return bits != 0 ? 1.0f : 0.0f;
  }
  return 0.0f;
}

}  // namespace ttnn::io::pth
