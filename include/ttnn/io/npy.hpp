// NumPy .npy files (format versions 1.0, 2.0 and 3.0), as the test oracle and the tools exchange them.
// Reads the little-endian dtypes '<f4' '<f8' '<i8' '<i4' '<u1'/'|u1' '|b1' in C order; writes float32.
// The header is parsed by a small reader of the Python dict literal NumPy writes; nothing is evaluated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace ttnn::io {

enum class NpyDType { Float32, Float64, Int64, Int32, UInt8, Bool };

// The NumPy descr this library writes for the type ("<f4", "<f8", "<i8", "<i4", "|u1", "|b1").
std::string_view to_string(NpyDType dtype);
// Bytes per element.
size_t npy_dtype_size(NpyDType dtype);

struct NpyArray {
  std::vector<uint64_t> shape;  // empty for a 0-d array (one element)
  NpyDType dtype = NpyDType::Float32;
  std::vector<std::byte> bytes;  // C order, little-endian, element_count() * npy_dtype_size(dtype)

  uint64_t element_count() const;
  // Every element converted to float32 (float64 and int64 round to nearest; bool is 0 or 1).
  std::vector<float> to_float32() const;
  // Every element converted to int64 (floats truncate toward zero; throws InvalidArgument for a
  // float that is NaN or out of int64 range).
  std::vector<int64_t> to_int64() const;
};

// Reads a .npy file. Throws FormatError (naming the file, the problem and the byte offset) when the
// file is malformed or uses an unsupported dtype or Fortran order; InvalidArgument when it cannot be
// read.
NpyArray read_npy(const std::filesystem::path& path);

// The same from bytes in memory; `what` names the source in error messages.
NpyArray parse_npy(std::span<const std::byte> file_bytes, std::string_view what);

// Writes `values` as a '<f4' C-order array of `shape` (format 1.0, or 2.0 when the header needs it).
// The data goes to a temporary file in the same directory that is renamed over `path` once complete,
// so `path` never holds a partial file. Throws InvalidArgument when the shape's element count differs
// from values.size() or when the file cannot be written.
void write_npy(const std::filesystem::path& path, std::span<const float> values,
               std::span<const uint64_t> shape);

}  // namespace ttnn::io
