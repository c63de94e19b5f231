// matmul and linear against PyTorch, and their behaviour (fidelity, prepared operands, errors).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/tensor_allocation.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ops/matmul/matmul_plan.hpp"
#include "support/metrics.hpp"
#include "support/oracle.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/operations/matmul.hpp"

namespace ttnn::test {
namespace {

Shape shape_of(const nlohmann::json& dims) {
  std::vector<uint32_t> values;
  for (const auto& d : dims) values.push_back(d.get<uint32_t>());
  return Shape(values);
}

struct Setting {
  DataType dtype;
  MathFidelity fidelity;
  double min_pcc;
  double max_abs_relative;  // of the largest expected magnitude (outputs grow as sqrt(K))
};
const Setting kSettings[] = {{DataType::FLOAT32, MathFidelity::HiFi4, 0.99999, 1e-5},
                             {DataType::BFLOAT16, MathFidelity::HiFi4, 0.9999, 1e-2},
                             {DataType::BFLOAT8_B, MathFidelity::LoFi, 0.999, 6e-2}};

double bound(const Setting& setting, const std::vector<float>& expected) {
  double range = 0;
  for (float v : expected) range = std::max(range, double(std::fabs(v)));
  return setting.max_abs_relative * range;
}

MatmulOptions options_for(const Setting& setting) {
  MatmulOptions options;
  options.compute_kernel_config = init_device_compute_kernel_config(setting.fidelity);
  return options;
}

TEST(MatmulOracle, MatchesTorchAtEveryDtype) {
  auto device = open_device(0);
  for (const auto& oracle : oracle_cases("matmul")) {
    for (const auto& setting : kSettings) {
      SCOPED_TRACE(oracle.name + " " + std::string(to_string(setting.dtype)));
      const Tensor a = from_host(oracle.floats("input_a"), shape_of(oracle.params["shape_a"]), setting.dtype,
                                 Layout::TILE, device.get(), L1_MEMORY_CONFIG);
      const Tensor b = from_host(oracle.floats("input_b"), shape_of(oracle.params["shape_b"]), setting.dtype,
                                 Layout::TILE, device.get(), DRAM_MEMORY_CONFIG);
      const Tensor out = matmul(a, b, options_for(setting));
      EXPECT_EQ(out.logical_shape(), shape_of(oracle.params["output_shape"]));
      const auto expected = oracle.floats("output");
      EXPECT_TRUE(AgreesWith(to_host(out), expected, setting.min_pcc, bound(setting, expected)));
    }
  }
}

TEST(LinearOracle, MatchesTorchWithTransposedWeights) {
  auto device = open_device(0);
  for (const auto& oracle : oracle_cases("linear")) {
    const uint32_t m = oracle.params["M"], k = oracle.params["K"], n = oracle.params["N"];
    for (const auto& setting : kSettings) {
      SCOPED_TRACE(oracle.name + " " + std::string(to_string(setting.dtype)));
      const Tensor input = from_host(oracle.floats("input"), Shape{m, k}, setting.dtype, Layout::TILE, device.get());
      const Tensor weight = from_host(oracle.floats("weight_t"), Shape{k, n}, setting.dtype, Layout::TILE, device.get());
      std::optional<Tensor> bias;
      if (oracle.has("bias")) bias = from_host(oracle.floats("bias"), Shape{1, n}, DataType::FLOAT32, Layout::ROW_MAJOR);
      const Tensor out = linear(input, weight, bias, options_for(setting));
      const auto expected = oracle.floats("output");
      EXPECT_TRUE(AgreesWith(to_host(out), expected, setting.min_pcc, bound(setting, expected)));
    }
  }
}

TEST(Matmul, ShardedInputGivesAShardedOutputWithTheSameValues) {
  auto device = open_device(0);
  const auto cases = oracle_cases("matmul");
  const auto& oracle = cases.front();
  const Shape a_shape = shape_of(oracle.params["shape_a"]), b_shape = shape_of(oracle.params["shape_b"]);
  const Tensor b = from_host(oracle.floats("input_b"), b_shape, DataType::BFLOAT16, Layout::TILE, device.get());
  const Tensor a = from_host(oracle.floats("input_a"), a_shape, DataType::BFLOAT16, Layout::TILE, device.get());
  const auto sharded_config = create_sharded_memory_config(a_shape, CoreGrid{1, 2}, ShardStrategy::HEIGHT,
                                                           ShardOrientation::ROW_MAJOR, false, true);
  const Tensor sharded = to_memory_config(a, sharded_config);
  const Tensor out = matmul(sharded, b);
  EXPECT_EQ(out.memory_config().memory_layout, TensorMemoryLayout::HEIGHT_SHARDED);
  EXPECT_EQ(to_host(out), to_host(matmul(a, b)));
}

TEST(Matmul, LowerFidelityLosesPrecisionAndFusedActivationClamps) {
  auto device = open_device(0);
  const auto cases = oracle_cases("linear");
  const auto& oracle = cases.front();
  const uint32_t m = oracle.params["M"], k = oracle.params["K"], n = oracle.params["N"];
  const Tensor input = from_host(oracle.floats("input"), Shape{m, k}, DataType::FLOAT32, Layout::TILE, device.get());
  const Tensor weight = from_host(oracle.floats("weight_t"), Shape{k, n}, DataType::FLOAT32, Layout::TILE, device.get());
  const auto expected = to_host(linear(input, weight));
  MatmulOptions lofi;
  lofi.compute_kernel_config = init_device_compute_kernel_config(MathFidelity::LoFi);
  const auto low = to_host(linear(input, weight, std::nullopt, lofi));
  EXPECT_GT(max_abs_error(low, expected), 1e-3);
  EXPECT_GT(pcc(low, expected), 0.999);
  lofi.activation = "relu6";
  for (float v : to_host(linear(input, weight, std::nullopt, lofi))) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 6.0f);
  }
}

