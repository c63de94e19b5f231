// conv2d and linear against tests/oracle/numerics_oracle.py, an independent implementation of both numerics
// of NUMERICS.md: every case x (dtype, fidelity, numerics, fp32_dest_acc_en), float32 output (and bfloat8_b
// output for the bfloat8_b cases). The oracle's expected outputs are exact up to the float32 summation order
// NUMERICS.md leaves open, so the bounds are tight:
//   float32 output: |got - expected| <= 1e-5 * range (range = max - min of the expected output), plus, for
//     tt_metal with a bfloat16 destination, the oracle's per-element dest_bound: the largest change another
//     float32 order can make by flipping a bfloat16 rounding (0 for most elements, about one bfloat16 ulp
//     where a rounding boundary is within reach).
//   bfloat8_b output: each element within one step of its block plus that bound, and at most 0.1% of the
//     elements differ at all (blocks holding an element with dest_bound > 0 not counted).
// Wrong fidelity, block orientation or a missing bfloat16 rounding moves most elements by far more; each
// test also checks that its criterion rejects the other numerics' expected output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ops/conv2d_helpers.hpp"
#include "support/oracle.hpp"
#include "ttnn/device.hpp"
#include "ttnn/operations/conv2d.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/operations/matmul.hpp"

namespace ttnn::test {
namespace {

// The generator's cases (tests/oracle/numerics_oracle.py, generate()); NumericsOracle.ListsEveryTestedCase
// checks the two lists agree.
struct CaseName {
  const char* name;
  bool conv;
};
constexpr CaseName kCases[] = {
    {"conv_stem_3to32_k3s2p1_16x16", true},
    {"conv_stem_padded_16to32_k3s2p1_16x16", true},
    {"conv_expand_24to144_k1_10x10", true},
    {"conv_depthwise_144_k3s1p1_10x10", true},
    {"conv_depthwise_96_k3s2p1_11x11", true},
    {"conv_project_144to24_k1_10x10", true},
    {"conv_head_320to1280_k1_4x4", true},
    {"conv_grouped_32to32_g4_k3s1p1_8x8", true},
    {"conv_grouped_32to32_g8_k3s1p1_8x8", true},
    {"linear_1280to1000_m2", false},
};

struct DtypeName {
  DataType dtype;
  const char* name;
};
constexpr DtypeName kDtypes[] = {
    {DataType::FLOAT32, "float32"}, {DataType::BFLOAT16, "bfloat16"}, {DataType::BFLOAT8_B, "bfloat8_b"}};

struct FidelityName {
  MathFidelity fidelity;
  const char* name;
};
constexpr FidelityName kFidelities[] = {{MathFidelity::LoFi, "LoFi"},
                                        {MathFidelity::HiFi2, "HiFi2"},
                                        {MathFidelity::HiFi3, "HiFi3"},
                                        {MathFidelity::HiFi4, "HiFi4"}};

enum class Mode { accurate, tt_metal_fp32_dest, tt_metal_bf16_dest };
constexpr const char* kModeNames[] = {"accurate", "tt_metal_fp32_dest", "tt_metal_bf16_dest"};

struct Config {
  std::string case_name;
  bool conv = true;
  DtypeName dtype{};
  FidelityName fidelity{};
  Mode mode = Mode::accurate;
  bool bf8_output = false;

