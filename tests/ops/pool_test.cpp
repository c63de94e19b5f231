// max_pool2d, avg_pool2d and global_avg_pool2d against PyTorch at every dtype and placement; ceil_mode,
// count_include_pad and dilation against torch's values; output configs; errors.
#include "ttnn/operations/pool.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <random>

#include "ops/other_ops_support.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/pool/pool_plan.hpp"

namespace ttnn::test {
namespace {

std::array<uint32_t, 2> pair_of(const nlohmann::json& values) {
  return {values[0].get<uint32_t>(), values[1].get<uint32_t>()};
}

Padding2d padding_of(const nlohmann::json& p) {
  return Padding2d(p[0].get<uint32_t>(), p[1].get<uint32_t>(), p[2].get<uint32_t>(), p[3].get<uint32_t>());
}

Shape pooled_shape(const OracleCase& c) {
  const uint32_t n = c.params["batch"], oh = c.params["output_height"], ow = c.params["output_width"];
  return Shape{1, 1, n * oh * ow, c.params["channels"].get<uint32_t>()};
}

Tensor run_pool(bool max, const OracleCase& c, const Placer& placer) {
  const auto& p = c.params;
  const uint32_t n = p["batch"], ch = p["channels"], h = p["input_height"], w = p["input_width"];
  const Tensor input = placer.place(c.floats("input_nhwc"), Shape{1, 1, n * h * w, ch});
  if (max)
    return max_pool2d(input, n, h, w, ch, pair_of(p["kernel"]), pair_of(p["stride"]), padding_of(p["padding"]),
                      pair_of(p["dilation"]));
  return avg_pool2d(input, n, h, w, ch, pair_of(p["kernel"]), pair_of(p["stride"]), padding_of(p["padding"]),
                    p["ceil_mode"].get<bool>(), p["count_include_pad"].get<bool>());
}

TEST(MaxPool2dOracle, MatchesTorch) {
  expect_matches_oracle(
      "max_pool2d", "output", {kFloat32, kBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) { return run_pool(true, c, placer); }, pooled_shape);
}

TEST(AvgPool2dOracle, MatchesTorch) {
  expect_matches_oracle(
      "avg_pool2d", "output", {kFloat32, kBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) { return run_pool(false, c, placer); }, pooled_shape);
}

TEST(GlobalAvgPool2dOracle, FlattenedInputWithBatchGivesOneRowPerImage) {
  expect_matches_oracle(
      "global_avg_pool2d", "output", {kFloat32, kBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) {
        const uint32_t n = c.params["batch"], ch = c.params["channels"], h = c.params["input_height"],
                       w = c.params["input_width"];
        return global_avg_pool2d(placer.place(c.floats("input"), Shape{1, 1, n * h * w, ch}), n, h, w);
      },
      [](const OracleCase& c) {
        return Shape{1, 1, c.params["batch"].get<uint32_t>(), c.params["channels"].get<uint32_t>()};
      });
}

TEST(GlobalAvgPool2dOracle, NhwcInputGivesN11CAsTorchvision) {
  expect_matches_oracle(
      "global_avg_pool2d", "output_torch", {kFloat32, kBfloat16},
      [](const OracleCase& c, const Placer& placer) {
        const uint32_t n = c.params["batch"], ch = c.params["channels"], h = c.params["input_height"],
                       w = c.params["input_width"];
        return global_avg_pool2d(placer.place(c.floats("input"), Shape{n, h, w, ch}));
      },
      [](const OracleCase& c) {
        return Shape{c.params["batch"].get<uint32_t>(), 1, 1, c.params["channels"].get<uint32_t>()};
      });
}

// torch.nn.functional on arange(25) as a 1x1x5x5 image (values printed by torch 1.13).
TEST(Pool2d, CeilModeCountIncludePadAndDilationFollowTorch) {
  auto device = open_device(0);
  std::vector<float> x(25);
  std::iota(x.begin(), x.end(), 0.0f);
  const Tensor input = from_host(x, Shape{1, 1, 25, 1}, DataType::FLOAT32, Layout::TILE, device.get());
  const auto near = [](const std::vector<float>& actual, const std::vector<float>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-5) << i;
  };
  near(to_host(avg_pool2d(input, 1, 5, 5, 1, {3, 3}, {2, 2}, Padding2d(1, 1), true, true)),
       {4.0f / 3, 3, 8.0f / 3, 7, 12, 9, 8, 13, 28.0f / 3});
  near(to_host(avg_pool2d(input, 1, 5, 5, 1, {3, 3}, {2, 2}, Padding2d(1, 1), true, false)),
       {3, 4.5, 6, 10.5, 12, 13.5, 18, 19.5, 21});
  near(to_host(avg_pool2d(input, 1, 5, 5, 1, {2, 2}, {2, 2}, Padding2d(0, 0), true, true)),
       {3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24});
  near(to_host(max_pool2d(input, 1, 5, 5, 1, {2, 2}, {2, 2}, Padding2d(0, 0), {1, 1}, std::nullopt, true)),
       {6, 8, 9, 16, 18, 19, 21, 23, 24});
  std::vector<float> negated(x);
  for (float& v : negated) v = -v;
  const Tensor negative = from_host(negated, Shape{1, 1, 25, 1}, DataType::FLOAT32, Layout::ROW_MAJOR, device.get());
  near(to_host(max_pool2d(negative, 1, 5, 5, 1, {3, 3}, {1, 1}, Padding2d(1, 1), {2, 2})),
       {-6, -5, -6, -1, 0, -1, -6, -5, -6});
}

TEST(Pool2d, ShardedInputGivesAShardedOutputWithTheSameValues) {
  auto device = open_device(0);
  const auto cases = oracle_cases("max_pool2d");
  const auto& c = cases.front();  // k3s2p1 1x32x112x112
  const Shape shape{1, 1, 112 * 112, 32};
  const MemoryConfig config = create_sharded_memory_config(shape, CoreGrid{8, 8}, ShardStrategy::HEIGHT,
                                                           ShardOrientation::ROW_MAJOR, false, true);
  const Tensor sharded =
      from_host(c.floats("input_nhwc"), shape, DataType::BFLOAT16, Layout::TILE, device.get(), config);
  const Tensor out = max_pool2d(sharded, 1, 112, 112, 32, {3, 3}, {2, 2}, Padding2d(1, 1));
  EXPECT_EQ(out.memory_config().memory_layout, TensorMemoryLayout::HEIGHT_SHARDED);
  EXPECT_EQ(out.shard_spec()->grid, config.shard_spec->grid);
  EXPECT_EQ(out.shard_spec()->shape, (std::array<uint32_t, 2>{64, 32}));  // 3136 rows over 64 cores, whole tiles
  const Tensor interleaved = max_pool2d(to_memory_config(sharded, L1_MEMORY_CONFIG), 1, 112, 112, 32, {3, 3}, {2, 2},
                                        Padding2d(1, 1), {1, 1}, DRAM_MEMORY_CONFIG);
  EXPECT_EQ(interleaved.memory_config(), DRAM_MEMORY_CONFIG);
  EXPECT_EQ(to_host(out), to_host(interleaved));
  const Tensor pooled = global_avg_pool2d(out, 1, 56, 56);
  EXPECT_FALSE(pooled.is_sharded());
  EXPECT_EQ(pooled.logical_shape(), (Shape{1, 1, 1, 32}));
}

// The planned pass's global pooling of float rows (a conv's outputs as stored, in place) gives the bits the
// tensor's own bytes give, at every dtype: 2 images of 7x7 positions, 1000 channels (whole chunks of
// sixteen and a tail of eight).
TEST(Pool2d, GlobalAverageOfFloatRowsGivesTheTensorsBits) {
  auto device = open_device(0);
  const uint32_t images = 2, h = 7, w = 7, channels = 1000;
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> values(size_t(images) * h * w * channels);
  for (float& v : values) v = normal(rng);
  for (DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B}) {
    const Tensor input = from_host(values, Shape{1, 1, images * h * w, channels}, dtype, Layout::TILE, device.get());
    const std::vector<float> stored = to_host(input);  // the values as stored: what float rows hold
    const GlobalAveragePlan plan = plan_global_avg_pool2d(input, images, h, w, std::nullopt, std::nullopt);
    const Tensor from_tensor = allocate_tensor(plan.output_spec, device.get(), "test");
    const Tensor from_rows = allocate_tensor(plan.output_spec, device.get(), "test");
    run_global_average_plan(plan, input, from_tensor);
    run_global_average_plan(plan, stored.data(), channels, from_rows);
    const std::vector<float> expected = to_host(from_tensor), got = to_host(from_rows);
    ASSERT_EQ(got.size(), size_t(images) * channels) << to_string(dtype);
    EXPECT_EQ(std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)), 0) << to_string(dtype);
    EXPECT_NE(got, std::vector<float>(got.size(), 0.0f)) << to_string(dtype);
  }
}