// Weights that are bfloat16 values are prepared for the bfloat16 GEMM only; activations that do not fit
// bfloat16 (float32 at HiFi4) take the fp32 GEMM on the same values, made from that packing.
TEST(Matmul, Bfloat16WeightsServeFloat32ActivationsAtHiFi4) {
  auto device = open_device(0);
  const uint32_t m = 5, k = 40, n = 48;
  std::vector<float> a(size_t(m) * k), b(size_t(k) * n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.37f * float(i)) * 1.001f;  // not bfloat16 values
  for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(0.11f * float(i));
  const Tensor ta = from_host(a, Shape{m, k}, DataType::FLOAT32, Layout::TILE, device.get());
  const Tensor tb = from_host(b, Shape{k, n}, DataType::BFLOAT16, Layout::TILE, device.get());
  MatmulOptions options;
  options.compute_kernel_config = init_device_compute_kernel_config(MathFidelity::HiFi4);
  options.dtype = DataType::FLOAT32;
  const std::vector<float> got = to_host(matmul(ta, tb, options));
  const std::vector<float> stored = to_host(tb);  // the bfloat16 weights as floats
  ASSERT_EQ(got.size(), size_t(m) * n);
  for (uint32_t r = 0; r < m; ++r)
    for (uint32_t c = 0; c < n; ++c) {
      double want = 0, magnitude = 0;
      for (uint32_t i = 0; i < k; ++i) {
        want += double(a[size_t(r) * k + i]) * stored[size_t(i) * n + c];
        magnitude += std::fabs(double(a[size_t(r) * k + i]) * stored[size_t(i) * n + c]);
      }
      EXPECT_NEAR(got[size_t(r) * n + c], want, 1e-6 * magnitude + 1e-7) << r << "," << c;
    }
}

