#include "support/metrics.hpp"

#include "ttnn/metrics.hpp"

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
  return pearson_correlation(a, b);
}

double max_abs_error(std::span<const float> actual, std::span<const float> expected) {
  check_sizes("max_abs_error", actual.size(), expected.size());
  return ttnn::max_abs_error(actual, expected);
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
