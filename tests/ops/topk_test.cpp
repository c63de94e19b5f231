// topk against PyTorch (values and indices) at every dtype and placement, options, and errors.
#include <gtest/gtest.h>

#include "ops/other_ops_support.hpp"
#include "ttnn/operations/reduction.hpp"

namespace ttnn::test {
namespace {

Shape case_shape(const OracleCase& oracle) { return shape_of(oracle.params["shape"]); }

Shape values_shape(const OracleCase& oracle) { return shape_of(oracle.shape("values")); }

TopkResult run_case(const OracleCase& c, const Placer& placer) {
  const auto& p = c.params;
  return topk(placer.place(c.floats("input"), case_shape(c)), p["k"].get<uint32_t>(), p["dim"].get<int>(),
              p["largest"].get<bool>(), p["sorted"].get<bool>());
}

// The top values of a row lie close together, so PCC says little about them in bfloat16: there the test
// below compares them with the top-k of the rounded input instead.
TEST(TopkOracle, ValuesMatchTorch) {
  expect_matches_oracle(
      "topk", "values", {kFloat32},
      [](const OracleCase& c, const Placer& placer) { return run_case(c, placer).values; }, values_shape);
}

// float32 holds the inputs exactly (distinct values on a 1/64 grid): the indices equal torch's. In bfloat16
// the grid rounds and values can tie, so there the values must be the top-k of the rounded input (within
// bfloat16 rounding of torch's) and each index must point at its value.
TEST(TopkOracle, IndicesMatchTorchAndBfloat16SelectsTheRoundedTopK) {
  auto device = open_device(0);
  for (const auto& c : oracle_cases("topk")) {
    const auto input = c.floats("input");
    const auto expected = c.array("indices").to_float32();
    const uint32_t width = case_shape(c).width(), k = c.params["k"];
    for (DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16}) {
      for (Placement placement : kPlacements) {
        SCOPED_TRACE(c.name + " " + std::string(to_string(dtype)) + " " + placement_name(placement));
        const Placer placer{dtype, placement, device.get()};
        const TopkResult result = run_case(c, placer);
        EXPECT_EQ(result.indices.dtype(), DataType::FLOAT32);
        EXPECT_EQ(result.indices.logical_shape(), values_shape(c));
        EXPECT_EQ(result.indices.layout(), layout_of(placement));
        const auto indices = to_host(result.indices);
        if (dtype == DataType::FLOAT32) {
          EXPECT_EQ(indices, expected);
          continue;
        }
        const auto rounded = to_host(placer.place(input, case_shape(c)));
        const auto values = to_host(result.values);
        const auto torch_values = c.floats("values");
        for (size_t row = 0; row < values.size() / k; ++row) {
          std::vector<float> best(rounded.begin() + long(row * width), rounded.begin() + long((row + 1) * width));
          std::sort(best.begin(), best.end(), std::greater<>());
          for (size_t j = 0; j < k; ++j) {
            const size_t i = row * k + j;
            ASSERT_EQ(values[i], best[j]) << i;
            ASSERT_EQ(rounded[row * width + size_t(indices[i])], values[i]) << i;
            ASSERT_LE(std::fabs(values[i] - torch_values[i]), std::fabs(torch_values[i]) / 256) << i;
          }
        }
      }
    }
  }
}

TEST(Topk, SmallestUnsortedOtherDimsAndTies) {
  auto device = open_device(0);
  // Rows of [2, 6]: ties (3 at 1 and 4) go to the lower index.
  const std::vector<float> x{5, 3, 9, 1, 3, 7, /**/ 2, 2, 2, 8, 0, 2};
  const Tensor input = from_host(x, Shape{2, 6}, DataType::FLOAT32, Layout::TILE, device.get());
  auto [values, indices] = topk(input, 3);
  EXPECT_EQ(to_host(values), (std::vector<float>{9, 7, 5, 8, 2, 2}));
  EXPECT_EQ(to_host(indices), (std::vector<float>{2, 5, 0, 3, 0, 1}));
  auto smallest = topk(input, 3, -1, false);
  EXPECT_EQ(to_host(smallest.values), (std::vector<float>{1, 3, 3, 0, 2, 2}));
  EXPECT_EQ(to_host(smallest.indices), (std::vector<float>{3, 1, 4, 4, 0, 1}));
  auto unsorted = topk(input, 3, 1, true, false);  // the same elements in index order
  EXPECT_EQ(to_host(unsorted.values), (std::vector<float>{5, 9, 7, 2, 2, 8}));
  EXPECT_EQ(to_host(unsorted.indices), (std::vector<float>{0, 2, 5, 0, 1, 3}));
  auto along_rows = topk(input, 1, 0);
  EXPECT_EQ(along_rows.values.logical_shape(), (Shape{1, 6}));
  EXPECT_EQ(to_host(along_rows.values), (std::vector<float>{5, 3, 9, 8, 3, 7}));
  EXPECT_EQ(to_host(along_rows.indices), (std::vector<float>{0, 0, 0, 1, 0, 0}));
  const std::vector<float> with_nan{1, NAN, 3};
  auto nan_first = topk(from_host(with_nan, Shape{3}), 2);
  EXPECT_TRUE(std::isnan(to_host(nan_first.values)[0]));
  EXPECT_EQ(to_host(nan_first.indices), (std::vector<float>{1, 2}));
}

TEST(Topk, HeightShardedInputKeepsItsGridWithTheShardWidthFittedToK) {
  auto device = open_device(0);
  const auto cases = oracle_cases("topk");
  const auto& c = cases[1];  // [1, 1, 3, 1000]
  const Shape shape = case_shape(c);
  const Tensor input = from_host(c.floats("input"), shape, DataType::BFLOAT16, Layout::ROW_MAJOR, device.get(),
                                 height_sharded(shape, Layout::ROW_MAJOR));
  const TopkResult result = topk(input, 5);
  EXPECT_EQ(result.values.memory_config().memory_layout, TensorMemoryLayout::HEIGHT_SHARDED);
  EXPECT_EQ(result.values.shard_spec()->shape[1], 5u);
  EXPECT_EQ(result.indices.memory_config(), result.values.memory_config());
  EXPECT_EQ(to_host(result.values), to_host(topk(to_memory_config(input, L1_MEMORY_CONFIG), 5).values));
}

TEST(Topk, ErrorsNameTheOpTheValueAndTheRule) {
  const std::vector<float> values(12, 1.0f);
  const Tensor input = from_host(values, Shape{3, 4});
  expect_invalid([&] { topk(input, 5); }, {"topk:", "k=5", "[1, 4]", "[3, 4]"});
  expect_invalid([&] { topk(input, 0); }, {"topk:", "k=0"});
  expect_invalid([&] { topk(input, 1, 2); }, {"topk:", "dim 2", "rank-2"});
  expect_invalid([&] { topk(input, 4, 0); }, {"topk:", "k=4", "[1, 3]"});
  expect_invalid([&] { topk(Tensor(), 1); }, {"topk:", "empty"});
}

}  // namespace
}  // namespace ttnn::test
