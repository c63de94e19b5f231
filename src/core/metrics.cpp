#include "ttnn/metrics.hpp"

#include <cmath>
#include <limits>

#include "core/check.hpp"

namespace ttnn {
namespace {

double abs_diff(float a, float b) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0.0;
  const double d = std::fabs(double(a) - double(b));
  return std::isfinite(d) ? d : std::numeric_limits<double>::infinity();
}

}  // namespace

double pearson_correlation(std::span<const float> a, std::span<const float> b) {
  check(a.size() == b.size(), "pearson_correlation: sizes differ ({} vs {})", a.size(), b.size());
  const size_t n = a.size();
  if (n == 0) return 1.0;
  double sum_a = 0.0, sum_b = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) return 0.0;
    sum_a += a[i];
    sum_b += b[i];
  }
  const double mean_a = sum_a / double(n), mean_b = sum_b / double(n);
  double cov = 0.0, var_a = 0.0, var_b = 0.0;
  bool equal = true;
  for (size_t i = 0; i < n; ++i) {
    const double da = a[i] - mean_a, db = b[i] - mean_b;
    cov += da * db;
    var_a += da * da;
    var_b += db * db;
    equal = equal && a[i] == b[i];
  }
  if (equal) return 1.0;
  if (var_a == 0.0 || var_b == 0.0) return 0.0;
  const double r = cov / std::sqrt(var_a * var_b);
  return std::isfinite(r) ? std::fmax(-1.0, std::fmin(1.0, r)) : 0.0;
}

double max_abs_error(std::span<const float> actual, std::span<const float> expected) {
  check(actual.size() == expected.size(), "max_abs_error: sizes differ ({} vs {})", actual.size(), expected.size());
  double worst = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) worst = std::fmax(worst, abs_diff(actual[i], expected[i]));
  return worst;
}

}  // namespace ttnn
