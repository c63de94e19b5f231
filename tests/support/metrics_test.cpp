#include "support/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace ttnn::test {
namespace {

using V = std::vector<float>;

TEST(Metrics, PccOnHandComputedVectors) {
  // a - mean = (-1.5, -0.5, 0.5, 1.5), b - mean = (-1.5, 0.5, -0.5, 1.5): cov 4, variances 5 -> 0.8.
  EXPECT_DOUBLE_EQ(pcc(V{1, 2, 3, 4}, V{1, 3, 2, 4}), 0.8);
  EXPECT_DOUBLE_EQ(pcc(V{1, 2, 3}, V{2, 4, 6}), 1.0);      // scaled
  EXPECT_DOUBLE_EQ(pcc(V{1, 2, 3}, V{13, 14, 15}), 1.0);   // shifted
  EXPECT_DOUBLE_EQ(pcc(V{1, 2, 3}, V{3, 2, 1}), -1.0);
  // (-1, 0, 1) against (1, -2, 1): cov 0 -> 0.
  EXPECT_DOUBLE_EQ(pcc(V{1, 2, 3}, V{1, -2, 1}), 0.0);
}

TEST(Metrics, PccEdgeCases) {
  EXPECT_EQ(pcc(V{2, 2, 2}, V{2, 2, 2}), 1.0);  // both constant and equal
  EXPECT_EQ(pcc(V{}, V{}), 1.0);
  EXPECT_EQ(pcc(V{5}, V{5}), 1.0);
  EXPECT_EQ(pcc(V{2, 2, 2}, V{1, 2, 3}), 0.0);  // one constant
  EXPECT_EQ(pcc(V{1, 2, 3}, V{0, 0, 0}), 0.0);
  EXPECT_EQ(pcc(V{2, 2, 2}, V{3, 3, 3}), 0.0);  // both constant, different
  EXPECT_EQ(pcc(V{1, std::numeric_limits<float>::quiet_NaN(), 3}, V{1, 2, 3}), 0.0);
  EXPECT_EQ(pcc(V{1, std::numeric_limits<float>::infinity(), 3}, V{1, 2, 3}), 0.0);
  EXPECT_THROW(pcc(V{1, 2}, V{1, 2, 3}), std::invalid_argument);
}

TEST(Metrics, AbsoluteErrorsAndNmse) {
  const V actual = {1.0f, 2.5f, 2.0f};
  const V expected = {1.0f, 2.0f, 3.0f};
  EXPECT_DOUBLE_EQ(max_abs_error(actual, expected), 1.0);
  EXPECT_DOUBLE_EQ(mean_abs_error(actual, expected), 0.5);
  // (0 + 0.25 + 1) / (1 + 4 + 9)
  EXPECT_DOUBLE_EQ(nmse(actual, expected), 1.25 / 14.0);
  EXPECT_EQ(max_abs_error(V{}, V{}), 0.0);
  EXPECT_EQ(nmse(V{0, 0}, V{0, 0}), 0.0);
  EXPECT_TRUE(std::isinf(nmse(V{1, 0}, V{0, 0})));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(std::isinf(max_abs_error(V{nan}, V{1})));
  EXPECT_EQ(max_abs_error(V{nan, inf}, V{nan, inf}), 0.0);
  EXPECT_TRUE(std::isinf(max_abs_error(V{-inf}, V{inf})));
  EXPECT_THROW(max_abs_error(V{1}, V{}), std::invalid_argument);
}

TEST(Metrics, AgreesWithReportsTheWorstElement) {
  const V expected = {0.0f, 1.0f, 2.0f, 3.0f, 4.0f};
  V actual = expected;
  actual[3] = 3.5f;
  const auto ok = AgreesWith(actual, expected, 0.9, 0.6);
  EXPECT_TRUE(ok) << ok.message();
  const auto bad_abs = AgreesWith(actual, expected, 0.9, 0.1);
  ASSERT_FALSE(bad_abs);
  const std::string message = bad_abs.message();
  EXPECT_NE(message.find("worst element 3: actual 3.5, expected 3"), std::string::npos) << message;
  EXPECT_NE(message.find("max-abs 0.5 (NEED <= 0.1)"), std::string::npos) << message;
  EXPECT_NE(message.find("PCC "), std::string::npos) << message;
  const auto bad_pcc = AgreesWith(V{4, 3, 2, 1, 0}, expected, 0.5, 100.0);
  ASSERT_FALSE(bad_pcc);
  EXPECT_NE(std::string(bad_pcc.message()).find("PCC -1 (NEED >= 0.5)"), std::string::npos) << bad_pcc.message();
  const auto bad_size = AgreesWith(V{1, 2}, expected, 0.0, 100.0);
  ASSERT_FALSE(bad_size);
  EXPECT_NE(std::string(bad_size.message()).find("sizes differ"), std::string::npos) << bad_size.message();
}

}  // namespace
}  // namespace ttnn::test
