// softmax against PyTorch at every dtype and placement, other dims, stability, and errors.
#include <gtest/gtest.h>

#include "ops/other_ops_support.hpp"
#include "ttnn/operations/normalization.hpp"

namespace ttnn::test {
namespace {

Shape case_shape(const OracleCase& oracle) { return shape_of(oracle.params["shape"]); }

// The oracle's inputs are float32 (standard normal * 3). Rounding an input x to bfloat16 moves it by up to
// |x| * 2^-9 (about 0.02 here), which scales its probability by about 2%: that, not the op, sets the
// bfloat16 max-abs bound.
constexpr DtypeSetting kSoftmaxBfloat16{DataType::BFLOAT16, 0.9999, 3e-2};

TEST(SoftmaxOracle, MatchesTorch) {
  expect_matches_oracle(
      "softmax", "output", {kFloat32, kSoftmaxBfloat16, kBfloat8},
      [](const OracleCase& c, const Placer& placer) {
        const Tensor input = placer.place(c.floats("input"), case_shape(c));
        const Tensor out = softmax(input, c.params["dim"].get<int>());
        EXPECT_EQ(out.spec(), input.spec());
        return out;
      },
      case_shape);
}

// softmax over dim 1 of [2, 3, 4] equals softmax over the last dim of its permutation.
TEST(Softmax, AnyDimAndLargeInputsStayFinite) {
  auto device = open_device(0);
  std::vector<float> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float((i * 7) % 11) - 5.0f + (i == 5 ? 1000.0f : 0.0f);
  const Tensor input = from_host(x, Shape{2, 3, 4}, DataType::FLOAT32, Layout::TILE, device.get());
  const auto along_1 = to_host(softmax(input, 1));
  const auto along_last = to_host(softmax(permute(input, {0, 2, 1}), -1));  // [2, 4, 3]
  for (uint32_t a = 0; a < 2; ++a)
    for (uint32_t b = 0; b < 3; ++b)
      for (uint32_t c = 0; c < 4; ++c) EXPECT_FLOAT_EQ(along_1[(a * 3 + b) * 4 + c], along_last[(a * 4 + c) * 3 + b]);
  // x[5] = 1000 + ...: exp would overflow without subtracting the max.
  EXPECT_FLOAT_EQ(along_1[5], 1.0f);
  for (float v : along_1) EXPECT_TRUE(std::isfinite(v));
  const auto along_0 = to_host(softmax(input, -3));
  for (size_t i = 0; i < 12; ++i) EXPECT_NEAR(along_0[i] + along_0[i + 12], 1.0f, 1e-6);
}

TEST(Softmax, ErrorsNameTheOpTheValueAndTheRule) {
  const std::vector<float> values(12, 1.0f);
  const Tensor input = from_host(values, Shape{3, 4});
  expect_invalid([&] { softmax(input, 2); }, {"softmax:", "dim 2", "rank-2", "-2 <= dim < 2"});
  expect_invalid([&] { softmax(input, -3); }, {"softmax:", "dim -3"});
  expect_invalid([&] { softmax(Tensor()); }, {"softmax:", "empty"});
}

}  // namespace
}  // namespace ttnn::test
