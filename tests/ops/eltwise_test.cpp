// relu, relu6 and add against PyTorch at every dtype and placement; mixed operand configs; errors.
#include "ttnn/operations/eltwise.hpp"

#include <gtest/gtest.h>

#include "ops/other_ops_support.hpp"

namespace ttnn::test {
namespace {

Shape case_shape(const OracleCase& oracle) { return shape_of(oracle.params["shape"]); }

TEST(ReluOracle, MatchesTorch) {
  expect_matches_oracle(
      "relu", "output", {kFloat32, kBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) { return relu(placer.place(c.floats("input"), case_shape(c))); },
      case_shape);
}

TEST(Relu6Oracle, MatchesTorch) {
  expect_matches_oracle(
      "relu6", "output", {kFloat32, kBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) { return relu6(placer.place(c.floats("input"), case_shape(c))); },
      case_shape);
}

TEST(AddOracle, MatchesTorch) {
  expect_matches_oracle(
      "add", "output", {kFloat32, kBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) {
        const Shape shape = case_shape(c);
        const std::string activation =
            c.params["activation"].is_null() ? "" : c.params["activation"].get<std::string>();
        return add(placer.place(c.floats("input_a"), shape), placer.place(c.floats("input_b"), shape), std::nullopt,
                   std::nullopt, activation);
      },
      case_shape);
}

TEST(Relu, KeepsDtypeLayoutAndMemoryConfigAndClampsExactly) {
  auto device = open_device(0);
  const std::vector<float> values{-2.5f, -0.0f, 0.0f, 3.0f, 6.0f, 7.25f, NAN, -INFINITY};
  const Shape shape{2, 4};
  const Tensor input =
      from_host(values, shape, DataType::BFLOAT16, Layout::TILE, device.get(), height_sharded(shape, Layout::TILE));
  const Tensor out = relu6(input);
  EXPECT_EQ(out.spec(), input.spec());
  const auto result = to_host(out);
  const std::vector<float> expected{0, 0, 0, 3, 6, 6};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(result[i], expected[i]) << i;
  EXPECT_TRUE(std::isnan(result[6]));
  EXPECT_EQ(result[7], 0.0f);
  const Tensor interleaved = relu(input, L1_MEMORY_CONFIG);
  EXPECT_EQ(interleaved.memory_config(), L1_MEMORY_CONFIG);
  EXPECT_EQ(to_host(interleaved)[5], 7.25f);
}

// Without an activation the sum passes as it is: NaN, infinities and -0 (-0 + -0) included.
TEST(Add, WithoutActivationPassesNaNInfinityAndMinusZero) {
  auto device = open_device(0);
  const std::vector<float> a{-0.0f, NAN, INFINITY, -INFINITY, 3e38f, 2.5f}, b{-0.0f, 1.0f, 1.0f, -1.0f, 3e38f, -7.0f};
  const Shape shape{1, 6};
  const auto result = to_host(add(from_host(a, shape, DataType::FLOAT32, Layout::ROW_MAJOR, device.get()),
                                  from_host(b, shape, DataType::FLOAT32, Layout::ROW_MAJOR, device.get())));
  ASSERT_EQ(result.size(), a.size());
  EXPECT_TRUE(result[0] == 0.0f && std::signbit(result[0]));
  EXPECT_TRUE(std::isnan(result[1]));
  EXPECT_EQ(result[2], INFINITY);
  EXPECT_EQ(result[3], -INFINITY);
  EXPECT_EQ(result[4], INFINITY);  // the sum overflows; no clamp brings it back
  EXPECT_EQ(result[5], -4.5f);
}

TEST(Add, OperandsInDifferentConfigsGiveTheSameValues) {
  auto device = open_device(0);
  const auto cases = oracle_cases("add");
  const auto& c = cases[2];  // [1, 1, 3136, 24]
  ASSERT_EQ(case_shape(c), (Shape{1, 1, 3136, 24}));
  const Shape shape = case_shape(c);
  const auto a_values = c.floats("input_a"), b_values = c.floats("input_b");
  const Tensor a_interleaved =
      from_host(a_values, shape, DataType::BFLOAT16, Layout::TILE, device.get(), L1_MEMORY_CONFIG);
  const Tensor b_interleaved =
      from_host(b_values, shape, DataType::BFLOAT16, Layout::TILE, device.get(), L1_MEMORY_CONFIG);
  const auto reference = to_host(add(a_interleaved, b_interleaved));

  const MemoryConfig a_sharded = create_sharded_memory_config(shape, CoreGrid{8, 8}, ShardStrategy::HEIGHT,
                                                              ShardOrientation::ROW_MAJOR, false, true);
  const MemoryConfig b_sharded = create_sharded_memory_config(shape, CoreGrid{2, 4}, ShardStrategy::HEIGHT,
                                                              ShardOrientation::COL_MAJOR, false, true);
  const Tensor a = to_memory_config(a_interleaved, a_sharded);
  const Tensor b = to_memory_config(b_interleaved, b_sharded);
  // Sharded + interleaved, interleaved + sharded, two shard specs: the output takes a's config.
  const Tensor mixed = add(a, b_interleaved);
  EXPECT_EQ(mixed.memory_config(), a_sharded);
  EXPECT_EQ(to_host(mixed), reference);
  const Tensor mixed_other = add(a_interleaved, b);
  EXPECT_EQ(mixed_other.memory_config(), L1_MEMORY_CONFIG);
  EXPECT_EQ(to_host(mixed_other), reference);
  EXPECT_EQ(to_host(add(a, b)), reference);
  // An output config given: both operands are brought to it.
  const Tensor given = add(a, b, b_sharded);
  EXPECT_EQ(given.memory_config(), b_sharded);
  EXPECT_EQ(to_host(given), reference);
  // A ROW_MAJOR float32 second operand, a bfloat8_b output.
  const Tensor b_row_major = from_host(b_values, shape, DataType::FLOAT32, Layout::ROW_MAJOR, device.get());
  const Tensor low = add(a, b_row_major, std::nullopt, DataType::BFLOAT8_B, "relu6");
  EXPECT_EQ(low.dtype(), DataType::BFLOAT8_B);
  const auto low_values = to_host(low);
  EXPECT_GT(pcc(low_values, to_host(relu6(add(a_interleaved, b_interleaved)))), 0.999);
  EXPECT_NE(low_values, to_host(relu6(add(a_interleaved, b_interleaved))));  // bfloat8_b was applied
}

TEST(Eltwise, WidthAndBlockShardedConfigsGiveTheSameValues) {
  auto device = open_device(0);
  const Shape shape{1, 1, 64, 90};
  std::vector<float> a(shape.volume()), b(shape.volume());
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = float(int(i % 37) - 18) * 0.375f;
    b[i] = float(int(i % 23) - 11) * 0.5f;
  }
  const MemoryConfig width = create_sharded_memory_config(shape, CoreGrid{1, 3}, ShardStrategy::WIDTH,
                                                          ShardOrientation::ROW_MAJOR, false, true);
  const MemoryConfig block = create_sharded_memory_config(shape, CoreGrid{2, 3}, ShardStrategy::BLOCK,
                                                          ShardOrientation::ROW_MAJOR, false, true);
  const Tensor a_width = from_host(a, shape, DataType::FLOAT32, Layout::TILE, device.get(), width);
  const Tensor b_block = from_host(b, shape, DataType::FLOAT32, Layout::TILE, device.get(), block);
  std::vector<float> expected(a.size());
  for (size_t i = 0; i < a.size(); ++i) expected[i] = std::max(a[i] + b[i], 0.0f);
  const Tensor into_block = add(a_width, b_block, block, std::nullopt, "relu");
  EXPECT_EQ(into_block.memory_config(), block);
  EXPECT_EQ(to_host(into_block), expected);
  EXPECT_EQ(to_host(add(a_width, b_block, std::nullopt, std::nullopt, "relu")), expected);
  EXPECT_EQ(to_host(relu(add(b_block, a_width), width)), expected);
}

TEST(Add, WorksOnHostTensors) {
  const std::vector<float> a{1, 2, 3}, b{10, 20, 30};
  const Tensor out = add(from_host(a, Shape{3}), from_host(b, Shape{3}));
  EXPECT_EQ(out.storage_type(), StorageType::HOST);
  EXPECT_EQ(to_host(out), (std::vector<float>{11, 22, 33}));
}

TEST(Eltwise, ErrorsNameTheOpTheValueAndTheRule) {
  auto device = open_device(0);
  const std::vector<float> values(64, 1.0f);
  const Tensor a = from_host(values, Shape{8, 8}, DataType::FLOAT32, Layout::TILE, device.get());
  const Tensor b = from_host(std::span(values).first(32), Shape{4, 8}, DataType::FLOAT32, Layout::TILE, device.get());
  expect_invalid([&] { add(a, b); }, {"add:", "[8, 8]", "[4, 8]", "must match"});
  expect_invalid([&] { add(a, a, std::nullopt, std::nullopt, "tanh"); }, {"add:", "'tanh'", "relu6"});
  const Tensor row_major = from_host(values, Shape{8, 8}, DataType::FLOAT32, Layout::ROW_MAJOR, device.get());
  expect_invalid([&] { add(row_major, a, std::nullopt, DataType::BFLOAT8_B); }, {"add:", "bfloat8_b", "TILE"});
  const Tensor host = from_host(values, Shape{8, 8});
  expect_invalid([&] { add(a, host); }, {"add:", "device 0", "the host"});
  expect_invalid([&] { relu(Tensor()); }, {"relu:", "empty"});
  const MemoryConfig wrong = create_sharded_memory_config(Shape{8, 4}, CoreGrid{1, 2}, ShardStrategy::HEIGHT);
  expect_invalid([&] { relu6(row_major, wrong); }, {"relu6:", "shard width 4", "tensor width 8"});
  Tensor freed = from_host(values, Shape{8, 8}, DataType::FLOAT32, Layout::TILE, device.get());
  deallocate(freed);
  EXPECT_THROW(relu(freed), DeallocatedTensor);
}

}  // namespace
}  // namespace ttnn::test
