// Access to the test oracle written by tests/oracle/generate.py (see the docstring there for every
// op's params and array layouts). ctest points TTNN_ORACLE_DIR at a complete set: a test executable
// opts in with ttnn_use_oracle(<executable>) in its CMakeLists.txt (cmake/TestData.cmake).
//
// Use the cases inside a test body, not in INSTANTIATE_TEST_SUITE_P: gtest_discover_tests lists the
// tests at build time, when the oracle may not exist yet. For example:
//
//   TEST(Conv2dOracle, MatchesTorch) {
//     for (const auto& c : ttnn::test::oracle_cases("conv2d")) {
//       SCOPED_TRACE(c.name);
//       const auto& p = c.params;                 // nlohmann::json, e.g. p["stride"][0].get<int>()
//       auto out = run_my_conv(c.floats("input"), c.floats("weight"), ...);
//       EXPECT_TRUE(ttnn::test::AgreesWith(out, c.floats("output"), 0.9999, 1e-3));
//     }
//   }
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ttnn/io/npy.hpp"

namespace ttnn::test {

class OracleCase {
 public:
  std::string name;
  std::string op;
  nlohmann::json params;
  std::map<std::string, std::string, std::less<>> arrays;  // role -> file name inside dir
  std::filesystem::path dir;

  bool has(std::string_view role) const { return arrays.find(role) != arrays.end(); }
  // Reads the array for `role`; throws std::runtime_error naming the case when it has no such role.
  ttnn::io::NpyArray array(std::string_view role) const;
  // array(role).to_float32().
  std::vector<float> floats(std::string_view role) const;
  // array(role).shape.
  std::vector<uint64_t> shape(std::string_view role) const;
};

// A generated test-data set (cmake/TestData.cmake): the directory $env_var names. Throws
// std::runtime_error, saying how to generate it (`scripts/cached_generate.sh kind generator`), when the
// variable is unset or the directory lacks COMPLETE (the generator did not finish).
std::filesystem::path generated_data_dir(const char* env_var, std::string_view kind, std::string_view generator);

// The oracle directory from $TTNN_ORACLE_DIR (generated_data_dir of tests/oracle/generate.py).
std::filesystem::path oracle_dir();

// Every case of `op` in the manifest, in manifest order. Throws std::runtime_error when the oracle is
// missing or incomplete, the manifest is malformed, or it has no case of `op`.
std::vector<OracleCase> oracle_cases(std::string_view op);

}  // namespace ttnn::test
