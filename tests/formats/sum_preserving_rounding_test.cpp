// Sum-preserving rounding: grid neighbours worked out by hand, and the row rule's guarantees on random rows.
#include "formats/sum_preserving_rounding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "formats/fidelity.hpp"

namespace ttnn::formats {
namespace {

TEST(SumPreservingRounding, FloatNeighbours) {
  // 5 significant bits: steps of 1/16 in [1, 2), 1/32 in [0.5, 1).
  EXPECT_EQ(other_float_neighbour(1.03f, 1.0f, 5), 1.0625f);
  EXPECT_EQ(other_float_neighbour(1.05f, 1.0625f, 5), 1.0f);
  EXPECT_EQ(other_float_neighbour(-1.03f, -1.0f, 5), -1.0625f);
  EXPECT_EQ(other_float_neighbour(1.97f, 2.0f, 5), 1.9375f);    // rounded up across the binade
  EXPECT_EQ(other_float_neighbour(0.99f, 1.0f, 5), 0.96875f);
  EXPECT_EQ(other_float_neighbour(1.5f, 1.5f, 5), 1.5f);         // on the grid: no neighbour
  EXPECT_EQ(other_float_neighbour(0.0f, 0.0f, 5), 0.0f);
  EXPECT_EQ(other_float_neighbour(1.03f, 1.5f, 5), 1.5f);        // not a neighbour of raw: unchanged
  EXPECT_EQ(other_float_neighbour(1e-40f, 0.0f, 8), 0.0f);        // a subnormal flushed to zero
}

TEST(SumPreservingRounding, RowRuleOnRandomRows) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  const size_t rows = 64, length = 144;
  std::vector<float> raw(rows * length), nearest(rows * length), other(rows * length);
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] = normal(rng) * std::exp(normal(rng));
    nearest[i] = round_significand(raw[i], 5);
    other[i] = other_float_neighbour(raw[i], nearest[i], 5);
  }
  std::vector<float> kept = nearest;
  keep_row_sums(raw, kept, other, length);
  size_t moved = 0;
  for (size_t r = 0; r < rows; ++r) {
    double before = 0, after = 0, largest_step = 0;
    for (size_t i = r * length; i < (r + 1) * length; ++i) {
      before += double(nearest[i]) - raw[i];
      after += double(kept[i]) - raw[i];
      EXPECT_TRUE(kept[i] == nearest[i] || kept[i] == other[i]) << i;  // always one of the two neighbours
      moved += kept[i] != nearest[i];
      largest_step = std::max(largest_step, std::fabs(double(other[i]) - nearest[i]));
    }
    EXPECT_LE(std::fabs(after), std::fabs(before)) << r;
    // What is left is below the largest step a move could take.
    EXPECT_LE(std::fabs(after), largest_step) << r;
  }
  EXPECT_GT(moved, 0u);
  // Deterministic: the same input gives the same bits.
  std::vector<float> again = nearest;
  keep_row_sums(raw, again, other, length);
  EXPECT_EQ(again, kept);
}

}  // namespace
}  // namespace ttnn::formats
