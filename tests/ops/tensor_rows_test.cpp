// zero_rows against write_rows of zeros (every dtype and layout, ranges that cover whole faces, part of one,
// and columns up to a logical width inside a block), and the padding rows an output block leaves: zeros
// whatever the buffer held before.
#include "ops/common/tensor_rows.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ops/common/logical_rows.hpp"
#include "ttnn/device.hpp"

namespace ttnn::test {
namespace {

struct Range {
  uint64_t row_begin, row_end, col_begin, col_end;
};

std::vector<std::byte> random_rows(const BufferLayout& layout, uint64_t rows, uint64_t cols) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  std::vector<float> values(rows * cols);
  for (float& v : values) v = value(rng);
  std::vector<std::byte> bytes(layout.size_bytes);
  write_rows(layout, bytes.data(), 0, rows, 0, cols, values.data(), cols);
  return bytes;
}

TEST(TensorRows, ZeroRowsStoresWhatWritingZerosStores) {
  for (const Layout tensor_layout : {Layout::TILE, Layout::ROW_MAJOR})
    for (const DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B, DataType::BFLOAT4_B}) {
      if (tensor_layout == Layout::ROW_MAJOR && (dtype == DataType::BFLOAT8_B || dtype == DataType::BFLOAT4_B)) continue;
      for (const uint32_t cols : {64u, 56u, 40u}) {
        constexpr uint32_t kRows = 64;
        const TensorSpec spec{Shape{1, 1, kRows, cols}, dtype, tensor_layout, DRAM_MEMORY_CONFIG};
        const BufferLayout layout = BufferLayout::of(spec, "test");
        const std::vector<std::byte> original = random_rows(layout, kRows, cols);
        const Range ranges[] = {{0, kRows, 0, cols},      {1, 32, 0, cols},  {33, 48, 32, cols}, {5, 21, 8, 24},
                                {40, 41, 16, 32},         {17, 63, 48, cols}, {0, 16, 0, 16}};
        for (const Range& r : ranges) {
          if (r.col_end > cols || r.col_begin >= r.col_end) continue;
          std::vector<std::byte> expected = original, zeroed = original;
          const std::vector<float> zeros((r.row_end - r.row_begin) * (r.col_end - r.col_begin), 0.0f);
          write_rows(layout, expected.data(), r.row_begin, r.row_end, r.col_begin, r.col_end, zeros.data(),
                     r.col_end - r.col_begin);
          zero_rows(layout, zeroed.data(), r.row_begin, r.row_end, r.col_begin, r.col_end);
          EXPECT_EQ(zeroed, expected) << to_string(dtype) << (tensor_layout == Layout::TILE ? " tiles" : " rows")
                                      << ", " << cols << " columns, rows " << r.row_begin << ".." << r.row_end
                                      << ", columns " << r.col_begin << ".." << r.col_end;
        }
      }
    }
}

// A pooled image fills one of a tile's 32 rows: the 31 padding rows are stored as zeros (not asked of the
// producer) over whatever the buffer held.
TEST(TensorRows, OutputBlocksStoreTheirTrailingPaddingRowsAsZeros) {
  auto device = open_device(0, {});
  for (const DataType dtype : {DataType::BFLOAT8_B, DataType::BFLOAT16, DataType::FLOAT32}) {
    const TensorSpec spec{Shape{1, 1, 3, 1280}, dtype, Layout::TILE, L1_MEMORY_CONFIG};
    const OutputPlan plan(spec, device.get(), "test");
    std::vector<std::byte> bytes(plan.layout.size_bytes, std::byte{0x5A});
    std::atomic<uint64_t> produced_rows{0};
    produce_output_blocks(plan, bytes.data(), [&](uint64_t row_begin, uint64_t row_end, uint64_t col_begin,
                                                  uint64_t col_end, float* out) {
      produced_rows += (row_end - row_begin) * (col_end - col_begin);
      for (uint64_t row = row_begin; row < row_end; ++row)
        for (uint64_t col = col_begin; col < col_end; ++col) out[(row - row_begin) * (col_end - col_begin) + (col - col_begin)] = float(row + 1);
    });
    EXPECT_EQ(produced_rows.load(), 3u * 1280) << to_string(dtype) << ": padding rows were produced";
    std::vector<float> rows(32 * 1280);
    read_rows(plan.layout, bytes.data(), 0, 32, 0, 1280, rows.data(), 1280);
    for (uint64_t row = 0; row < 32; ++row)
      for (uint64_t col = 0; col < 1280; col += 97)
        ASSERT_EQ(rows[row * 1280 + col], row < 3 ? float(row + 1) : 0.0f) << to_string(dtype) << " row " << row;
  }
}

}  // namespace
}  // namespace ttnn::test