  std::string key() const {  // the manifest's CONFIG: "<dtype>.<fidelity>.<numerics>"
    return std::string(dtype.name) + "." + fidelity.name + "." + kModeNames[static_cast<int>(mode)];
  }
  std::string key_with(Mode other) const {
    return std::string(dtype.name) + "." + fidelity.name + "." + kModeNames[static_cast<int>(other)];
  }
  std::string test_name() const {
    std::string name = case_name + "_" + dtype.name + "_" + fidelity.name + "_" + kModeNames[static_cast<int>(mode)];
    if (bf8_output) name += "_out_bfloat8_b";
    return name;
  }
};

void PrintTo(const Config& config, std::ostream* os) { *os << config.test_name(); }

std::vector<Config> all_configs(bool conv) {
  std::vector<Config> configs;
  for (const auto& c : kCases) {
    if (c.conv != conv) continue;
    for (const auto& dtype : kDtypes)
      for (const auto& fidelity : kFidelities)
        for (Mode mode : {Mode::accurate, Mode::tt_metal_fp32_dest, Mode::tt_metal_bf16_dest})
          for (bool bf8_output : {false, true}) {
            if (bf8_output && dtype.dtype != DataType::BFLOAT8_B) continue;
            configs.push_back(Config{c.name, c.conv, dtype, fidelity, mode, bf8_output});
          }
  }
  return configs;
}

std::string config_name(const ::testing::TestParamInfo<Config>& info) { return info.param.test_name(); }

// The numerics oracle's directory ($TTNN_NUMERICS_DIR, set by ctest through the numerics_generate fixture).
std::filesystem::path numerics_dir() {
  return generated_data_dir("TTNN_NUMERICS_DIR", "numerics", "tests/oracle/numerics_oracle.py");
}

const std::map<std::string, OracleCase>& numerics_cases() {
  static const std::map<std::string, OracleCase> cases = [] {
    const auto dir = numerics_dir();
    std::ifstream in(dir / "manifest.json");
    if (!in) throw std::runtime_error("cannot open " + (dir / "manifest.json").string());
    const auto manifest = nlohmann::json::parse(in);
    std::map<std::string, OracleCase> result;
    for (const auto& entry : manifest.at("cases")) {
      OracleCase c;
      c.name = entry.at("name").get<std::string>();
      c.op = entry.at("op").get<std::string>();
      c.params = entry.at("params");
      for (const auto& [role, file] : entry.at("arrays").items()) c.arrays.emplace(role, file.get<std::string>());
      c.dir = dir;
      result.emplace(c.name, std::move(c));
    }
    return result;
  }();
  return cases;
}

const OracleCase& numerics_case(const std::string& name) {
  const auto& cases = numerics_cases();
  const auto it = cases.find(name);
  if (it == cases.end()) throw std::runtime_error("the numerics oracle has no case '" + name + "'");
  return it->second;
}

// Where element i sits: "row r, channel c" of the [rows, channels] output.
std::string where(size_t i, size_t channels) {
  return "element " + std::to_string(i) + " (row " + std::to_string(i / channels) + ", channel " +
         std::to_string(i % channels) + ")";
}

double expected_range(const std::vector<float>& expected) {
  const auto [lo, hi] = std::minmax_element(expected.begin(), expected.end());
  return double(*hi) - double(*lo);
}

// Per element the largest |got - expected| a correct implementation can show (float32 output).
std::vector<double> element_bounds(const std::vector<float>& expected, const std::vector<float>* dest_bound) {
  const double tol = 1e-5 * expected_range(expected);
  std::vector<double> bounds(expected.size(), tol);
  if (dest_bound != nullptr)
    for (size_t i = 0; i < bounds.size(); ++i) bounds[i] += (*dest_bound)[i];
  return bounds;
}

::testing::AssertionResult WithinBounds(const std::vector<float>& got, const std::vector<float>& expected,
                                        const std::vector<double>& bounds, size_t channels) {
  if (got.size() != expected.size())
    return ::testing::AssertionFailure() << "got " << got.size() << " elements, expected " << expected.size();
  size_t failures = 0, worst = 0;
  double worst_ratio = -1;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(double(got[i]) - double(expected[i]));
    const double ratio = std::isnan(err) ? INFINITY : err / std::max(bounds[i], 1e-300);
    if (!(err <= bounds[i])) ++failures;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = i;
    }
  }
  std::ostringstream msg;
  msg.precision(9);
  msg << failures << " of " << got.size() << " elements outside their bound; worst " << where(worst, channels)
      << ": expected " << expected[worst] << ", got " << got[worst] << ", |diff| "
      << std::fabs(double(got[worst]) - double(expected[worst])) << " vs bound " << bounds[worst]
      << " (range " << expected_range(expected) << ")";
  return failures == 0 ? ::testing::AssertionSuccess() << msg.str() : ::testing::AssertionFailure() << msg.str();
}

