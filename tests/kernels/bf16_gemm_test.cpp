// The bfloat16 GEMM at every tier: bit-identical to the reference (one summation order and one flushing
// rule for all tiers, kernels.hpp) where the tier adds in that order, within the summation bound where a
// matrix engine adds in its own (the amx tier); and the reference equal to an fp32 GEMM of the same values
// up to summation order.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/bfloat16.hpp"
#include "kernels/cpu/tiers.hpp"
#include "kernels/kernel_tier.hpp"
#include "kernels/kernels.hpp"
#include "support/random_values.hpp"

namespace ttnn::kernels {
namespace {

constexpr float kSentinel = -12345.5f;
constexpr float kInf = std::numeric_limits<float>::infinity();

float to_bf16_value(float v) {  // round to nearest even, the way prepared weights are stored
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  bits = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
  std::memcpy(&v, &bits, 4);
  return v;
}

struct Bf16Case {
  size_t m, n, k;
  bool bias;
  float clamp_min, clamp_max;
  size_t pad;  // extra elements per row of every operand

  std::string name() const {
    return "m" + std::to_string(m) + "_n" + std::to_string(n) + "_k" + std::to_string(k) + (bias ? "_bias" : "") +
           "_pad" + std::to_string(pad);
  }
};

struct Bf16Data {
  Bf16Case cs;
  size_t a_stride, c_stride;
  std::vector<float> a_values, w_values, bias;  // bfloat16 values as floats: a [m][k], w [n][k]
  std::vector<uint16_t> a, packed;

  explicit Bf16Data(const Bf16Case& c, float a_scale = 1.0f) : cs(c) {
    a_stride = bf16_pairs(c.k) * 2 + 2 * c.pad;
    c_stride = c.n + c.pad;
    const unsigned seed = unsigned(c.m * 7919 + c.n * 31 + c.k);
    a_values = test::random_values(c.m * c.k, seed, a_scale);
    w_values = test::random_values(c.n * c.k, seed + 1);
    for (float& v : a_values) v = to_bf16_value(v);
    for (float& v : w_values) v = to_bf16_value(v);
    bias = test::random_values(c.n, seed + 2);
    a.assign(c.m * a_stride, 0x7FC1);  // NaN bits past each row's k_pairs * 2 elements: must not be read
    for (size_t r = 0; r < c.m; ++r) {
      bf16_top_halves_ref(a_values.data() + r * c.k, c.k, a.data() + r * a_stride);
      for (size_t kk = c.k; kk < bf16_pairs(c.k) * 2; ++kk) a[r * a_stride + kk] = 0;
    }
    packed.assign(packed_gemm_weights_bf16_elems(c.n, c.k), 0xFFFF);
    pack_gemm_weights_bf16(c.n, c.k, w_values.data(), c.k, packed.data());
  }

  // Rows [row0, row0 + rows) and channels [n0, n0 + n) of the product alone (n0 a multiple of 16).
  struct Window {
    size_t row0, rows, n0, n;
  };

  // The product (or a window of it, written from out's first row).
  std::vector<float> run(GemmBf16Fn fn, bool round_to_bf16 = false, std::optional<Window> window = std::nullopt) const {
    const Window w = window.value_or(Window{0, cs.m, 0, cs.n});
    std::vector<float> out(w.rows * c_stride, kSentinel);
    GemmBf16Args g;
    g.m = w.rows, g.n = w.n, g.k = cs.k;
    g.a = a.data() + w.row0 * a_stride, g.a_row_stride = a_stride;
    g.a_values = a_values.data() + w.row0 * cs.k, g.a_values_row_stride = cs.k;
    g.packed_w = packed.data() + packed_gemm_weights_bf16_panel(w.n0, cs.k);
    g.bias = cs.bias ? bias.data() + w.n0 : nullptr;
    g.clamp_min = cs.clamp_min, g.clamp_max = cs.clamp_max;
    g.round_to_bf16 = round_to_bf16;
    g.c = out.data(), g.c_row_stride = c_stride;
    fn(g);
    return out;
  }

