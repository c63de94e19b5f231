// plan_activation_arena: values alive at the same step never share bytes; dead ones leave room.
#include <gtest/gtest.h>

#include <random>

#include "model/activation_arena.hpp"

namespace ttnn::model {
namespace {

void expect_valid(const std::vector<ArenaValue>& values, const ArenaPlan& plan) {
  ASSERT_EQ(plan.offsets.size(), values.size());
  for (size_t a = 0; a < values.size(); ++a) {
    EXPECT_EQ(plan.offsets[a] % kArenaAlignment, 0u);
    EXPECT_LE(plan.offsets[a] + values[a].bytes, plan.total_bytes);
    for (size_t b = a + 1; b < values.size(); ++b) {
      const bool alive_together =
          values[a].first_step <= values[b].last_step && values[b].first_step <= values[a].last_step;
      const bool share_bytes = plan.offsets[a] < plan.offsets[b] + values[b].bytes &&
                               plan.offsets[b] < plan.offsets[a] + values[a].bytes;
      EXPECT_FALSE(alive_together && share_bytes) << "values " << a << " and " << b;
    }
  }
}

TEST(ActivationArena, AChainNeedsOnlyTwoValuesAtATime) {
  // step s reads value s and writes value s + 1
  std::vector<ArenaValue> chain;
  for (size_t s = 0; s < 10; ++s) chain.push_back({1000, s == 0 ? 0 : s - 1, s});
  const ArenaPlan plan = plan_activation_arena(chain);
  expect_valid(chain, plan);
  EXPECT_EQ(plan.total_bytes, 2 * 1024u);  // two values, each 64-byte aligned
  EXPECT_EQ(peak_live_bytes(chain), 2 * 1024u);
}

TEST(ActivationArena, ResidualValuesStayApartFromEverythingTheyOutlive) {
  std::mt19937 random(5);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<ArenaValue> values;
    for (size_t i = 0; i < 40; ++i) {
      const size_t first = random() % 30, life = random() % 6;
      values.push_back({1 + random() % 5000, first, first + life});
    }
    const ArenaPlan plan = plan_activation_arena(values);
    expect_valid(values, plan);
    EXPECT_GE(plan.total_bytes, peak_live_bytes(values));
  }
}

TEST(ActivationArena, EmptyAndZeroSizedValues) {
  EXPECT_EQ(plan_activation_arena({}).total_bytes, 0u);
  const ArenaPlan plan = plan_activation_arena({{0, 0, 1}, {64, 0, 1}});
  EXPECT_EQ(plan.total_bytes, 64u);
}

}  // namespace
}  // namespace ttnn::model
