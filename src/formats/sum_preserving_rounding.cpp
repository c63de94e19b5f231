#include "formats/sum_preserving_rounding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace ttnn::formats {
namespace {

// The far neighbour given raw's two grid neighbours `lo <= |raw| <= hi` (magnitudes).
float far_side(float raw, float rounded, double lo, double hi, bool has_hi) {
  const double magnitude = std::fabs(double(rounded));
  double other;
  if (magnitude == lo && has_hi) other = hi;
  else if (has_hi && magnitude == hi) other = lo;
  else return rounded;
  const float result = float(std::copysign(other, double(raw)));
  return double(std::fabs(result)) == other ? result : rounded;  // not a float: no neighbour
}

}  // namespace

float other_float_neighbour(float raw, float rounded, int bits) {
  const double magnitude = std::fabs(double(raw));
  if (!std::isfinite(magnitude) || magnitude == 0.0) return rounded;
  const double step = std::ldexp(1.0, std::ilogb(magnitude) - (std::clamp(bits, 1, 24) - 1));
  const double lo = std::floor(magnitude / step) * step;
  if (lo == magnitude) return rounded;
  return far_side(raw, rounded, lo, lo + step, true);
}

void keep_row_sums(std::span<const float> raw, std::span<float> rounded, std::span<const float> other,
                   size_t row_length) {
  std::vector<size_t> order;
  std::vector<double> cost;
  for (size_t start = 0; start + row_length <= raw.size(); start += row_length) {
    double residual = 0.0;
    order.clear();
    cost.assign(row_length, 0.0);
    for (size_t i = 0; i < row_length; ++i) {
      const double error = double(rounded[start + i]) - double(raw[start + i]);
      residual += error;
      if (other[start + i] == rounded[start + i]) continue;
      cost[i] = std::fabs(double(other[start + i]) - double(raw[start + i])) - std::fabs(error);
      order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cost[a] < cost[b]; });
    for (size_t i : order) {
      const double next = residual + (double(other[start + i]) - double(rounded[start + i]));
      if (std::fabs(next) < std::fabs(residual)) {
        rounded[start + i] = other[start + i];
        residual = next;
      }
    }
  }
}

}  // namespace ttnn::formats