  // The product rounded to bfloat16 and written as words (GemmBf16Args::c_words), 0xABCD past the n columns.
  std::vector<uint16_t> run_words(GemmBf16Fn fn) const {
    std::vector<uint16_t> out(cs.m * c_stride, 0xABCD);
    GemmBf16Args g;
    g.m = cs.m, g.n = cs.n, g.k = cs.k;
    g.a = a.data(), g.a_row_stride = a_stride;
    g.a_values = a_values.data(), g.a_values_row_stride = cs.k;
    g.packed_w = packed.data();
    g.bias = cs.bias ? bias.data() : nullptr;
    g.clamp_min = cs.clamp_min, g.clamp_max = cs.clamp_max;
    g.round_to_bf16 = true;
    g.c_words = out.data(), g.c_row_stride = c_stride;
    fn(g);
    return out;
  }
};

const size_t kDims[] = {1, 2, 3, 5, 8, 12, 13, 16, 17, 24, 31, 32, 33, 47, 100};

bool same_bits(float x, float y) { return std::memcmp(&x, &y, 4) == 0; }

// Output i of `data` from `table`'s GEMM against the reference's: the same bits where the tier adds in the
// reference's order (and past the n columns, which no tier writes); otherwise within GemmBf16Args' bound,
// k * 2^-24 of the products' and bias's magnitudes plus k flushed subnormals, before the epilogue's
// rounding to bfloat16 may move the output by one step of its own.
::testing::AssertionResult matches_reference(const KernelTable& table, const Bf16Data& data, size_t i, float want,
                                             float got, bool round_to_bf16 = false) {
  const size_t row = i / data.c_stride, col = i % data.c_stride;
  if (same_bits(want, got)) return ::testing::AssertionSuccess();
  if (table.bf16_gemm_in_reference_order || col >= data.cs.n || std::isnan(want) || std::isinf(want))
    return ::testing::AssertionFailure() << "got " << got << ", reference " << want << " (bit for bit)";
  const size_t k = data.cs.k;
  double magnitude = data.cs.bias ? std::fabs(data.bias[col]) : 0.0;
  for (size_t kk = 0; kk < k; ++kk)
    magnitude += std::fabs(double(data.a_values[row * k + kk]) * data.w_values[col * k + kk]);
  double bound = double(k + 1) * std::ldexp(magnitude, -24) + double(k) * std::ldexp(1.0, -125);
  if (round_to_bf16) bound += std::ldexp(std::fabs(double(want)), -7);
  if (std::fabs(double(got) - double(want)) <= bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << got << ", reference " << want << ", beyond the bound " << bound;
}

TEST_P(KernelTier, Bf16GemmIsBitIdenticalToRef) {
  size_t cases = 0;
  for (size_t m : kDims)
    for (size_t n : kDims)
      for (size_t k : {1, 2, 3, 16, 17, 64, 99}) {
        const Bf16Case c{m, n, k, (m + n + k) % 2 == 0, (m % 3 == 0) ? 0.0f : -kInf, (m % 3 == 0) ? 6.0f : kInf,
                         (n % 2) * 3};
        const Bf16Data data(c);
        const std::vector<float> want = data.run(bf16_gemm_packed_ref), got = data.run(table_->bf16_gemm_packed);
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_TRUE(matches_reference(*table_, data, i, want[i], got[i]))
              << c.name() << " row " << i / data.c_stride << " col " << i % data.c_stride;
        ++cases;
      }
  RecordProperty("cases", int(cases));
}

// An output's bits depend on its row and channel only, not on the rest of the call (how many rows, which
// row a call starts at, from which panel): what lets threads split a conv any way and get the same values,
// at every tier, the matrix engine's own order included.
TEST_P(KernelTier, Bf16GemmOutputsDoNotDependOnTheRestOfTheCall) {
  for (size_t k : {16, 40, 64, 99})
    for (size_t m : {1, 17, 40, 70}) {
      const Bf16Data data({m, 80, k, true, 0.0f, 6.0f, 1});
      const std::vector<float> whole = data.run(table_->bf16_gemm_packed, true);
      for (size_t row0 : {size_t(0), size_t(1), m / 2, m - 1})
        for (size_t n0 : {0, 16, 48}) {
          const size_t rows = std::min<size_t>(m - row0, row0 % 2 ? 3 : 33), n = 80 - n0 - (n0 == 16 ? 16 : 0);
          const std::vector<float> part =
              data.run(table_->bf16_gemm_packed, true, Bf16Data::Window{row0, rows, n0, n});
          for (size_t r = 0; r < rows; ++r)
            for (size_t j = 0; j < n; ++j)
              ASSERT_TRUE(same_bits(part[r * data.c_stride + j], whole[(row0 + r) * data.c_stride + n0 + j]))
                  << "k" << k << " m" << m << " rows " << row0 << "+" << rows << " channel " << n0 + j;
        }
    }
}

#if defined(__x86_64__)
// The AMX GEMM loads its tile shapes whatever the thread's last user of the tiles left in force: other
// shapes (another library's kernels), or none (tilerelease).
TEST(KernelAmx, GemmRunsWhateverTileShapesTheThreadLeft) {
  if (!isa_available(CpuIsa::amx)) GTEST_SKIP() << "no amx tier here (CPU has: " << cpu_features() << ")";
  const GemmBf16Fn gemm = kernel_table_for(CpuIsa::amx).bf16_gemm_packed;
  const Bf16Data data({40, 48, 64, true, 0.0f, 6.0f, 0});
  const std::vector<float> want = data.run(gemm);
  struct alignas(64) TileConfig {
    uint8_t palette = 1, start_row = 0, reserved[14] = {};
    uint16_t bytes_per_row[16] = {};
    uint8_t rows[16] = {};
  } other;
  for (size_t t = 0; t < 8; ++t) other.bytes_per_row[t] = 8, other.rows[t] = 2;
  __asm__ volatile("ldtilecfg %0" : : "m"(other));
  EXPECT_EQ(data.run(gemm), want) << "after other shapes";
  __asm__ volatile("tilerelease" : : : "memory");
  EXPECT_EQ(data.run(gemm), want) << "after tilerelease";
}
#endif

// Outputs rounded in the epilogue: the reference's outputs rounded as a bfloat16 tensor stores them, at
// every tier, and nothing written past the n columns.
TEST_P(KernelTier, Bf16GemmRoundsOutputsToBfloat16) {
  size_t rounded_away = 0;
  for (size_t m : {1, 5, 12, 13, 30})
    for (size_t n : {1, 16, 17, 32, 33, 130})
      for (size_t k : {1, 16, 17, 99}) {
        const Bf16Data data({m, n, k, k % 2 == 1, m % 2 ? 0.0f : -kInf, m % 2 ? 6.0f : kInf, n % 2});
        const std::vector<float> plain = data.run(bf16_gemm_packed_ref);
        const std::vector<float> want = data.run(bf16_gemm_packed_ref, true), got = data.run(table_->bf16_gemm_packed, true);
        for (size_t i = 0; i < want.size(); ++i) {
          const bool column = i % data.c_stride < n;
          ASSERT_TRUE(same_bits(want[i], column ? formats::round_to_bfloat16(plain[i]) : kSentinel)) << i;
          ASSERT_TRUE(matches_reference(*table_, data, i, want[i], got[i], true))
              << "m" << m << " n" << n << " k" << k << " at " << i;
          rounded_away += column && !same_bits(plain[i], want[i]);
        }
      }
  EXPECT_GT(rounded_away, 1000u);  // the outputs were not bfloat16 values already
}

// Outputs written as bfloat16 words (a block's output the next GEMM reads as words), on the tiers whose GEMM
// writes them: the words of the same GEMM's rounded outputs, nothing written past the n columns.
TEST_P(KernelTier, Bf16GemmWritesTheWordsOfItsRoundedOutputs) {
  if (!table_->bf16_gemm_writes_words) GTEST_SKIP() << table_->isa << "'s GEMM leaves words to its caller";
  for (size_t m : {1, 5, 12, 13, 30})
    for (size_t n : {1, 16, 17, 32, 33, 130})
      for (size_t k : {1, 16, 17, 99}) {
        const Bf16Data data({m, n, k, k % 2 == 1, m % 2 ? 0.0f : -kInf, m % 2 ? 6.0f : kInf, n % 2});
        const std::vector<float> rounded = data.run(table_->bf16_gemm_packed, true);
        const std::vector<uint16_t> words = data.run_words(table_->bf16_gemm_packed);
        for (size_t i = 0; i < words.size(); ++i) {
          const uint16_t want = i % data.c_stride < n ? uint16_t(std::bit_cast<uint32_t>(rounded[i]) >> 16) : 0xABCD;
          ASSERT_EQ(words[i], want) << "m" << m << " n" << n << " k" << k << " at " << i;
        }
      }
}

// A subnormal clamp bound reads as zero, as every subnormal input does: no output is subnormal, rounded or
// not, at every tier.
TEST_P(KernelTier, Bf16GemmFlushesSubnormalClampBounds) {
  const std::pair<float, float> bounds[] = {{1.0e-39f, kInf}, {-3.3e-40f, kInf}, {-kInf, 3.3e-40f}, {-kInf, -1.0e-39f}};
  for (const auto& [lo, hi] : bounds)
    for (bool round_to_bf16 : {false, true}) {
      const Bf16Data data({13, 33, 17, true, lo, hi, 1});
      const std::vector<float> want = data.run(bf16_gemm_packed_ref, round_to_bf16),
                               got = data.run(table_->bf16_gemm_packed, round_to_bf16);
      size_t clamped = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_TRUE(matches_reference(*table_, data, i, want[i], got[i], round_to_bf16))
            << lo << ".." << hi << " at " << i;
        ASSERT_NE(std::fpclassify(want[i]), FP_SUBNORMAL) << i;
        ASSERT_NE(std::fpclassify(got[i]), FP_SUBNORMAL) << i;
        clamped += want[i] == 0.0f;
      }
      EXPECT_GT(clamped, 100u) << lo << ".." << hi;
    }
}

// The clamp passes a NaN (Inf * 0) and keeps -0 (a negative product flushed, under a clamp at 0), as the
// reference's std::max / std::min do, at every tier, rounded or not.
TEST_P(KernelTier, Bf16GemmClampPassesNaNAndKeepsMinusZero) {
  for (const bool nan : {false, true})
    for (bool round_to_bf16 : {false, true}) {
      Bf16Data data({1, 16, 2, false, nan ? -kInf : 0.0f, kInf, 0});
      data.a_values = {nan ? kInf : to_bf16_value(-1e-20f), 0.0f};
      for (size_t c = 0; c < 16; ++c) data.w_values[c * 2] = nan ? 0.0f : to_bf16_value(1e-20f), data.w_values[c * 2 + 1] = 0.0f;
      bf16_top_halves_ref(data.a_values.data(), 2, data.a.data());
      pack_gemm_weights_bf16(16, 2, data.w_values.data(), 2, data.packed.data());
      const std::vector<float> want = data.run(bf16_gemm_packed_ref, round_to_bf16),
                               got = data.run(table_->bf16_gemm_packed, round_to_bf16);
      for (size_t i = 0; i < 16; ++i) {
        ASSERT_TRUE(nan ? std::isnan(want[i]) : same_bits(want[i], -0.0f)) << i << ": " << want[i];
        // A matrix engine's sum of flushed negative products is +0 (its tiles start from +0): a zero still.
        const bool same = table_->bf16_gemm_in_reference_order ? same_bits(want[i], got[i])
                          : nan                                 ? std::isnan(got[i])
                                                                : got[i] == 0.0f;
        ASSERT_TRUE(same) << "nan " << nan << " round " << round_to_bf16 << " col " << i
                          << ": got " << got[i] << ", reference " << want[i];
      }
    }
}

// The AVX-512 tier has two bfloat16 GEMMs (vdpbf16ps, and fp32 FMAs on widened weights) and uses the
// faster on this CPU; both must give the reference's bits.
TEST(KernelAvx512, BothBf16GemmsAreBitIdenticalToRef) {
  if (!isa_available(CpuIsa::avx512)) GTEST_SKIP() << "no avx512 tier here (CPU has: " << cpu_features() << ")";
  const Bf16GemmVariants variants = avx512_bf16_gemm_variants();
  for (GemmBf16Fn fn : {variants.on_bf16_dot, variants.on_fp32_fma})
    for (size_t m : {1, 11, 12, 13, 49})
      for (size_t n : {1, 16, 17, 32, 33, 100})
        for (size_t k : {1, 2, 3, 16, 17, 64, 99}) {
          for (float scale : {1.0f, 1e-20f}) {  // the second: subnormal products, flushed
            const Bf16Data data({m, n, k, (m + k) % 2 == 0, -kInf, kInf, k % 3}, scale);
            for (bool round_to_bf16 : {false, true}) {
              const std::vector<float> want = data.run(bf16_gemm_packed_ref, round_to_bf16),
                                       got = data.run(fn, round_to_bf16);
              for (size_t i = 0; i < want.size(); ++i)
                ASSERT_TRUE(same_bits(want[i], got[i])) << "m" << m << " n" << n << " k" << k << " scale " << scale
                                                        << " round " << round_to_bf16 << " at " << i << ": " << got[i]
                                                        << " vs " << want[i];
            }
            ASSERT_EQ(data.run_words(fn), data.run_words(bf16_gemm_packed_ref)) << "m" << m << " n" << n << " k" << k;
          }
        }
}

// Subnormal inputs read as zero and subnormal partial sums flush, at every tier alike.
TEST_P(KernelTier, Bf16GemmFlushesSubnormalsLikeVdpbf16ps) {
  Bf16Case c{5, 20, 9, true, -kInf, kInf, 0};
  for (float scale : {1e-19f, 1e-20f, 1e-38f}) {
    Bf16Data data(c, scale);  // products near and below fp32's smallest normal
    for (float& v : data.w_values) v *= 1e-19f;
    data.packed.assign(packed_gemm_weights_bf16_elems(c.n, c.k), 0);
    std::vector<float> w = data.w_values;
    for (float& v : w) v = to_bf16_value(v);
    pack_gemm_weights_bf16(c.n, c.k, w.data(), c.k, data.packed.data());
    const std::vector<float> want = data.run(bf16_gemm_packed_ref), got = data.run(table_->bf16_gemm_packed);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_TRUE(matches_reference(*table_, data, i, want[i], got[i])) << scale << " at " << i;
      ASSERT_NE(std::fpclassify(got[i]), FP_SUBNORMAL) << scale << " at " << i;
    }
  }
}

// The reference's arithmetic: the fp32 GEMM of the same bfloat16 values, up to summation order.
TEST(KernelRef, Bf16GemmEqualsF32GemmOfTheSameValues) {
  for (size_t m : {1, 7, 13})
    for (size_t n : {1, 16, 33})
      for (size_t k : {1, 8, 27, 100}) {
        const Bf16Data data({m, n, k, true, -kInf, kInf, 0});
        const std::vector<float> got = data.run(bf16_gemm_packed_ref);
        GemmArgs f;
        std::vector<float> want(m * data.c_stride, kSentinel);
        f.m = m, f.n = n, f.k = k;
        f.a = data.a_values.data(), f.a_row_stride = k;
        f.w = data.w_values.data(), f.w_row_stride = k;
        f.bias = data.bias.data();
        f.clamp_min = -kInf, f.clamp_max = kInf;
        f.c = want.data(), f.c_row_stride = data.c_stride;
        f32_gemm_ref(f);
        for (size_t r = 0; r < m; ++r)
          for (size_t j = 0; j < n; ++j) {
            double magnitude = std::fabs(data.bias[j]);
            for (size_t kk = 0; kk < k; ++kk)
              magnitude += std::fabs(double(data.a_values[r * k + kk]) * data.w_values[j * k + kk]);
            EXPECT_NEAR(got[r * data.c_stride + j], want[r * data.c_stride + j], 1e-6 * magnitude * std::sqrt(k + 1.0))
                << "m" << m << " n" << n << " k" << k << " at " << r << "," << j;
          }
      }
}

TEST(KernelRef, PackBf16WeightsLayoutIsPairsWithinPanels) {
  const size_t n = 18, k = 3;  // two pairs (the second half padding), two panels
  std::vector<float> w(n * k);
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(i + 1);
  std::vector<uint16_t> packed(packed_gemm_weights_bf16_elems(n, k), 0xFFFF);
  const size_t panel = 16 * 2 * 16;  // 16 pairs (2 used, the rest zeros for a matrix engine's tile) of 16 channels
  ASSERT_EQ(bf16_panel_elems(k), panel);
  ASSERT_EQ(packed.size(), 2 * panel);
  pack_gemm_weights_bf16(n, k, w.data(), k, packed.data());
  auto bits = [](float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    return uint16_t(b >> 16);
  };
  EXPECT_EQ(packed[0], bits(w[0]));              // panel 0, pair 0, channel 0, k 0
  EXPECT_EQ(packed[1], bits(w[1]));              // k 1
  EXPECT_EQ(packed[2], bits(w[k]));              // channel 1, k 0
  EXPECT_EQ(packed[32 + 2 * 5], bits(w[5 * k + 2]));  // pair 1: channel 5, k 2
  EXPECT_EQ(packed[32 + 2 * 5 + 1], 0);          // k 3: padding
  for (size_t e = 64; e < panel; ++e) EXPECT_EQ(packed[e], 0) << e;  // pairs 2-15: zeros
  EXPECT_EQ(packed[panel + 2 * 1], bits(w[17 * k]));  // panel 1, channel 17
  EXPECT_EQ(packed[panel + 2 * 2], 0);              // channel 18: padding
}

TEST_P(KernelTier, Bf16TopHalvesMatchRef) {
  const std::vector<float> values = test::random_values(1000, 3);
  for (size_t count : {0, 1, 15, 16, 17, 999}) {
    std::vector<uint16_t> want(count + 1, 0xABCD), got(count + 1, 0xABCD);
    bf16_top_halves_ref(values.data(), count, want.data());
    table_->bf16_top_halves_rows(values.data(), count, 1, count, got.data(), count);
    EXPECT_EQ(want, got) << count;  // including the untouched element past the end
  }
  // Rows of narrow columns at wider strides (a GEMM's rows of 24 channels held 32 apart): each row as alone,
  // nothing written between the rows.
  for (size_t cols : {1, 16, 24, 47})
    for (size_t rows : {1, 3, 8}) {
      const size_t values_stride = cols + 8, bits_stride = cols + 3;
      std::vector<uint16_t> want(rows * bits_stride, 0xABCD), got(rows * bits_stride, 0xABCD);
      for (size_t r = 0; r < rows; ++r)
        bf16_top_halves_ref(values.data() + r * values_stride, cols, want.data() + r * bits_stride);
      table_->bf16_top_halves_rows(values.data(), values_stride, rows, cols, got.data(), bits_stride);
      EXPECT_EQ(want, got) << rows << " rows of " << cols;
    }
}

TEST_P(KernelTier, DotPeakLoopsCountTheirWork) {
  for (PeakFn peak : {table_->bf16_dot_peak, table_->int8_dot_peak}) {
    ASSERT_NE(peak, nullptr);
    const double small = peak(1000), large = peak(3000);
    EXPECT_GT(small, 0.0);
    EXPECT_DOUBLE_EQ(large, 3 * small);
  }
}

TTNN_INSTANTIATE_KERNEL_TIERS(Bf16Tiers);

}  // namespace
}  // namespace ttnn::kernels
