// How close two outputs are, as the TT-NN test suites measure it.
#pragma once

#include <span>

namespace ttnn {

// Pearson correlation of the two flattened sequences (sizes must match; throws InvalidArgument otherwise).
// 1 for identical sequences (also constant ones), 0 when only one is constant or either holds a non-finite
// value, clamped to [-1, 1]; an empty pair gives 1.
double pearson_correlation(std::span<const float> a, std::span<const float> b);

// Largest |actual - expected|: equal values (the same infinity, two NaNs) count 0, any other non-finite
// difference infinity. 0 for empty inputs; sizes must match.
double max_abs_error(std::span<const float> actual, std::span<const float> expected);

}  // namespace ttnn
