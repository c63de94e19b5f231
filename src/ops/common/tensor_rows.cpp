#include "ops/common/tensor_rows.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>

#include "formats/bfloat16.hpp"
#include "formats/block_float.hpp"
#include "formats/tilize.hpp"
#include "kernels/kernels.hpp"

namespace ttnn {
namespace {

using TileValues = std::array<float, TILE_HW>;  // one tile in face order

void unpack_tile(DataType dtype, const std::byte* tile, TileValues& values) {
  switch (dtype) {
    case DataType::FLOAT32: std::memcpy(values.data(), tile, TILE_HW * 4); break;
    case DataType::BFLOAT16: {
      std::array<uint16_t, TILE_HW> bits;
      std::memcpy(bits.data(), tile, TILE_HW * 2);
      formats::bfloat16_to_float(bits, values);
      break;
    }
    case DataType::BFLOAT8_B:
    case DataType::BFLOAT4_B: {
      const auto format = dtype == DataType::BFLOAT8_B ? formats::BlockFloat::bfp8 : formats::BlockFloat::bfp4;
      formats::unpack_tile({reinterpret_cast<const uint8_t*>(tile), formats::tile_bytes(format)}, format, values);
      break;
    }
  }
}

void pack_tile(DataType dtype, const TileValues& values, std::byte* tile) {
  switch (dtype) {
    case DataType::FLOAT32: std::memcpy(tile, values.data(), TILE_HW * 4); break;
    case DataType::BFLOAT16: {
      std::array<uint16_t, TILE_HW> bits;
      formats::float_to_bfloat16(values, bits);
      std::memcpy(tile, bits.data(), TILE_HW * 2);
      break;
    }
    case DataType::BFLOAT8_B:
    case DataType::BFLOAT4_B: {
      const auto format = dtype == DataType::BFLOAT8_B ? formats::BlockFloat::bfp8 : formats::BlockFloat::bfp4;
      formats::pack_tile(values, format, {reinterpret_cast<uint8_t*>(tile), formats::tile_bytes(format)});
      break;
    }
  }
}

// Calls copy(face_index, col, count) for the runs of tile row `row` within columns [col_begin, col_end):
// a tile row is two face rows of 16 contiguous values, so at most two runs.
template <class Copy>
void copy_face_row_runs(size_t row, size_t col_begin, size_t col_end, Copy&& copy) {
  for (size_t half = col_begin / 16; half * 16 < col_end; ++half) {
    const size_t begin = std::max(col_begin, half * 16), end = std::min(col_end, half * 16 + 16);
    copy(formats::face_order_index(row, begin), begin, end - begin);
  }
}

// A contiguous run of float32 or bfloat16 elements (a ROW_MAJOR run, or up to a face row of a tile) to and
// from floats. A fixed-size float32 copy inlines; a variable one is a libc call per 64 bytes.
void load_run(DataType dtype, const std::byte* from, size_t count, float* to, const kernels::KernelTable& table) {
  if (dtype == DataType::FLOAT32) {
    if (count == 16) std::memcpy(to, from, 16 * sizeof(float));
    else std::memcpy(to, from, count * sizeof(float));
    return;
  }
  table.bf16_decode(reinterpret_cast<const uint16_t*>(from), count, to);
}

void store_run(DataType dtype, const float* from, size_t count, std::byte* to, const kernels::KernelTable& table) {
  if (dtype == DataType::FLOAT32) {
    if (count == 16) std::memcpy(to, from, 16 * sizeof(float));
    else std::memcpy(to, from, count * sizeof(float));
    return;
  }
  table.bf16_encode(from, count, reinterpret_cast<uint16_t*>(to));
}

// A run of one face row (up to 16 values of one tile row, contiguous in storage) moved straight between
// a tile and the rows, without a face-order copy of the whole tile. bfloat8_b converts whole blocks: a
// partial run decodes its block, and a partial write re-encodes it with the new values. bfloat4_b (two
// codes a byte) takes the whole-tile path.
void read_run(DataType dtype, const std::byte* tile, size_t index, size_t count, float* out,
              const kernels::KernelTable& table) {
  if (dtype == DataType::FLOAT32 || dtype == DataType::BFLOAT16)
    return load_run(dtype, tile + index * element_size_bytes(dtype), count, out, table);
  const auto* bytes = reinterpret_cast<const uint8_t*>(tile);
  const size_t block = index / 16, offset = index % 16;
  const uint8_t* codes = bytes + formats::kTileExponentBytes + block * 16;
  if (count == 16) return table.bfp8_decode(bytes[block], codes, out);
  float values[16];
  table.bfp8_decode(bytes[block], codes, values);
  std::memcpy(out, values + offset, count * sizeof(float));
}

// `rest_is_padding`: the run starts a block and the block's other values are padding columns (zero).
void write_run(DataType dtype, const float* in, size_t index, size_t count, bool rest_is_padding, std::byte* tile,
               const kernels::KernelTable& table) {
  if (dtype == DataType::FLOAT32 || dtype == DataType::BFLOAT16)
    return store_run(dtype, in, count, tile + index * element_size_bytes(dtype), table);
  auto* bytes = reinterpret_cast<uint8_t*>(tile);
  const size_t block = index / 16, offset = index % 16;
  uint8_t* codes = bytes + formats::kTileExponentBytes + block * 16;
  if (count == 16) {
    bytes[block] = table.bfp8_encode(in, codes);
    return;
  }
  float values[16] = {};
  if (!rest_is_padding) table.bfp8_decode(bytes[block], codes, values);
  std::memcpy(values + offset, in, count * sizeof(float));
  bytes[block] = table.bfp8_encode(values, codes);
}

// A whole tile row of a float32 tile (its face rows start at `left` and left + 256 in face order) to and
// from 32 floats: fixed-size moves, no per-run bookkeeping.
void read_tile_row(const std::byte* tile, size_t left, float* out) {
  std::memcpy(out, tile + left * sizeof(float), 16 * sizeof(float));
  std::memcpy(out + 16, tile + (left + 256) * sizeof(float), 16 * sizeof(float));
}

void write_tile_row(const float* in, size_t left, std::byte* tile) {
  std::memcpy(tile + left * sizeof(float), in, 16 * sizeof(float));
  std::memcpy(tile + (left + 256) * sizeof(float), in + 16, 16 * sizeof(float));
}

// Calls run(byte offset, index into the caller's rows, count) for the runs of rows [row_begin, row_end),
// columns [col_begin, col_end) of a ROW_MAJOR layout that are contiguous both in memory and in the caller's
// rows (row stride `stride`): whole rows of a shard merge into one run (an image's 3 channels: one
// conversion, not one a pixel), else one run per row and shard the row crosses.
template <class Run>
void for_each_row_major_run(const BufferLayout& layout, uint64_t row_begin, uint64_t row_end, uint64_t col_begin,
                            uint64_t col_end, size_t stride, Run&& run) {
  if (col_begin == 0 && col_end == layout.shard_width && stride == col_end) {
    for (uint64_t row = row_begin; row < row_end;) {
      const uint64_t end = std::min(row_end, (row / layout.shard_height + 1) * layout.shard_height);
      run(layout.offset(row, 0), size_t(row - row_begin) * stride, size_t((end - row) * col_end));
      row = end;
    }
    return;
  }
  for (uint64_t row = row_begin; row < row_end; ++row)
    for (uint64_t col = col_begin; col < col_end;) {
      const uint64_t shard_end = std::min(col_end, (col / layout.shard_width + 1) * layout.shard_width);
      run(layout.offset(row, col), size_t(row - row_begin) * stride + size_t(col - col_begin), size_t(shard_end - col));
      col = shard_end;
    }
}

}  // namespace

void read_rows(const BufferLayout& layout, const std::byte* bytes, uint64_t row_begin, uint64_t row_end,
               uint64_t col_begin, uint64_t col_end, float* dst, size_t dst_stride) {
  const kernels::KernelTable& table = kernels::kernel_table();
  if (!layout.tiled) {
    for_each_row_major_run(layout, row_begin, row_end, col_begin, col_end, dst_stride,
                           [&](size_t offset, size_t index, size_t count) {
                             load_run(layout.dtype, bytes + offset, count, dst + index, table);
                           });
    return;
  }
  TileValues tile;
  for (uint64_t band = row_begin / 32 * 32; band < row_end; band += 32) {
    for (uint64_t tile_col = col_begin / 32 * 32; tile_col < col_end; tile_col += 32) {
      const std::byte* source = bytes + layout.offset(band, tile_col);
      const uint64_t r0 = std::max(band, row_begin), r1 = std::min(band + 32, row_end);
      const uint64_t c0 = std::max(tile_col, col_begin), c1 = std::min(tile_col + 32, col_end);
      if (layout.dtype == DataType::FLOAT32 && c0 == tile_col && c1 == tile_col + 32) {  // whole tile rows
        float* out = dst + (r0 - row_begin) * dst_stride + (c0 - col_begin);
        for (uint64_t row = r0; row < r1; ++row, out += dst_stride)
          read_tile_row(source, formats::face_order_index(row - band, 0), out);
        continue;
      }
      if (layout.dtype == DataType::BFLOAT16) {  // the tile's rows in one kernel call
        table.bf16_decode_tile_rows(reinterpret_cast<const uint16_t*>(source), uint32_t(r0 - band), uint32_t(r1 - band),
                                    uint32_t(c0 - tile_col), uint32_t(c1 - tile_col),
                                    dst + (r0 - row_begin) * dst_stride + (c0 - col_begin), dst_stride);
        continue;
      }
      if (layout.dtype == DataType::BFLOAT8_B) {  // the tile's rows in one kernel call
        table.bfp8_decode_tile_rows(reinterpret_cast<const uint8_t*>(source), uint32_t(r0 - band), uint32_t(r1 - band),
                                    uint32_t(c0 - tile_col), uint32_t(c1 - tile_col),
                                    dst + (r0 - row_begin) * dst_stride + (c0 - col_begin), dst_stride);
        continue;
      }
      if (layout.dtype != DataType::BFLOAT4_B) {
        for (uint64_t row = r0; row < r1; ++row)
          copy_face_row_runs(row - band, c0 - tile_col, c1 - tile_col, [&](size_t index, size_t col, size_t count) {
            read_run(layout.dtype, source, index, count, dst + (row - row_begin) * dst_stride + (tile_col + col - col_begin),
                     table);
          });
        continue;
      }
      unpack_tile(layout.dtype, source, tile);
      for (uint64_t row = r0; row < r1; ++row)
        copy_face_row_runs(row - band, c0 - tile_col, c1 - tile_col, [&](size_t face_index, size_t col, size_t count) {
          std::memcpy(dst + (row - row_begin) * dst_stride + (tile_col + col - col_begin), tile.data() + face_index,
                      count * sizeof(float));
        });
    }
  }
}

void write_rows(const BufferLayout& layout, std::byte* bytes, uint64_t row_begin, uint64_t row_end,
                uint64_t col_begin, uint64_t col_end, const float* src, size_t src_stride) {
  const kernels::KernelTable& table = kernels::kernel_table();
  if (!layout.tiled) {
    for_each_row_major_run(layout, row_begin, row_end, col_begin, col_end, src_stride,
                           [&](size_t offset, size_t index, size_t count) {
                             store_run(layout.dtype, src + index, count, bytes + offset, table);
                           });
    return;
  }
  TileValues tile;
  for (uint64_t band = row_begin / 32 * 32; band < row_end; band += 32) {
    for (uint64_t tile_col = col_begin / 32 * 32; tile_col < col_end; tile_col += 32) {
      std::byte* target = bytes + layout.offset(band, tile_col);
      const uint64_t r0 = std::max(band, row_begin), r1 = std::min(band + 32, row_end);
      const uint64_t c0 = std::max(tile_col, col_begin), c1 = std::min(tile_col + 32, col_end);
      // Tile rows whose columns past c1 are padding (a width of 24, say): the rows extended with zeros, as
      // the padding holds, then encoded whole. (A width of 16 keeps the single-block path below: copying
      // its rows would cost more than the encoding saves.)
      if (layout.dtype == DataType::BFLOAT8_B && c0 == tile_col && c1 > tile_col + 16 && c1 < tile_col + 32 &&
          c1 == layout.logical_width) {
        float padded[TILE_HEIGHT * TILE_WIDTH] = {};
        for (uint64_t row = r0; row < r1; ++row)
          std::copy_n(src + (row - row_begin) * src_stride + (tile_col - col_begin), c1 - tile_col,
                      padded + (row - r0) * TILE_WIDTH);
        table.bfp8_encode_tile_rows(padded, TILE_WIDTH, uint32_t(r0 - band), uint32_t(r1 - band),
                                    reinterpret_cast<uint8_t*>(target));
        continue;
      }
      if (layout.dtype == DataType::FLOAT32 && c0 == tile_col && c1 == tile_col + 32) {  // whole tile rows
        const float* in = src + (r0 - row_begin) * src_stride + (tile_col - col_begin);
        for (uint64_t row = r0; row < r1; ++row, in += src_stride)
          write_tile_row(in, formats::face_order_index(row - band, 0), target);
        continue;
      }
      if (layout.dtype == DataType::BFLOAT16) {  // the tile's rows in one kernel call
        table.bf16_encode_tile_rows(src + (r0 - row_begin) * src_stride + (c0 - col_begin), src_stride,
                                    uint32_t(r0 - band), uint32_t(r1 - band), uint32_t(c0 - tile_col),
                                    uint32_t(c1 - tile_col), reinterpret_cast<uint16_t*>(target));
        continue;
      }
      if (layout.dtype == DataType::BFLOAT8_B && c0 == tile_col && c1 == tile_col + 32) {  // whole tile rows
        table.bfp8_encode_tile_rows(src + (r0 - row_begin) * src_stride + (tile_col - col_begin), src_stride,
                                    uint32_t(r0 - band), uint32_t(r1 - band), reinterpret_cast<uint8_t*>(target));
        continue;
      }
      if (layout.dtype != DataType::BFLOAT4_B) {  // face rows are independent: no whole-tile read-back
        for (uint64_t row = r0; row < r1; ++row)
          copy_face_row_runs(row - band, c0 - tile_col, c1 - tile_col, [&](size_t index, size_t col, size_t count) {
            const bool rest_is_padding = index % 16 == 0 && tile_col + col + count == layout.logical_width;
            write_run(layout.dtype, src + (row - row_begin) * src_stride + (tile_col + col - col_begin), index, count,
                      rest_is_padding, target, table);
          });
        continue;
      }
      const bool whole_tile = r0 == band && r1 == band + 32 && c0 == tile_col && c1 == tile_col + 32;
      if (!whole_tile) unpack_tile(layout.dtype, target, tile);
      for (uint64_t row = r0; row < r1; ++row)
        copy_face_row_runs(row - band, c0 - tile_col, c1 - tile_col, [&](size_t face_index, size_t col, size_t count) {
          std::memcpy(tile.data() + face_index, src + (row - row_begin) * src_stride + (tile_col + col - col_begin),
                      count * sizeof(float));
        });
      pack_tile(layout.dtype, tile, target);
    }
  }
}

void zero_rows(const BufferLayout& layout, std::byte* bytes, uint64_t row_begin, uint64_t row_end, uint64_t col_begin,
               uint64_t col_end) {
  const size_t element = layout.dtype == DataType::FLOAT32 ? 4 : 2;
  if (!layout.tiled) {
    for_each_row_major_run(layout, row_begin, row_end, col_begin, col_end, col_end - col_begin,
                           [&](size_t offset, size_t, size_t count) { std::memset(bytes + offset, 0, count * element); });
    return;
  }
  // A block of zeros stores as exponent 0 and zero codes, so zero rows are zero bytes in every dtype: a
  // face's rows are one run of values (and of exponents). A face whose columns are only partly zeroed (its
  // other columns not padding) keeps its other values: a block-float one is written as zeros through
  // write_rows, which re-encodes its blocks; bfloat4_b (two codes a byte) always is.
  const std::array<float, TILE_WIDTH / 2> zeros{};
  for (uint64_t band = row_begin / 32 * 32; band < row_end; band += 32)
    for (uint64_t tile_col = col_begin / 32 * 32; tile_col < col_end; tile_col += 32) {
      std::byte* target = bytes + layout.offset(band, tile_col);
      for (uint64_t face = 0; face < 4; ++face) {
        const uint64_t face_row = band + face / 2 * 16, face_col = tile_col + face % 2 * 16;
        const uint64_t r0 = std::max(face_row, row_begin), r1 = std::min(face_row + 16, row_end);
        const uint64_t c0 = std::max(face_col, col_begin), c1 = std::min(face_col + 16, col_end);
        if (r0 >= r1 || c0 >= c1) continue;
        const bool whole_rows = c0 == face_col && (c1 == face_col + 16 || c1 >= layout.logical_width);
        const size_t first = face * 256 + (r0 - face_row) * 16, rows = r1 - r0;
        if (layout.dtype == DataType::BFLOAT8_B && whole_rows) {
          std::memset(target + first / 16, 0, rows);
          std::memset(target + formats::kTileExponentBytes + first, 0, rows * 16);
        } else if (layout.dtype == DataType::FLOAT32 || layout.dtype == DataType::BFLOAT16) {
          for (uint64_t row = r0; row < r1; ++row)
            std::memset(target + (first + (row - r0) * 16 + (c0 - face_col)) * element, 0, (c1 - c0) * element);
        } else {
          write_rows(layout, bytes, r0, r1, c0, c1, zeros.data(), 0);
        }
      }
    }
}

void logical_to_physical(const TensorSpec& spec, const float* logical, float* physical) {
  const Shape& shape = spec.logical_shape;
  const uint64_t width = shape.width(), rows = shape.rank() >= 2 ? shape[-2] : 1;
  const uint64_t padded_width = spec.physical_width();
  const uint64_t padded_rows = spec.layout == Layout::TILE ? (rows + 31) / 32 * 32 : rows;
  const uint64_t batches = rows ? shape.height() / rows : 0;
  std::fill(physical, physical + spec.physical_height() * padded_width, 0.0f);
  for (uint64_t batch = 0; batch < batches; ++batch)
    for (uint64_t row = 0; row < rows; ++row)
      std::memcpy(physical + (batch * padded_rows + row) * padded_width, logical + (batch * rows + row) * width,
                  width * sizeof(float));
}

void physical_to_logical(const TensorSpec& spec, const float* physical, float* logical) {
  const Shape& shape = spec.logical_shape;
  const uint64_t width = shape.width(), rows = shape.rank() >= 2 ? shape[-2] : 1;
  const uint64_t padded_width = spec.physical_width();
  const uint64_t padded_rows = spec.layout == Layout::TILE ? (rows + 31) / 32 * 32 : rows;
  const uint64_t batches = rows ? shape.height() / rows : 0;
  for (uint64_t batch = 0; batch < batches; ++batch)
    for (uint64_t row = 0; row < rows; ++row)
      std::memcpy(logical + (batch * rows + row) * width, physical + (batch * padded_rows + row) * padded_width,
                  width * sizeof(float));
}

}  // namespace ttnn