// Weights prepared ahead (as the model does for its classifier) give the bits of weights prepared by the
// first call, for the options they were prepared for and for others (prepared again).
TEST(Matmul, WeightsPreparedAheadGiveTheSameResult) {
  auto device = open_device(0);
  const auto cases = oracle_cases("linear");
  const auto& oracle = cases.front();
  const uint32_t m = oracle.params["M"], k = oracle.params["K"], n = oracle.params["N"];
  for (const auto& setting : kSettings) {
    SCOPED_TRACE(to_string(setting.dtype));
    const Tensor input = from_host(oracle.floats("input"), Shape{m, k}, setting.dtype, Layout::TILE, device.get());
    const auto weight = [&] {
      return from_host(oracle.floats("weight_t"), Shape{k, n}, setting.dtype, Layout::TILE, device.get());
    };
    const MatmulOptions options = options_for(setting);
    const std::vector<float> expected = to_host(linear(input, weight(), std::nullopt, options));
    const Tensor ahead = weight();
    prepare_matmul_weights(ahead, options, "linear");
    EXPECT_EQ(to_host(linear(input, ahead, std::nullopt, options)), expected);
    MatmulOptions other = options;
    other.compute_kernel_config = init_device_compute_kernel_config(MathFidelity::HiFi2);
    const Tensor other_ahead = weight();
    prepare_matmul_weights(other_ahead, other, "linear");
    EXPECT_EQ(to_host(linear(input, other_ahead, std::nullopt, options)), expected);
  }
}

// A batched matmul decodes only each batch's rows, not its tile padding (40 of 64 rows a batch here, in
// batches at rows 0, 64 and 128): every batch gives the bits it gives on its own, at every dtype.
TEST(Matmul, EachBatchGivesTheRowsItGivesAlone) {
  auto device = open_device(0);
  const uint32_t batches = 3, m = 40, k = 64, n = 48;
  std::vector<float> a(size_t(batches) * m * k), b(size_t(k) * n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.37f * float(i)) * 2.0f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(0.11f * float(i));
  for (const auto& setting : kSettings) {
    SCOPED_TRACE(to_string(setting.dtype));
    const MatmulOptions options = options_for(setting);
    const Tensor weights = from_host(b, Shape{k, n}, setting.dtype, Layout::TILE, device.get());
    std::vector<std::vector<float>> alone;
    for (uint32_t batch = 0; batch < batches; ++batch) {
      const std::vector<float> rows(a.begin() + size_t(batch) * m * k, a.begin() + size_t(batch + 1) * m * k);
      const Tensor input = from_host(rows, Shape{1, m, k}, setting.dtype, Layout::TILE, device.get());
      alone.push_back(to_host(matmul(input, weights, options)));
    }
    // Other values through the same scratch first, so that a row left undecoded would read them.
    const std::vector<float> other(size_t(batches) * 64 * k, 5.0f);
    matmul(from_host(other, Shape{batches, 64, k}, setting.dtype, Layout::TILE, device.get()), weights, options);
    const Tensor input = from_host(a, Shape{batches, m, k}, setting.dtype, Layout::TILE, device.get());
    const std::vector<float> together = to_host(matmul(input, weights, options));
    ASSERT_EQ(together.size(), size_t(batches) * m * n);
    for (uint32_t batch = 0; batch < batches; ++batch)
      EXPECT_TRUE(std::equal(alone[batch].begin(), alone[batch].end(), together.begin() + size_t(batch) * m * n))
          << batch;
  }
}