TEST(Pool2d, ErrorsNameTheOpTheValueAndTheRule) {
  auto device = open_device(0);
  const std::vector<float> values(2 * 4 * 4 * 8, 1.0f);
  const Tensor input = from_host(values, Shape{1, 1, 32, 8}, DataType::BFLOAT16, Layout::TILE, device.get());
  expect_invalid(
      [&] {
        max_pool2d(input, 2, 4, 4, 16, {2, 2}, {2, 2}, Padding2d(0, 0));
      },
      {"max_pool2d:", "channels=16", "last dim 8"});
  expect_invalid(
      [&] {
        max_pool2d(input, 1, 4, 4, 8, {2, 2}, {2, 2}, Padding2d(0, 0));
      },
      {"max_pool2d:", "32 pixels", "= 16"});
  expect_invalid(
      [&] {
        avg_pool2d(input, 2, 4, 4, 8, {0, 2}, {2, 2}, Padding2d(0, 0));
      },
      {"avg_pool2d:", "kernel_size [0, 2]", "positive"});
  expect_invalid(
      [&] {
        avg_pool2d(input, 2, 4, 4, 8, {2, 2}, {2, 0}, Padding2d(0, 0));
      },
      {"avg_pool2d:", "stride [2, 0]", "positive"});
  expect_invalid(
      [&] {
        max_pool2d(input, 2, 4, 4, 8, {2, 2}, {1, 1}, Padding2d(2, 0));
      },
      {"max_pool2d:", "padding [2, 2, 0, 0]", "at most half the kernel [2, 2]"});
  expect_invalid(
      [&] {
        max_pool2d(input, 2, 4, 4, 8, {5, 2}, {1, 1}, Padding2d(0, 0));
      },
      {"max_pool2d:", "height window", "kernel 5", "padded input 4"});
  expect_invalid(
      [&] {
        max_pool2d(input, 2, 4, 4, 8, {3, 3}, {1, 1}, Padding2d(0, 0), {2, 1});
      },
      {"max_pool2d:", "extent 5", "padded input 4"});
  const Tensor rank2 = from_host(values, Shape{32, 8}, DataType::FLOAT32, Layout::TILE, device.get());
  expect_invalid(
      [&] {
        max_pool2d(rank2, 2, 4, 4, 8, {2, 2}, {2, 2}, Padding2d(0, 0));
      },
      {"max_pool2d:", "rank 4", "[32, 8]"});
  expect_invalid([&] { global_avg_pool2d(rank2); }, {"global_avg_pool2d:", "[N, H, W, C]", "[32, 8]"});
  expect_invalid([&] { global_avg_pool2d(input, 3, 4, 4); }, {"global_avg_pool2d:", "32 pixels", "= 48"});
  const Tensor row_major = from_host(values, Shape{1, 1, 32, 8}, DataType::FLOAT32, Layout::ROW_MAJOR, device.get());
  expect_invalid([&] { global_avg_pool2d(row_major, std::nullopt, DataType::BFLOAT8_B); },
                 {"global_avg_pool2d:", "bfloat8_b", "TILE"});
  expect_invalid([&] { avg_pool2d(Tensor(), 2, 4, 4, 8, {2, 2}, {2, 2}, Padding2d(0, 0)); }, {"avg_pool2d:", "empty"});
}

}  // namespace
}  // namespace ttnn::test
