// Agreement metrics between a computed result and the oracle's expected values, as tt-metal's tests
// use them: PCC (Pearson correlation of the flattened tensors) plus absolute errors.
#pragma once

#include <cstddef>
#include <span>

#include <gtest/gtest.h>

namespace ttnn::test {

// Pearson correlation coefficient of `a` and `b`, computed in double. Both constant and equal (or both
// empty) -> 1; exactly one constant, or both constant but different -> 0; any NaN or infinity in
// either -> 0 (a broken result must never pass). Throws std::invalid_argument when the sizes differ.
double pcc(std::span<const float> a, std::span<const float> b);

// Largest |actual - expected|. Elements that are equal (same infinity, or both NaN) count 0; a NaN
// against a number, or different infinities, make the result +infinity. 0 for empty inputs.
double max_abs_error(std::span<const float> actual, std::span<const float> expected);

// Mean |actual - expected| with the same element rule as max_abs_error. 0 for empty inputs.
double mean_abs_error(std::span<const float> actual, std::span<const float> expected);

// Normalised mean squared error: sum((actual - expected)^2) / sum(expected^2). When expected is all
// zero: 0 if actual is too, +infinity otherwise.
double nmse(std::span<const float> actual, std::span<const float> expected);

// GoogleTest predicate: sizes equal, pcc >= min_pcc and max_abs_error <= max_abs. The message (on
// success too, for logging) gives PCC, max-abs, mean-abs, and the worst element's index with its
// actual and expected values.
//   EXPECT_TRUE(AgreesWith(out, expected, 0.999, 0.05));
::testing::AssertionResult AgreesWith(std::span<const float> actual, std::span<const float> expected,
                                      double min_pcc, double max_abs);

}  // namespace ttnn::test
