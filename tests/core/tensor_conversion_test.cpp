// Every layout and memory-config conversion keeps the values: exactly for float32, and for the other
// dtypes equal to one quantisation of the input (converting again must not quantise again).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "formats/bfloat16.hpp"
#include "formats/block_float.hpp"
#include "core/tensor_allocation.hpp"
#include "formats/tilize.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn {
namespace {

std::vector<float> random_values(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  // Mixed magnitudes so block-float rows actually lose bits.
  for (size_t i = 0; i < count; ++i) values[i] = normal(rng) * std::ldexp(1.0f, int(i % 11) - 5);
  return values;
}

// What storing `values` (logical shape [.., rows, cols]) in `dtype` does to them, computed from the
// format functions directly: block-float rows are 16 consecutive values of one tensor row.
std::vector<float> quantised(const std::vector<float>& values, const Shape& shape, DataType dtype) {
  std::vector<float> out = values;
  if (dtype == bfloat16) {
    for (float& v : out) v = formats::round_to_bfloat16(v);
  } else if (is_block_float(dtype)) {
    const auto format = dtype == bfloat8_b ? formats::BlockFloat::bfp8 : formats::BlockFloat::bfp4;
    const size_t width = shape.width();
    for (size_t row = 0; row < out.size() / width; ++row) {
      for (size_t col = 0; col < width; col += 16) {
        std::array<float, 16> block{};
        const size_t n = std::min<size_t>(16, width - col);
        std::copy_n(out.begin() + long(row * width + col), n, block.begin());
        formats::round_block(block, format);
        std::copy_n(block.begin(), n, out.begin() + long(row * width + col));
      }
    }
  }
  return out;
}

struct Placement {
  const char* name;
  MemoryConfig config;
};

std::vector<Placement> placements(const Shape& shape, bool tile) {
  std::vector<Placement> all{{"DRAM", DRAM_MEMORY_CONFIG}, {"L1", L1_MEMORY_CONFIG}};
  for (auto orientation : {ShardOrientation::ROW_MAJOR, ShardOrientation::COL_MAJOR}) {
    all.push_back({"HEIGHT", create_sharded_memory_config(shape, CoreGrid{2, 3}, ShardStrategy::HEIGHT, orientation, false, tile)});
    all.push_back({"WIDTH", create_sharded_memory_config(shape, CoreGrid{1, 2}, ShardStrategy::WIDTH, orientation, false, tile)});
    all.push_back({"BLOCK", create_sharded_memory_config(shape, CoreGrid{2, 2}, ShardStrategy::BLOCK, orientation, false, tile)});
  }
  return all;
}

TEST(TensorConversion, EveryDtypeLayoutAndMemoryConfigRoundTrips) {
  auto device = open_device(0);
  for (const Shape& shape : {Shape{1, 1, 100, 70}, Shape{2, 3, 33, 47}, Shape{1, 1, 64, 64}}) {
    const auto values = random_values(shape.volume(), 7);
    for (auto dtype : {float32, bfloat16, bfloat8_b, bfloat4_b}) {
      const auto expected = quantised(values, shape, dtype);
      for (auto layout : {Layout::ROW_MAJOR, Layout::TILE}) {
        if (is_block_float(dtype) && layout == Layout::ROW_MAJOR) continue;
        const Tensor host = from_host(values, shape, dtype, layout);
        ASSERT_EQ(to_host(host), expected) << to_string(dtype) << " " << to_string(layout) << " " << to_string(shape);
        for (const auto& placement : placements(shape, layout == Layout::TILE)) {
          const std::string where = std::string(to_string(dtype)) + " " + std::string(to_string(layout)) + " " +
                                    placement.name + " " + to_string(shape);
          const Tensor on_device = to_device(host, *device, placement.config);
          EXPECT_EQ(to_host(on_device), expected) << where;
          // Move to every other placement and back to the host.
          for (const auto& other : placements(shape, layout == Layout::TILE)) {
            EXPECT_EQ(to_host(to_memory_config(on_device, other.config)), expected) << where << " -> " << other.name;
          }
          EXPECT_EQ(to_host(from_device(on_device)), expected) << where;
        }
      }
    }
  }
}

TEST(TensorConversion, BlockFloatCannotLeaveTileLayout) {
  const std::vector<float> values(32 * 32, 1.5f);
  const Tensor tensor = from_host(values, Shape{32, 32}, bfloat8_b, Layout::TILE);
  try {
    to_layout(tensor, Layout::ROW_MAJOR);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    EXPECT_STREQ(error.what(), "to_layout: bfloat8_b requires TILE layout, got ROW_MAJOR");
  }
  EXPECT_THROW(from_host(values, Shape{32, 32}, bfloat4_b, Layout::ROW_MAJOR), InvalidArgument);
  EXPECT_EQ(to_host(to_layout(tensor, Layout::ROW_MAJOR, bfloat16)), values);
}

TEST(TensorConversion, FromHostValidatesItsArguments) {
  const std::vector<float> values(10, 0.0f);
  EXPECT_THROW(from_host(values, Shape{3, 3}), InvalidArgument);
  EXPECT_THROW(from_host({}, Shape{0, 3}), InvalidArgument);
  auto device = open_device(0);
  const Tensor on_device = from_host(values, Shape{2, 5}, float32, Layout::ROW_MAJOR, device.get());
  EXPECT_THROW(to_device(on_device, *device), InvalidArgument);
  EXPECT_THROW(from_device(from_host(values, Shape{2, 5})), InvalidArgument);
  EXPECT_THROW(sharded_to_interleaved(on_device), InvalidArgument);
  EXPECT_THROW(interleaved_to_sharded(on_device, L1_MEMORY_CONFIG), InvalidArgument);
}

// A host view reads the caller's values in place (no copy) and refuses a shape they do not fill.
TEST(TensorConversion, HostViewSharesTheValuesAndChecksTheShape) {
  std::vector<float> values = {1, 2, 3, 4, 5, 6};
  const Tensor view = host_view(values, Shape{2, 3});
  EXPECT_EQ(reinterpret_cast<const float*>(view.bytes("test")), values.data());
  EXPECT_EQ(to_host(view), values);
  EXPECT_THROW(host_view(values, Shape{2, 2}), InvalidArgument);
}

TEST(TensorConversion, ReshapeSharesTheBufferWhenTheViewIsUnchanged) {
  const auto values = random_values(4 * 6 * 64, 3);
  const Tensor tensor = from_host(values, Shape{1, 1, 24, 64}, bfloat16, Layout::TILE);
  const Tensor flat = reshape(tensor, Shape{24, 64});
  EXPECT_EQ(flat.buffer(), tensor.buffer());
  const Tensor regrouped = reshape(tensor, Shape{4, 6, 64});
  EXPECT_NE(regrouped.buffer(), tensor.buffer());  // 6-row slices pad differently in tiles
  EXPECT_EQ(to_host(regrouped), to_host(tensor));
  EXPECT_THROW(reshape(tensor, Shape{25, 64}), InvalidArgument);
}

TEST(TensorConversion, NchwToNhwcMatchesPermute) {
  const Shape shape{2, 3, 4, 5};
  const auto values = random_values(shape.volume(), 9);
  EXPECT_EQ(nchw_to_nhwc(values, 2, 3, 4, 5), to_host(permute(from_host(values, shape), {0, 2, 3, 1})));
  EXPECT_THROW(nchw_to_nhwc(values, 2, 3, 4, 4), InvalidArgument);
}

TEST(TensorConversion, PermuteMatchesIndexArithmetic) {
  const Shape shape{2, 3, 4, 5};
  std::vector<float> values(shape.volume());
  for (size_t i = 0; i < values.size(); ++i) values[i] = float(i);
  const Tensor tensor = from_host(values, shape, float32, Layout::TILE);
  const Tensor nhwc = permute(tensor, {0, 2, 3, 1});
  EXPECT_EQ(nhwc.shape(), (Shape{2, 4, 5, 3}));
  const auto out = to_host(nhwc);
  for (uint32_t n = 0; n < 2; ++n)
    for (uint32_t c = 0; c < 3; ++c)
      for (uint32_t h = 0; h < 4; ++h)
        for (uint32_t w = 0; w < 5; ++w)
          ASSERT_EQ(out[((n * 4 + h) * 5 + w) * 3 + c], values[((n * 3 + c) * 4 + h) * 5 + w]);
  EXPECT_THROW(permute(tensor, {0, 1, 1, 2}), InvalidArgument);
  EXPECT_THROW(permute(tensor, {0, 1, 2}), InvalidArgument);
}

}  // namespace
}  // namespace ttnn