// Per element the step 2^(E-133) of its bfloat8_b block (16 consecutive channels of one row), read off the
// stored values: the block's largest magnitude is m * 2^(E-133) with m in [64, 127].
std::vector<double> block_steps(const std::vector<float>& values, size_t channels) {
  std::vector<double> steps(values.size(), 0.0);
  for (size_t row = 0; row < values.size() / channels; ++row)
    for (size_t c0 = 0; c0 < channels; c0 += 16) {
      const size_t begin = row * channels + c0, end = row * channels + std::min(channels, c0 + 16);
      double largest = 0;
      for (size_t i = begin; i < end; ++i) largest = std::max(largest, double(std::fabs(values[i])));
      const double step = largest > 0 ? std::ldexp(1.0, std::ilogb(largest) - 6) : 0.0;
      for (size_t i = begin; i < end; ++i) steps[i] = step;
    }
  return steps;
}

::testing::AssertionResult Bf8OutputAgrees(const std::vector<float>& got, const std::vector<float>& expected,
                                           const std::vector<double>& bounds, const std::vector<float>* dest_bound,
                                           size_t channels) {
  if (got.size() != expected.size())
    return ::testing::AssertionFailure() << "got " << got.size() << " elements, expected " << expected.size();
  const auto got_steps = block_steps(got, channels), expected_steps = block_steps(expected, channels);
  // Blocks where another summation order may flip a bfloat16 rounding (and with it the block's exponent).
  std::vector<bool> exempt(got.size(), false);
  if (dest_bound != nullptr)
    for (size_t row = 0; row < got.size() / channels; ++row)
      for (size_t c0 = 0; c0 < channels; c0 += 16) {
        const size_t begin = row * channels + c0, end = row * channels + std::min(channels, c0 + 16);
        const bool any = std::any_of(dest_bound->begin() + begin, dest_bound->begin() + end, [](float b) { return b != 0; });
        for (size_t i = begin; i < end; ++i) exempt[i] = any;
      }
  size_t differ = 0, outside = 0, first_outside = 0, first_differ = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(double(got[i]) - double(expected[i]));
    if (err != 0 && !exempt[i] && differ++ == 0) first_differ = i;
    if (!(err <= std::max(got_steps[i], expected_steps[i]) + bounds[i]) && outside++ == 0) first_outside = i;
  }
  const size_t allowed = got.size() / 1000;  // 0.1%
  std::ostringstream msg;
  msg.precision(9);
  msg << differ << " of " << got.size() << " elements differ (allowed " << allowed << "), " << outside
      << " by more than one block step";
  if (outside > 0)
    msg << "; first " << where(first_outside, channels) << ": expected " << expected[first_outside] << ", got "
        << got[first_outside] << ", step " << std::max(got_steps[first_outside], expected_steps[first_outside]);
  else if (differ > 0)
    msg << "; first " << where(first_differ, channels) << ": expected " << expected[first_differ] << ", got "
        << got[first_differ];
  return outside == 0 && differ <= allowed ? ::testing::AssertionSuccess() << msg.str()
                                           : ::testing::AssertionFailure() << msg.str();
}

struct Expected {
  std::vector<float> output;                   // what the configuration must produce
  std::vector<float> output_f32;               // its float32 output (the same as output for float32)
  std::optional<std::vector<float>> dest_bound;
  std::vector<double> bounds;                  // per element, float32 criterion
  size_t channels = 0;
};

