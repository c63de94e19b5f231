#include "support/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

namespace ttnn::test {
namespace {

void check_sizes(const char* function, size_t a, size_t b) {
  if (a != b)
    throw std::invalid_argument(std::string(function) + ": sizes differ (" + std::to_string(a) + " vs " +
                                std::to_string(b) + ")");
}

// |a - b| with equal values (same infinity, both NaN) counting 0 and other non-finite pairs infinity.
double abs_diff(float a, float b) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0.0;
  const double d = std::fabs(static_cast<double>(a) - static_cast<double>(b));
  return std::isfinite(d) ? d : std::numeric_limits<double>::infinity();
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

}  // namespace

double pcc(std::span<const float> a, std::span<const float> b) {
  check_sizes("pcc", a.size(), b.size());
  const size_t n = a.size();
  if (n == 0) return 1.0;
  double sum_a = 0.0;
  double sum_b = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) return 0.0;
    sum_a += a[i];
    sum_b += b[i];
  }
  const double mean_a = sum_a / static_cast<double>(n);
  const double mean_b = sum_b / static_cast<double>(n);
  double cov = 0.0;
  double var_a = 0.0;
  double var_b = 0.0;
  bool const_a = true;
  bool const_b = true;
  bool equal = true;
  for (size_t i = 0; i < n; ++i) {
    const double da = a[i] - mean_a;
    const double db = b[i] - mean_b;
    cov += da * db;
    var_a += da * da;
    var_b += db * db;
    const_a = const_a && a[i] == a[0];
    const_b = const_b && b[i] == b[0];
    equal = equal && a[i] == b[i];
  }
  if (const_a && const_b) return equal ? 1.0 : 0.0;
  if (const_a || const_b || var_a == 0.0 || var_b == 0.0) return 0.0;
  const double r = cov / std::sqrt(var_a * var_b);
  if (!std::isfinite(r)) return 0.0;
  return std::fmax(-1.0, std::fmin(1.0, r));
}

double max_abs_error(std::span<const float> actual, std::span<const float> expected) {
  check_sizes("max_abs_error", actual.size(), expected.size());
  double worst = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) worst = std::fmax(worst, abs_diff(actual[i], expected[i]));
  return worst;
}

double mean_abs_error(std::span<const float> actual, std::span<const float> expected) {
  check_sizes("mean_abs_error", actual.size(), expected.size());
  if (actual.empty()) return 0.0;
  double sum = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) sum += abs_diff(actual[i], expected[i]);
  return sum / static_cast<double>(actual.size());
}

double nmse(std::span<const float> actual, std::span<const float> expected) {
  check_sizes("nmse", actual.size(), expected.size());
  double error = 0.0;
  double energy = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double d = abs_diff(actual[i], expected[i]);
    error += d * d;
    energy += static_cast<double>(expected[i]) * static_cast<double>(expected[i]);
  }
  if (energy == 0.0) return error == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  const double result = error / energy;
  return std::isnan(result) ? std::numeric_limits<double>::infinity() : result;
}

::testing::AssertionResult AgreesWith(std::span<const float> actual, std::span<const float> expected,
                                      double min_pcc, double max_abs) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure() << "sizes differ: actual has " << actual.size() << " elements, expected "
                                         << expected.size();
  const double r = pcc(actual, expected);
  size_t worst_index = 0;
  double worst = -1.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double d = abs_diff(actual[i], expected[i]);
    if (d > worst) {
      worst = d;
      worst_index = i;
    }
  }
  if (actual.empty()) worst = 0.0;
  const bool pcc_ok = r >= min_pcc;
  const bool abs_ok = worst <= max_abs;
  auto result = pcc_ok && abs_ok ? ::testing::AssertionSuccess() : ::testing::AssertionFailure();
  result << "PCC " << number(r) << (pcc_ok ? " (>= " : " (NEED >= ") << number(min_pcc) << "), max-abs "
         << number(worst) << (abs_ok ? " (<= " : " (NEED <= ") << number(max_abs) << "), mean-abs "
         << number(mean_abs_error(actual, expected)) << ", " << actual.size() << " elements";
  if (!actual.empty())
    result << "; worst element " << worst_index << ": actual " << number(actual[worst_index]) << ", expected "
           << number(expected[worst_index]);
  return result;
}

}  // namespace ttnn::test