// A float32 matmul gives the same bits from TILE input (only each batch's rows decoded) as from ROW_MAJOR
// input (no padding rows), for row counts within, across and past 256-row bands, one and three batches, both
// numerics (tt_metal HiFi3 splits the decoded rows) and NaN left in the scratch before.
TEST(Matmul, TileInputGivesTheRowMajorBits) {
  auto device = open_device(0);
  const uint32_t k = 64, n = 48;
  std::vector<float> b(size_t(k) * n);
  for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(0.11f * float(i));
  const Tensor weights = from_host(b, Shape{k, n}, DataType::FLOAT32, Layout::TILE, device.get());
  for (const uint32_t m : {1u, 40u, 257u, 513u})
    for (const uint32_t batches : {1u, 3u})
      for (const Numerics numerics : {Numerics::accurate, Numerics::tt_metal})
        for (const MathFidelity fidelity : {MathFidelity::LoFi, MathFidelity::HiFi3, MathFidelity::HiFi4}) {
          SCOPED_TRACE(::testing::Message() << "m " << m << " batches " << batches << " " << to_string(numerics)
                                            << " " << to_string(fidelity));
          std::vector<float> a(size_t(batches) * m * k);
          for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.37f * float(i)) * 2.0f;
          MatmulOptions options;
          options.compute_kernel_config = init_device_compute_kernel_config(fidelity);
          options.compute_kernel_config->numerics = numerics;
          const uint32_t padded = (m + 31) / 32 * 32;
          const std::vector<float> nans(size_t(batches) * padded * k, std::nanf(""));
          matmul(from_host(nans, Shape{batches, padded, k}, DataType::FLOAT32, Layout::TILE, device.get()), weights,
                 options);
          const Shape shape{batches, m, k};
          const std::vector<float> tile =
              to_host(matmul(from_host(a, shape, DataType::FLOAT32, Layout::TILE, device.get()), weights, options));
          const std::vector<float> row_major =
              to_host(matmul(from_host(a, shape, DataType::FLOAT32, Layout::ROW_MAJOR, device.get()), weights, options));
          ASSERT_EQ(tile.size(), row_major.size());
          EXPECT_EQ(std::memcmp(tile.data(), row_major.data(), tile.size() * sizeof(float)), 0);
        }
}

// A planned linear writes into a buffer that held other values (the model's arena): the tile padding rows
// below its rows are stored as zeros, in one batch and in several, at every dtype.
TEST(Matmul, PaddingRowsOfAPlannedOutputAreZeros) {
  auto device = open_device(0);
  const uint32_t k = 64, n = 160;
  std::vector<float> b(size_t(k) * n);
  for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(0.11f * float(i));
  for (const auto& setting : kSettings)
    for (const uint32_t batches : {1u, 3u}) {
      SCOPED_TRACE(::testing::Message() << to_string(setting.dtype) << ", " << batches << " batches");
      const uint32_t m = 5;
      std::vector<float> a(size_t(batches) * m * k);
      for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.37f * float(i)) + 1.5f;
      const Tensor input = from_host(a, Shape{batches, m, k}, setting.dtype, Layout::TILE, device.get());
      const Tensor weights = from_host(b, Shape{k, n}, setting.dtype, Layout::TILE, device.get());
      const MatmulPlan plan = plan_matmul(input, weights, {}, options_for(setting), "matmul");
      const Tensor output = allocate_tensor(plan.output_spec, device.get(), "test");
      std::byte* bytes = output.bytes("test");
      std::fill(bytes, bytes + plan.output_layout.size_bytes, std::byte{0x5A});
      run_matmul_plan(plan, input, output);
      std::vector<float> rows(size_t(plan.output_layout.height) * n);
      read_rows(plan.output_layout, bytes, 0, plan.output_layout.height, 0, n, rows.data(), n);
      const std::vector<float> expected = to_host(matmul(input, weights, options_for(setting)));
      for (uint64_t row = 0; row < plan.output_layout.height; ++row) {
        const uint64_t batch = row / 32, local = row % 32;
        for (uint32_t col = 0; col < n; ++col) {
          const float want = local < m ? expected[(batch * m + local) * n + col] : 0.0f;
          ASSERT_EQ(rows[row * n + col], want) << "row " << row << " column " << col;
        }
      }
    }
}