Expected load_expected(const OracleCase& oracle, const Config& config, size_t channels) {
  Expected e;
  e.channels = channels;
  e.output_f32 = oracle.floats("output." + config.key());
  e.output = config.bf8_output ? oracle.floats("output_bfloat8_b." + config.key()) : e.output_f32;
  if (config.mode == Mode::tt_metal_bf16_dest) e.dest_bound = oracle.floats("dest_bound." + config.key());
  e.bounds = element_bounds(e.output_f32, e.dest_bound ? &*e.dest_bound : nullptr);
  return e;
}

::testing::AssertionResult Agrees(const std::vector<float>& got, const Expected& e, bool bf8_output) {
  const auto* dest_bound = e.dest_bound ? &*e.dest_bound : nullptr;
  return bf8_output ? Bf8OutputAgrees(got, e.output, e.bounds, dest_bound, e.channels)
                    : WithinBounds(got, e.output, e.bounds, e.channels);
}

// The criterion must reject what a real bug would give: the other numerics (bfloat8_b LoFi), a float32
// destination where the configuration has a bfloat16 one, an output left unconverted.
void expect_criterion_rejects_wrong_results(const OracleCase& oracle, const Config& config, const Expected& e) {
  if (config.dtype.dtype == DataType::BFLOAT8_B && config.fidelity.fidelity == MathFidelity::LoFi && !config.bf8_output) {
    const Mode other = config.mode == Mode::accurate ? Mode::tt_metal_fp32_dest : Mode::accurate;
    EXPECT_FALSE(Agrees(oracle.floats("output." + config.key_with(other)), e, false))
        << "the " << kModeNames[static_cast<int>(other)] << " result passes this criterion: it cannot tell the numerics apart";
  }
  if (config.mode == Mode::tt_metal_bf16_dest && !config.bf8_output) {
    EXPECT_FALSE(Agrees(oracle.floats("output." + config.key_with(Mode::tt_metal_fp32_dest)), e, false))
        << "a result without bfloat16 destination rounding passes the bfloat16-destination criterion";
  }
  if (config.bf8_output) {
    EXPECT_FALSE(Agrees(e.output_f32, e, true)) << "the unconverted float32 output passes the bfloat8_b-output criterion";
  }
}

DeviceComputeKernelConfig compute_config(const Config& config, bool fp32_dest) {
  auto compute = init_device_compute_kernel_config(config.fidelity.fidelity, true, fp32_dest);
  compute.numerics = config.mode == Mode::accurate ? Numerics::accurate : Numerics::tt_metal;
  return compute;
}

// accurate ignores fp32_dest_acc_en: both settings must give the expected output.
std::vector<bool> fp32_dest_settings(const Config& config) {
  switch (config.mode) {
    case Mode::accurate: return {false, true};
    case Mode::tt_metal_fp32_dest: return {true};
    case Mode::tt_metal_bf16_dest: return {false};
  }
  return {};
}

class Conv2dNumerics : public ::testing::TestWithParam<Config> {};

TEST_P(Conv2dNumerics, MatchesOracle) {
  const Config& config = GetParam();
  const OracleCase& oracle = numerics_case(config.case_name);
  const auto& p = oracle.params;
  const uint32_t n = p["batch"], cout = p["out_channels"];
  const uint32_t oh = p["output_height"], ow = p["output_width"];
  const Expected expected = load_expected(oracle, config, cout);
  ASSERT_EQ(expected.output.size(), size_t(n) * oh * ow * cout);
  expect_criterion_rejects_wrong_results(oracle, config, expected);

  auto device = open_device(0);
  const auto input = oracle.floats(std::string("input.") + config.dtype.name);  // already stored in the dtype
  for (bool fp32_dest : fp32_dest_settings(config)) {
    SCOPED_TRACE(config.case_name + " " + config.key() + " fp32_dest_acc_en=" + (fp32_dest ? "true" : "false") +
                 " output " + (config.bf8_output ? "bfloat8_b" : "float32"));
    ConvRun run = conv_run(config.dtype.dtype, config.dtype.dtype, config.fidelity.fidelity);
    run.output_dtype = config.bf8_output ? DataType::BFLOAT8_B : DataType::FLOAT32;
    run.activation = p["activation"].get<std::string>();
    run.compute_config = compute_config(config, fp32_dest);
    const Conv2dArgs args = conv_args(p, input, oracle.floats("weight"), oracle.floats("bias"), *device, run);
    const auto result = conv2d(args);
    ASSERT_EQ(result.output_height, oh);
    ASSERT_EQ(result.output_width, ow);
    const auto agreement = Agrees(to_host(result.output), expected, config.bf8_output);
    RecordProperty(fp32_dest ? "agreement_fp32_dest" : "agreement", agreement.message());  // margins, in the XML report
    EXPECT_TRUE(agreement);
  }
}

