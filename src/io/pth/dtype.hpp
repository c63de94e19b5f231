// The element types torch storages hold, and their conversion to float32.
#pragma once

#include <cstddef>
#include <string_view>

namespace ttnn::io::pth {

enum class DType { Float32, Float64, Float16, BFloat16, Int64, Int32, Int16, Int8, UInt8, Bool };

struct DTypeInfo {
  DType dtype;
  std::string_view storage_global;  // "torch.FloatStorage"
  std::string_view name;            // "float32"
  size_t size;                      // bytes per element
};

// nullptr when `storage_global` is not a storage type this reader supports.
const DTypeInfo* dtype_from_storage_global(std::string_view storage_global);

// Element `index` of `bytes` (stored in the given byte order) as float32: floats round to nearest,
// integers convert as torch's .float() does, bool is 0 or 1. The caller checks bounds.
float load_as_float(const DTypeInfo& type, const std::byte* bytes, size_t index, bool big_endian);

}  // namespace ttnn::io::pth
