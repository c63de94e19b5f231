// Randomized: zero_rows against write_rows of zeros over random specs (every dtype and layout, interleaved
// and HEIGHT/WIDTH/BLOCK sharded, widths not a multiple of 16 or 32), random ranges and random prior
// contents; and produce_output_blocks (trailing padding rows stored with zero_rows) against producing and
// writing every row of each block, as before.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <random>
#include <sstream>
#include <vector>

#include "ops/common/logical_rows.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ttnn/device.hpp"

namespace ttnn::test {
namespace {

struct RandomSpec {
  TensorSpec spec;
  BufferLayout layout;
  std::string text;
};

uint32_t pick(std::mt19937& rng, uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); }

bool random_spec(std::mt19937& rng, RandomSpec& out) {
  const Layout layout = pick(rng, 0, 2) ? Layout::TILE : Layout::ROW_MAJOR;
  static const DataType dtypes[] = {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B, DataType::BFLOAT4_B};
  const DataType dtype = dtypes[pick(rng, 0, layout == Layout::TILE ? 3 : 1)];
  const uint32_t batches = pick(rng, 1, 3), rows = pick(rng, 1, 70), width = pick(rng, 1, 100);
  TensorSpec spec{Shape{1, batches, rows, width}, dtype, layout, DRAM_MEMORY_CONFIG};
  const uint64_t height = spec.physical_height(), pwidth = spec.physical_width();
  const uint32_t strategy = pick(rng, 0, 3);
  const uint32_t unit = layout == Layout::TILE ? 32 : 1;
  auto shard_dim = [&](uint64_t total) {  // at most 8 shards along it
    const uint64_t min_units = (total / unit + 7) / 8, max_units = total / unit;
    return uint32_t(pick(rng, uint32_t(std::max<uint64_t>(1, min_units)), uint32_t(std::max<uint64_t>(1, max_units))) * unit);
  };
  if (strategy != 0) {
    ShardSpec shard;
    shard.grid = CoreRangeSet(CoreRange({0, 0}, {7, 7}));
    shard.orientation = pick(rng, 0, 1) ? ShardOrientation::ROW_MAJOR : ShardOrientation::COL_MAJOR;
    const auto memory = strategy == 1 ? TensorMemoryLayout::HEIGHT_SHARDED
                        : strategy == 2 ? TensorMemoryLayout::WIDTH_SHARDED
                                        : TensorMemoryLayout::BLOCK_SHARDED;
    shard.shape[0] = memory == TensorMemoryLayout::WIDTH_SHARDED ? uint32_t(height) : shard_dim(height);
    shard.shape[1] = memory == TensorMemoryLayout::HEIGHT_SHARDED ? uint32_t(pwidth) : shard_dim(pwidth);
    if (memory == TensorMemoryLayout::HEIGHT_SHARDED && pick(rng, 0, 1)) shard.shape[0] = pick(rng, 1, 3) * unit;
    spec.memory_config = MemoryConfig{memory, BufferType::L1, shard};
  }
  try {
    out.layout = BufferLayout::of(spec, "test");
  } catch (const std::exception&) {
    return false;
  }
  out.spec = spec;
  std::ostringstream text;
  text << to_string(dtype) << (layout == Layout::TILE ? " TILE " : " ROW_MAJOR ") << "[1," << batches << "," << rows << "," << width << "] "
       << to_string(spec.memory_config.memory_layout);
  if (spec.memory_config.shard_spec)
    text << " shard " << spec.memory_config.shard_spec->shape[0] << "x" << spec.memory_config.shard_spec->shape[1];
  out.text = text.str();
  return true;
}

// Prior contents: 0 zeros, 1 random values written over the logical columns, 2 random bytes.
std::vector<std::byte> prior_bytes(std::mt19937& rng, const BufferLayout& layout, int mode) {
  std::vector<std::byte> bytes(layout.size_bytes);
  if (mode == 2) {
    for (auto& b : bytes) b = std::byte(pick(rng, 0, 255));
  } else if (mode == 1) {
    std::uniform_real_distribution<float> value(-3.0f, 3.0f);
    std::vector<float> values(layout.height * layout.logical_width);
    for (float& v : values) v = value(rng);
    write_rows(layout, bytes.data(), 0, layout.height, 0, layout.logical_width, values.data(), layout.logical_width);
  }
  return bytes;
}

TEST(TensorRowsRandom, ZeroRowsStoresWhatWritingZerosStores) {
  std::mt19937 rng(12345);
  int checked = 0, failures = 0;
  for (int iteration = 0; iteration < 4000 && failures < 30; ++iteration) {
    RandomSpec s;
    if (!random_spec(rng, s)) continue;
    const BufferLayout& layout = s.layout;
    const int mode = int(pick(rng, 0, 2));
    const std::vector<std::byte> original = prior_bytes(rng, layout, mode);
    for (int r = 0; r < 8; ++r) {
      uint64_t row_begin = pick(rng, 0, uint32_t(layout.height - 1)), row_end;
      switch (pick(rng, 0, 2)) {
        case 0: row_end = row_begin + 1; break;                                   // one row
        case 1: row_end = pick(rng, uint32_t(row_begin), uint32_t(layout.height)); break;
        default: row_end = layout.height; break;
      }
      if (row_end == row_begin) ++row_end;  // empty ranges: see EmptyRange below
      const uint64_t col_begin = pick(rng, 0, uint32_t(layout.logical_width - 1));
      const uint64_t col_end = pick(rng, 0, 1) ? layout.logical_width : pick(rng, uint32_t(col_begin + 1), uint32_t(layout.logical_width));
      std::vector<std::byte> expected = original, zeroed = original;
      const std::vector<float> zeros((row_end - row_begin) * (col_end - col_begin), 0.0f);
      write_rows(layout, expected.data(), row_begin, row_end, col_begin, col_end, zeros.data(), col_end - col_begin);
      zero_rows(layout, zeroed.data(), row_begin, row_end, col_begin, col_end);
      ++checked;
      if (zeroed != expected) {
        size_t first = 0;
        while (zeroed[first] == expected[first]) ++first;
        ADD_FAILURE() << s.text << " prior mode " << mode << ": rows " << row_begin << ".." << row_end << ", columns "
                      << col_begin << ".." << col_end << ": first differing byte " << first;
        ++failures;
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

// produce_output_blocks against the former path (every row of a block produced, padding rows zero-filled,
// the whole block written), with blocks as the threads would get them (columns split too).
TEST(TensorRowsRandom, OutputBlocksMatchWritingEveryRow) {
  std::mt19937 rng(777);
  auto device = open_device(0, {});
  int checked = 0, failures = 0;
  for (int iteration = 0; iteration < 1500 && failures < 10; ++iteration) {
    RandomSpec s;
    if (!random_spec(rng, s)) continue;
    OutputPlan plan(s.spec, iteration % 2 ? device.get() : nullptr, "test");
    if (!plan.device && !plan.layout.sharded()) plan.blocks = output_blocks(plan.layout, s.spec.logical_shape.width(), pick(rng, 1, 64), pick(rng, 1, 8));
    const int mode = int(pick(rng, 0, 2));
    const std::vector<std::byte> original = prior_bytes(rng, plan.layout, mode);
    auto value = [](uint64_t row, uint64_t col) { return float((row * 131 + col * 7) % 97) * 0.25f - 10.0f; };
    std::vector<std::byte> expected = original, actual = original;
    for (const OutputBlock& block : plan.blocks) {
      const uint64_t width = block.col_end - block.col_begin;
      std::vector<float> values((block.row_end - block.row_begin) * width);
      for (uint64_t row = block.row_begin; row < block.row_end; ++row)
        for (uint64_t col = block.col_begin; col < block.col_end; ++col)
          values[(row - block.row_begin) * width + col - block.col_begin] = plan.map.is_padding(row) ? 0.0f : value(row, col);
      write_rows(plan.layout, expected.data(), block.row_begin, block.row_end, block.col_begin, block.col_end,
                 values.data(), width);
    }
    std::atomic<bool> asked_padding_end{false};
    produce_output_blocks(plan, actual.data(), [&](uint64_t row_begin, uint64_t row_end, uint64_t col_begin, uint64_t col_end, float* out) {
      if (plan.map.is_padding(row_end - 1)) asked_padding_end = true;
      for (uint64_t row = row_begin; row < row_end; ++row)
        for (uint64_t col = col_begin; col < col_end; ++col)
          out[(row - row_begin) * (col_end - col_begin) + col - col_begin] = plan.map.is_padding(row) ? 1e3f : value(row, col);
    });
    ++checked;
    EXPECT_FALSE(asked_padding_end) << s.text;
    if (actual != expected) {
      size_t first = 0;
      while (actual[first] == expected[first]) ++first;
      ADD_FAILURE() << s.text << " prior mode " << mode << ", " << plan.blocks.size() << " blocks: first differing byte " << first;
      ++failures;
    }
  }
  EXPECT_GT(checked, 500);
}

}  // namespace
}  // namespace ttnn::test