INSTANTIATE_TEST_SUITE_P(numerics, Conv2dNumerics, ::testing::ValuesIn(all_configs(true)), config_name);

class LinearNumerics : public ::testing::TestWithParam<Config> {};

TEST_P(LinearNumerics, MatchesOracle) {
  const Config& config = GetParam();
  const OracleCase& oracle = numerics_case(config.case_name);
  const uint32_t m = oracle.params["M"], k = oracle.params["K"], n = oracle.params["N"];
  const Expected expected = load_expected(oracle, config, n);
  ASSERT_EQ(expected.output.size(), size_t(m) * n);
  expect_criterion_rejects_wrong_results(oracle, config, expected);

  auto device = open_device(0);
  const DataType dtype = config.dtype.dtype;
  for (bool fp32_dest : fp32_dest_settings(config)) {
    SCOPED_TRACE(config.case_name + " " + config.key() + " fp32_dest_acc_en=" + (fp32_dest ? "true" : "false") +
                 " output " + (config.bf8_output ? "bfloat8_b" : "float32"));
    const Tensor input = from_host(oracle.floats(std::string("input.") + config.dtype.name), Shape{m, k}, dtype,
                                   Layout::TILE, device.get());
    const Tensor weight = from_host(oracle.floats("weight_t"), Shape{k, n}, dtype, Layout::TILE, device.get());
    const Tensor bias = from_host(oracle.floats("bias"), Shape{1, n}, dtype, Layout::TILE, device.get());
    MatmulOptions options;
    options.dtype = config.bf8_output ? DataType::BFLOAT8_B : DataType::FLOAT32;
    options.compute_kernel_config = compute_config(config, fp32_dest);
    const Tensor out = linear(input, weight, bias, options);
    const auto agreement = Agrees(to_host(out), expected, config.bf8_output);
    RecordProperty(fp32_dest ? "agreement_fp32_dest" : "agreement", agreement.message());  // margins, in the XML report
    EXPECT_TRUE(agreement);
  }
}

INSTANTIATE_TEST_SUITE_P(numerics, LinearNumerics, ::testing::ValuesIn(all_configs(false)), config_name);

// The generator and kCases name the same cases, each with every configuration's arrays.
class NumericsOracle : public ::testing::TestWithParam<int> {};

TEST_P(NumericsOracle, ListsEveryTestedCase) {
  std::set<std::string> listed, generated;
  for (const auto& c : kCases) listed.insert(c.name);
  for (const auto& [name, oracle] : numerics_cases()) {
    generated.insert(name);
    for (const auto& config : all_configs(oracle.op == "conv2d")) {
      if (config.case_name != name) continue;
      EXPECT_TRUE(oracle.has("output." + config.key())) << name << " lacks output." << config.key();
      if (config.bf8_output) {
        EXPECT_TRUE(oracle.has("output_bfloat8_b." + config.key())) << name << " " << config.key();
      }
      if (config.mode == Mode::tt_metal_bf16_dest) {
        EXPECT_TRUE(oracle.has("dest_bound." + config.key())) << name << " " << config.key();
      }
    }
  }
  EXPECT_EQ(listed, generated) << "kCases and numerics_oracle.py's generate() must name the same cases";
}

INSTANTIATE_TEST_SUITE_P(numerics, NumericsOracle, ::testing::Values(0));

}  // namespace
}  // namespace ttnn::test
