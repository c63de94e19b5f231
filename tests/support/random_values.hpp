// Seeded normal random values for tests that need inputs but no oracle.
#pragma once

#include <random>
#include <vector>

namespace ttnn::test {

inline std::vector<float> random_values(size_t count, unsigned seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> values(count);
  for (float& v : values) v = normal(rng);
  return values;
}

inline std::vector<float> random_uniform_values(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(rng);
  return values;
}

}  // namespace ttnn::test
