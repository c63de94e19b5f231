// concat against PyTorch at every dtype and placement, the seed's sharded ROW_MAJOR pattern, and errors.
#include <gtest/gtest.h>

#include "ops/other_ops_support.hpp"
#include "ttnn/operations/data_movement.hpp"

namespace ttnn::test {
namespace {

TEST(ConcatOracle, MatchesTorch) {
  expect_matches_oracle(
      "concat", "output", {kFloat32, kBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) {
        std::vector<Tensor> inputs;
        const int count = c.params["num_inputs"];
        for (int i = 0; i < count; ++i)
          inputs.push_back(placer.place(c.floats("input_" + std::to_string(i)), shape_of(c.params["shapes"][i])));
        // Negative dims address the same dimension: the three-input cases use them.
        const int dim = c.params["dim"].get<int>() - (count == 3 ? 4 : 0);
        const Tensor out = concat(inputs, dim);
        EXPECT_FALSE(out.is_sharded());
        EXPECT_EQ(out.layout(), inputs[0].layout());
        EXPECT_EQ(out.dtype(), inputs[0].dtype());
        return out;
      },
      [](const OracleCase& c) { return shape_of(c.params["output_shape"]); });
}

// The seed's section 3.1: two HEIGHT-sharded conv outputs made ROW_MAJOR, concatenated on channels straight
// into a HEIGHT-sharded [512, 128] config on the inputs' grid.
TEST(Concat, SeedPatternHeightShardedRowMajorOnChannels) {
  auto device = open_device(0);
  const uint32_t rows = 2048, channels = 64;
  std::vector<float> left(rows * channels), right(rows * channels);
  for (size_t i = 0; i < left.size(); ++i) {
    left[i] = float(i % 251) * 0.25f - 30.0f;
    right[i] = float(i % 199) * -0.5f + 40.0f;
  }
  const Shape shape{1, 1, rows, channels};
  const MemoryConfig input_config = create_sharded_memory_config(shape, CoreGrid{1, 4}, ShardStrategy::HEIGHT,
                                                                 ShardOrientation::ROW_MAJOR, false, true);
  Tensor output_tensor = from_host(left, shape, DataType::BFLOAT16, Layout::TILE, device.get(), input_config);
  Tensor output_tensor_left = from_host(right, shape, DataType::BFLOAT16, Layout::TILE, device.get(), input_config);
  output_tensor = to_layout(output_tensor, Layout::ROW_MAJOR);
  output_tensor_left = to_layout(output_tensor_left, Layout::ROW_MAJOR);
  ASSERT_TRUE(output_tensor_left.is_sharded());
  const MemoryConfig output_sharded_memory_config =
      create_sharded_memory_config(Shape{512, 128}, output_tensor_left.memory_config().shard_spec->grid,
                                   ShardStrategy::HEIGHT, ShardOrientation::ROW_MAJOR, true);
  const Tensor out = concat({output_tensor, output_tensor_left}, 3, output_sharded_memory_config);

  EXPECT_EQ(out.logical_shape(), (Shape{1, 1, rows, 2 * channels}));
  EXPECT_EQ(out.layout(), Layout::ROW_MAJOR);
  EXPECT_EQ(out.memory_config(), output_sharded_memory_config);
  const auto values = to_host(out);
  for (uint32_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < 2 * channels; ++c) {
      const float expected = c < channels ? left[r * channels + c] : right[r * channels + c - channels];
      ASSERT_EQ(values[size_t(r) * 2 * channels + c], expected) << r << "," << c;  // all exact in bfloat16
    }
  // The same values as the functional code's interleaved path.
  const Tensor functional = concat({sharded_to_interleaved(output_tensor, L1_MEMORY_CONFIG),
                                    sharded_to_interleaved(output_tensor_left, L1_MEMORY_CONFIG)},
                                   3, L1_MEMORY_CONFIG);
  EXPECT_EQ(to_host(functional), values);
}

TEST(Concat, ShardedInputsGiveInterleavedOutputByDefaultAndHostWorks) {
  auto device = open_device(0);
  const std::vector<float> a{1, 2, 3, 4, 5, 6}, b{7, 8};
  const Tensor sharded = from_host(a, Shape{3, 2}, DataType::FLOAT32, Layout::ROW_MAJOR, device.get(),
                                   height_sharded(Shape{3, 2}, Layout::ROW_MAJOR));
  const Tensor other =
      from_host(b, Shape{1, 2}, DataType::FLOAT32, Layout::ROW_MAJOR, device.get(), DRAM_MEMORY_CONFIG);
  const Tensor out = concat({sharded, other}, -2);
  EXPECT_EQ(out.memory_config(), L1_MEMORY_CONFIG);
  EXPECT_EQ(to_host(out), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  const Tensor host = concat({from_host(a, Shape{2, 3}), from_host(b, Shape{2, 1})}, 1);
  EXPECT_EQ(host.storage_type(), StorageType::HOST);
  EXPECT_EQ(to_host(host), (std::vector<float>{1, 2, 3, 7, 4, 5, 6, 8}));
  EXPECT_EQ(to_host(concat({from_host(b, Shape{2})}, 0)), b);
}

TEST(Concat, IntoWidthShardedOutputAcrossShardColumns) {
  auto device = open_device(0);
  std::vector<float> a(40 * 50), b(40 * 30);
  for (size_t i = 0; i < a.size(); ++i) a[i] = float(i);
  for (size_t i = 0; i < b.size(); ++i) b[i] = -float(i);
  const Shape out_shape{1, 40, 80};
  const MemoryConfig width = create_sharded_memory_config(out_shape, CoreGrid{1, 3}, ShardStrategy::WIDTH,
                                                          ShardOrientation::ROW_MAJOR, false, true);
  const Tensor out = concat({from_host(a, Shape{1, 40, 50}, DataType::FLOAT32, Layout::TILE, device.get()),
                             from_host(b, Shape{1, 40, 30}, DataType::FLOAT32, Layout::TILE, device.get())},
                            -1, width);
  EXPECT_EQ(out.memory_config(), width);
  const auto values = to_host(out);
  for (uint32_t r = 0; r < 40; ++r)
    for (uint32_t c = 0; c < 80; ++c)
      ASSERT_EQ(values[r * 80 + c], c < 50 ? a[r * 50 + c] : b[r * 30 + c - 50]) << r << "," << c;
}

TEST(Concat, ErrorsNameTheOpTheValueAndTheRule) {
  auto device = open_device(0);
  const std::vector<float> values(24, 1.0f);
  const Tensor a = from_host(values, Shape{2, 3, 4});
  const Tensor b = from_host(std::span(values).first(12), Shape{2, 3, 2});
  expect_invalid([] { concat(std::span<const Tensor>(), 0); }, {"concat:", "at least one"});
  expect_invalid([&] { concat({a, b}, 3); }, {"concat:", "dim 3", "rank 3"});
  expect_invalid([&] { concat({a, b}, -4); }, {"concat:", "dim -4"});
  expect_invalid([&] { concat({a, b}, 1); }, {"concat:", "input 1", "[2, 3, 2]", "dim 2", "only dim 1"});
  expect_invalid([&] { concat({a, from_host(std::span(values).first(12), Shape{6, 2})}, 0); }, {"concat:", "rank 2"});
  expect_invalid(
      [&] {
        concat({a, from_host(values, Shape{2, 3, 4}, DataType::BFLOAT16)}, 2);
      },
      {"concat:", "bfloat16", "float32", "dtypes"});
  expect_invalid(
      [&] {
        concat({a, from_host(values, Shape{2, 3, 4}, DataType::FLOAT32, Layout::TILE)}, 2);
      },
      {"concat:", "TILE", "layouts"});
  expect_invalid(
      [&] {
        concat({a, from_host(values, Shape{2, 3, 4}, DataType::FLOAT32, Layout::ROW_MAJOR, device.get())}, 2);
      },
      {"concat:", "the host", "device 0"});
  expect_invalid([&] { concat({a, Tensor()}, 2); }, {"concat:", "input 1", "empty"});
}

}  // namespace
}  // namespace ttnn::test