// Sharded and ROW_MAJOR outputs of a planned matmul over a buffer of other bytes: every padding row zero (also
// those in the middle of a shard), every other row as matmul gives it.
TEST(Matmul, PaddingRowsOfShardedAndRowMajorOutputsAreZeros) {
  auto device = open_device(0);
  const uint32_t k = 64, n = 96, m = 5, batches = 3;
  std::vector<float> a(size_t(batches) * m * k), b(size_t(k) * n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.37f * float(i)) + 1.5f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(0.11f * float(i));
  const CoreRangeSet grid(CoreRange({0, 0}, {7, 7}));
  for (const Layout layout : {Layout::TILE, Layout::ROW_MAJOR})
    for (const DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B, DataType::BFLOAT4_B}) {
      if (layout == Layout::ROW_MAJOR && is_block_float(dtype)) continue;
      const uint32_t height = layout == Layout::TILE ? batches * 32 : batches * m, unit = layout == Layout::TILE ? 32 : 1;
      const std::vector<MemoryConfig> configs = {
          DRAM_MEMORY_CONFIG,
          {TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1, ShardSpec{grid, {2 * unit, n}}},
          {TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1, ShardSpec{grid, {layout == Layout::TILE ? 64u : 4u, n}}},
          {TensorMemoryLayout::WIDTH_SHARDED, BufferType::L1, ShardSpec{grid, {height, 32}}},
          {TensorMemoryLayout::BLOCK_SHARDED, BufferType::L1, ShardSpec{grid, {2 * unit, 64}}}};
      for (const MemoryConfig& config : configs) {
        SCOPED_TRACE(::testing::Message() << to_string(dtype) << (layout == Layout::TILE ? " TILE " : " ROW_MAJOR ")
                                          << to_string(config.memory_layout));
        const Tensor input = from_host(a, Shape{batches, m, k}, DataType::FLOAT32, layout, device.get());
        const Tensor weights = from_host(b, Shape{k, n}, DataType::FLOAT32, Layout::TILE, device.get());
        MatmulOptions options;
        options.memory_config = config;
        options.dtype = dtype;
        options.activation = "relu";
        const MatmulPlan plan = plan_matmul(input, weights, {}, options, "matmul");
        const Tensor output = allocate_tensor(plan.output_spec, device.get(), "test");
        std::byte* bytes = output.bytes("test");
        std::fill(bytes, bytes + plan.output_layout.size_bytes, std::byte{0x5A});
        run_matmul_plan(plan, input, output);
        const uint64_t rows_total = plan.output_layout.height;
        std::vector<float> rows(size_t(rows_total) * n);
        read_rows(plan.output_layout, bytes, 0, rows_total, 0, n, rows.data(), n);
        const std::vector<float> expected = to_host(matmul(input, weights, options));
        const uint64_t padded = layout == Layout::TILE ? 32 : m;
        for (uint64_t row = 0; row < rows_total; ++row)
          for (uint32_t col = 0; col < n; ++col) {
            const uint64_t batch = row / padded, local = row % padded;
            const float want = local < m ? expected[(batch * m + local) * n + col] : 0.0f;
            ASSERT_EQ(rows[row * n + col], want) << "row " << row << " column " << col;
          }
      }
    }
}
TEST(Matmul, BadShapesGetClearErrors) {
  const std::vector<float> values(64 * 64, 1.0f);
  const Tensor a = from_host(std::span(values).first(32 * 48), Shape{32, 48});
  const Tensor b = from_host(std::span(values).first(40 * 16), Shape{40, 16});
  try {
    matmul(a, b);
    FAIL();
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("inner dimensions differ"), std::string::npos) << error.what();
  }
  const Tensor weight = from_host(std::span(values).first(48 * 16), Shape{48, 16});
  const Tensor bias = from_host(std::span(values).first(8), Shape{8});
  EXPECT_THROW(linear(a, weight, bias), InvalidArgument);
  MatmulOptions options;
  options.activation = "tanh";
  EXPECT_THROW(linear(a, weight, std::nullopt, options), InvalidArgument);
}

}  // namespace
}  // namespace ttnn::test
