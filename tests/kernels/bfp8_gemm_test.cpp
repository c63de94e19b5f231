// The bfloat8_b GEMM (bfp8_gemm.hpp): the AVX-512 VNNI kernel bit-identical to the reference (exact int32
// block products, one fp32 summation order), and the reference equal to a float64 GEMM of the decoded
// values up to the fp32 rounding of its block sums; every tier's GEMM for wide convs (bfp8_gemm_wide) the
// reference's bits or, on tiles that sum in their own order, within the summation bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/bfp8_gemm.hpp"
#include "kernels/kernel_tier.hpp"
#include "kernels/kernels.hpp"
#include "support/random_values.hpp"

namespace ttnn::kernels {
namespace {

constexpr float kSentinel = -12345.5f;
constexpr float kInf = std::numeric_limits<float>::infinity();

struct Bfp8Case {
  size_t m, n, k;
  bool nonnegative;  // post-ReLU activations (a third of them zero)
  bool bias;
  float clamp_min, clamp_max;
  size_t pad;  // extra bytes / floats per row of every operand
  int exponent_lo = 110, exponent_hi = 135;

  std::string name() const {
    return "m" + std::to_string(m) + "_n" + std::to_string(n) + "_k" + std::to_string(k) +
           (nonnegative ? "_nonneg" : "_signed") + (bias ? "_bias" : "") + "_pad" + std::to_string(pad) + "_e" +
           std::to_string(exponent_lo) + "-" + std::to_string(exponent_hi);
  }
};

struct Bfp8Data {
  Bfp8Case cs;
  size_t blocks, a_stride, a_exponents_stride, c_stride;
  std::vector<int8_t> a, w;              // a [m][a_stride], w [n][k]
  std::vector<uint8_t> a_exponents, w_exponents, packed;
  std::vector<uint16_t> packed_bf16;  // the same weights as bfloat16 panels (GemmBfp8Args::packed_w_bf16)
  std::vector<float> bias;

  // zero_last_half: the weights' last 8 k values zero, as a reduction of 16b + 8 channels pads them.
  explicit Bfp8Data(const Bfp8Case& c, bool zero_last_half = false) : cs(c), blocks(c.k / kBfp8Block) {
    a_stride = c.k + c.pad;
    a_exponents_stride = blocks + c.pad;
    c_stride = c.n + c.pad;
    std::mt19937 rng(unsigned(c.m * 7919 + c.n * 31 + c.k + (c.nonnegative ? 1 : 0)));
    std::uniform_int_distribution<int> signed_code(-127, 127), nonnegative_code(0, 127), zero_third(0, 2);
    std::uniform_int_distribution<int> exponent(c.exponent_lo, c.exponent_hi);
    // Values past each row's k (the padding) are junk the kernels must not read into results.
    a.assign(c.m * a_stride, int8_t(-99));
    for (size_t r = 0; r < c.m; ++r)
      for (size_t kk = 0; kk < c.k; ++kk) {
        int8_t& v = a[r * a_stride + kk];
        v = int8_t(c.nonnegative ? (zero_third(rng) == 0 ? 0 : nonnegative_code(rng)) : signed_code(rng));
      }
    a_exponents.assign(c.m * a_exponents_stride, uint8_t(250));
    for (size_t r = 0; r < c.m; ++r)
      for (size_t b = 0; b < blocks; ++b) a_exponents[r * a_exponents_stride + b] = uint8_t(exponent(rng));
    w.resize(c.n * c.k);
    for (int8_t& v : w) v = int8_t(signed_code(rng));
    if (zero_last_half)
      for (size_t col = 0; col < c.n; ++col) std::fill_n(w.begin() + std::ptrdiff_t(col * c.k + c.k - 8), 8, int8_t(0));
    w_exponents.resize(c.n * blocks);
    for (uint8_t& e : w_exponents) e = uint8_t(exponent(rng));
    bias = test::random_values(c.n, unsigned(c.k + 5), 1e-3f);
    packed.assign(packed_gemm_weights_bfp8_bytes(c.n, c.k), uint8_t(0xA5));
    pack_gemm_weights_bfp8(c.n, c.k, w.data(), c.k, w_exponents.data(), blocks, packed.data());
    std::vector<float> values(c.n * c.k);
    unpack_gemm_weights_bfp8(c.n, c.k, packed.data(), values.data());
    packed_bf16.assign(packed_gemm_weights_bf16_elems(c.n, c.k), uint16_t(0xFFFF));
    pack_gemm_weights_bf16(c.n, c.k, values.data(), c.k, packed_bf16.data());
  }

  double a_value(size_t r, size_t kk) const {
    return std::ldexp(double(a[r * a_stride + kk]), int(a_exponents[r * a_exponents_stride + kk / kBfp8Block]) - 133);
  }
  double w_value(size_t col, size_t kk) const {
    return std::ldexp(double(w[col * cs.k + kk]), int(w_exponents[col * blocks + kk / kBfp8Block]) - 133);
  }

  // declare_nonnegative: Int8Activations::nonnegative; biased: the activations passed as value + 128
  // (Int8Activations::biased), as bfp8_tile_rows_to_int8 writes them with code_bias 0x80. row0 and n0 (a
  // multiple of 16): the call covers rows from row0 and channels from n0 only, written from out's first row.
  std::vector<float> run(void (*fn)(const GemmBfp8Args&), bool declare_nonnegative, bool biased = false,
                         bool round_to_bfp8 = false, bool last_block_half = false, size_t row0 = 0,
                         size_t n0 = 0) const {
    std::vector<float> out((cs.m - row0) * c_stride, kSentinel);
    std::vector<int8_t> biased_a = a;
    for (int8_t& v : biased_a) v = int8_t(uint8_t(v) ^ 0x80);
    GemmBfp8Args g;
    g.m = cs.m - row0, g.n = cs.n - n0, g.k = cs.k;
    g.a = (biased ? biased_a.data() : a.data()) + row0 * a_stride, g.a_row_stride = a_stride;
    g.activations = biased ? Int8Activations::biased
                           : declare_nonnegative ? Int8Activations::nonnegative : Int8Activations::signed_values;
    g.a_exponents = a_exponents.data() + row0 * a_exponents_stride, g.a_exponents_row_stride = a_exponents_stride;
    g.packed_w = packed.data() + n0 / kBfp8PanelWidth * blocks * kBfp8BlockRecordBytes;
    g.packed_w_bf16 = packed_bf16.data() + packed_gemm_weights_bf16_panel(n0, cs.k);
    g.bias = cs.bias ? bias.data() + n0 : nullptr;
    g.clamp_min = cs.clamp_min, g.clamp_max = cs.clamp_max;
    g.round_to_bfp8 = round_to_bfp8;
    g.last_block_half = last_block_half;
    g.c = out.data(), g.c_row_stride = c_stride;
    fn(g);
    return out;
  }
};

bool same_bits(float x, float y) { return std::memcmp(&x, &y, 4) == 0; }

void expect_bit_identical(const Bfp8Data& data, const std::vector<float>& want, const std::vector<float>& got,
                          const char* what) {
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_TRUE(same_bits(want[i], got[i])) << data.cs.name() << " (" << what << ") row " << i / data.c_stride
                                             << " col " << i % data.c_stride << ": got " << got[i] << ", reference "
                                             << want[i];
}

class Bfp8GemmAvx512 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!isa_available(CpuIsa::avx512))
      GTEST_SKIP() << "tier 'avx512' not runnable here (not built, or the CPU lacks it; CPU has: " << cpu_features()
                   << ")";
  }
};

TEST_F(Bfp8GemmAvx512, BitIdenticalToRefOverShapes) {
  const size_t rows[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 49, 100};
  size_t cases = 0;
  for (size_t m : rows)
    for (size_t n : {1, 15, 16, 17, 33, 160})
      for (size_t k : {16, 32, 96, 960})
        for (bool nonnegative : {false, true}) {
          const bool clamp = (m + n) % 3 == 0;
          const Bfp8Case c{m, n, k, nonnegative, (m + n + k) % 2 == 0, clamp ? 0.0f : -kInf, clamp ? 6e-3f : kInf,
                           (n % 2) * 3};
          const Bfp8Data data(c);
          const std::vector<float> want = data.run(bfp8_gemm_packed_ref, nonnegative);
          expect_bit_identical(data, want, data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, nonnegative), "kernel");
          if (nonnegative)  // the signed path must handle nonnegative values too
            expect_bit_identical(data, want, data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, false),
                                 "kernel, declared signed");
          // Activations passed biased by +128: the same bits, from the kernel and the reference.
          expect_bit_identical(data, want, data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, false, true),
                               "kernel, biased activations");
          expect_bit_identical(data, want, data.run(bfp8_gemm_packed_ref, false, true), "reference, biased activations");
          if (HasFatalFailure()) return;
          ++cases;
        }
  RecordProperty("cases", int(cases));
}

// A reduction of 16b + 8 channels (its last block's second half zero weights): the kernel told so skips
// those products and gives the reference's bits, for every activation form and tile height.
TEST_F(Bfp8GemmAvx512, SkipsTheLastBlocksZeroHalf) {
  for (size_t m : {1, 5, 6, 7, 13, 49})
    for (size_t k : {16, 32, 160})
      for (bool nonnegative : {false, true}) {
        const Bfp8Data data({m, 40, k, nonnegative, true, -kInf, kInf, 1}, true);
        const std::vector<float> want = data.run(bfp8_gemm_packed_ref, nonnegative);
        expect_bit_identical(data, want, data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, nonnegative, false, false, true),
                             "kernel");
        expect_bit_identical(data, want, data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, false, true, false, true),
                             "kernel, biased activations");
        expect_bit_identical(data, want, data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, false, false, false, true),
                             "kernel, signed activations");
        if (HasFatalFailure()) return;
      }
}

// Exponents far from 127 (subnormal scales, products near fp32's range ends) keep the two identical.
TEST_F(Bfp8GemmAvx512, BitIdenticalToRefAtExtremeExponents) {
  for (auto [lo, hi] : {std::pair{0, 40}, std::pair{60, 70}, std::pair{150, 187}, std::pair{0, 187}})
    for (bool nonnegative : {false, true}) {
      Bfp8Case c{13, 40, 160, nonnegative, false, -kInf, kInf, 1};
      c.exponent_lo = lo, c.exponent_hi = hi;
      const Bfp8Data data(c);
      expect_bit_identical(data, data.run(bfp8_gemm_packed_ref, nonnegative),
                           data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, nonnegative), "kernel");
      if (HasFatalFailure()) return;
    }
}

// Outputs rounded as bfloat8_b stores them, in the epilogue: the reference's are its unrounded outputs
// rounded by bfp8_round_rows_ref (blocks of 16 from column 0, nothing written past n), and the kernel's are
// the reference's bits, at ordinary and extreme exponents (blocks the vector path leaves to the reference:
// tiny scales, magnitudes above 2^110).
TEST_F(Bfp8GemmAvx512, RoundsOutputsToBfloat8bLikeTheReference) {
  size_t cases = 0, changed = 0;
  for (auto [lo, hi] : {std::pair{110, 135}, std::pair{0, 40}, std::pair{60, 75}, std::pair{150, 187}})
    for (size_t m : {1, 2, 5, 6, 7, 13, 49})
      for (size_t n : {1, 15, 16, 17, 24, 33, 72, 160})
        for (size_t k : {16, 96})
          for (bool nonnegative : {false, true}) {
            const bool clamp = (m + n) % 3 == 0 && lo == 110;
            Bfp8Case c{m, n, k, nonnegative, (m + n + k) % 2 == 0, clamp ? 0.0f : -kInf, clamp ? 6e-3f : kInf,
                       (n % 2) * 3};
            c.exponent_lo = lo, c.exponent_hi = hi;
            const Bfp8Data data(c);
            std::vector<float> want = data.run(bfp8_gemm_packed_ref, nonnegative);
            const std::vector<float> plain = want;
            bfp8_round_rows_ref(want.data(), m, n, data.c_stride);
            for (size_t i = 0; i < want.size(); ++i) changed += !same_bits(want[i], plain[i]);
            expect_bit_identical(data, want, data.run(bfp8_gemm_packed_ref, nonnegative, false, true), "reference");
            expect_bit_identical(data, want, data.run(bfp8_gemm_minmax_ukernel_6x32__avx512vnni, nonnegative, false, true),
                                 "kernel");
            if (HasFatalFailure()) return;
            ++cases;
          }
  EXPECT_GT(changed, 10000u);  // the unrounded outputs were not bfloat8_b values
  RecordProperty("cases", int(cases));
}

// The GEMM a tier runs on wide convs: the reference's bits where it is the int8 GEMM; on tiles (amx) the
// same exact products summed in the tiles' order, so within GemmBf16Args' bound of the reference's sums, and
// after rounding to bfloat8_b within one step of the output's block more. Junk past each row's k is never
// read (Bfp8Data), and an output's bits do not depend on the rest of the call.
TEST_P(KernelTier, Bfp8WideGemmIsTheReferenceOrWithinTheSummationBound) {
  const bool same_order = table_->bfp8_gemm_wide == table_->bfp8_gemm_packed ||
                          table_->bfp8_gemm_wide == bfp8_gemm_packed_ref;
  size_t differing = 0;
  for (size_t m : {1, 17, 40})
    for (size_t n : {16, 40, 96})
      for (size_t k : {16, 48, 96})
        for (int form = 0; form < 3; ++form)
          for (bool round : {false, true}) {
            const bool nonnegative = form == 0, biased = form == 2;
            const Bfp8Data data({m, n, k, nonnegative, (m + n) % 2 == 0, nonnegative ? 0.0f : -kInf, 6.0f, n % 3});
            const std::vector<float> want = data.run(bfp8_gemm_packed_ref, nonnegative, biased, round),
                                     got = data.run(table_->bfp8_gemm_wide, nonnegative, biased, round);
            for (size_t i = 0; i < want.size(); ++i) {
              const size_t row = i / data.c_stride, col = i % data.c_stride;
              if (same_bits(want[i], got[i])) continue;
              ASSERT_FALSE(same_order || col >= n) << data.cs.name() << " at " << i << ": " << got[i] << " vs " << want[i];
              double magnitude = data.cs.bias ? std::fabs(data.bias[col]) : 0.0, block_max = 0.0;
              for (size_t kk = 0; kk < k; ++kk) magnitude += std::fabs(data.a_value(row, kk) * data.w_value(col, kk));
              for (size_t j = col / 16 * 16; j < std::min(n, col / 16 * 16 + 16); ++j)
                block_max = std::max(block_max, std::fabs(double(want[row * data.c_stride + j])));
              const double bound = double(k + 1) * std::ldexp(magnitude, -24) + (round ? std::ldexp(block_max, -5) : 0.0);
              ASSERT_LE(std::fabs(double(got[i]) - double(want[i])), bound)
                  << data.cs.name() << " round " << round << " at " << row << "," << col;
              ++differing;
            }
            // Rows from row0 and channels from a panel n0 alone give the same bits as in the whole call.
            const size_t row0 = m / 2, n0 = n > 16 ? 16 : 0;
            const std::vector<float> part =
                data.run(table_->bfp8_gemm_wide, nonnegative, biased, round, false, row0, n0);
            for (size_t r = 0; r < m - row0; ++r)
              for (size_t j = 0; j < n - n0; ++j)
                ASSERT_TRUE(same_bits(part[r * data.c_stride + j], got[(row0 + r) * data.c_stride + n0 + j]))
                    << data.cs.name() << " rows from " << row0 << ", channel " << n0 + j;
          }
  RecordProperty("outputs_off_the_reference_bits", int(differing));
}

// The reference's arithmetic: a float64 GEMM of the decoded values, up to one fp32 rounding per block
// addition and the bias addition (each at most half an ulp of a partial sum no larger than the magnitude).
TEST(Bfp8GemmRef, EqualsFloat64GemmOfDecodedValues) {
  for (size_t m : {1, 7, 13})
    for (size_t n : {1, 16, 33})
      for (size_t k : {16, 96, 960})
        for (bool nonnegative : {false, true}) {
          const Bfp8Data data({m, n, k, nonnegative, true, -kInf, kInf, 2});
          const std::vector<float> got = data.run(bfp8_gemm_packed_ref, nonnegative);
          for (size_t r = 0; r < m; ++r)
            for (size_t col = 0; col < n; ++col) {
              double want = data.bias[col], magnitude = std::fabs(data.bias[col]);
              for (size_t kk = 0; kk < k; ++kk) {
                const double product = data.a_value(r, kk) * data.w_value(col, kk);
                want += product, magnitude += std::fabs(product);
              }
              const double bound = double(data.blocks + 1) * std::ldexp(magnitude, -24);
              EXPECT_NEAR(got[r * data.c_stride + col], want, bound) << data.cs.name() << " at " << r << "," << col;
            }
        }
}

TEST(Bfp8GemmRef, ExponentScaleIsTwoToTheExponentMinus133) {
  for (int e = 0; e < 256; ++e) EXPECT_EQ(bfp8_exponent_scale(uint8_t(e)), std::ldexp(1.0f, e - 133)) << e;
}

TEST(Bfp8GemmRef, PackLayoutIsQuadsOfChannelsThenScalesAndOffsets) {
  const size_t n = 17, k = 32, blocks = 2;  // two panels (the second 1 channel + padding), two blocks
  std::vector<int8_t> w(n * k);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(int(i % 255) - 127);
  std::vector<uint8_t> exponents(n * blocks);
  for (size_t i = 0; i < exponents.size(); ++i) exponents[i] = uint8_t(120 + i % 9);
  std::vector<uint8_t> packed(packed_gemm_weights_bfp8_bytes(n, k), 0xA5);
  ASSERT_EQ(packed.size(), 2 * blocks * kBfp8BlockRecordBytes);
  pack_gemm_weights_bfp8(n, k, w.data(), k, exponents.data(), blocks, packed.data());
  auto scale = [&](size_t panel, size_t b, size_t c) {
    float v;
    std::memcpy(&v, &packed[(panel * blocks + b) * kBfp8BlockRecordBytes + kBfp8ScaleOffset + 4 * c], 4);
    return v;
  };
  auto offset = [&](size_t panel, size_t b, size_t c) {
    float v;
    std::memcpy(&v, &packed[(panel * blocks + b) * kBfp8BlockRecordBytes + kBfp8OffsetOffset + 4 * c], 4);
    return v;
  };
  // Panel 0, block 1, quad 2, channel 5, j 3: k = 16 + 8 + 3.
  EXPECT_EQ(int8_t(packed[kBfp8BlockRecordBytes + 2 * kBfp8QuadBytes + 5 * 4 + 3]), w[5 * k + 27]);
  EXPECT_EQ(int8_t(packed[0]), w[0]);
  // Panel 1 holds channel 16, then zeros.
  EXPECT_EQ(int8_t(packed[blocks * kBfp8BlockRecordBytes + kBfp8QuadBytes + 0 * 4 + 1]), w[16 * k + 5]);
  EXPECT_EQ(packed[blocks * kBfp8BlockRecordBytes + 1 * 4], 0);
  EXPECT_EQ(scale(0, 1, 5), bfp8_exponent_scale(exponents[5 * blocks + 1]));
  EXPECT_EQ(scale(1, 0, 0), bfp8_exponent_scale(exponents[16 * blocks]));
  EXPECT_EQ(scale(1, 0, 1), 0.0f);
  int sum = 0;
  for (size_t j = 0; j < kBfp8Block; ++j) sum += w[3 * k + 16 + j];
  EXPECT_EQ(offset(0, 1, 3), float(-128 * sum) * scale(0, 1, 3));
  EXPECT_EQ(offset(1, 1, 7), 0.0f);
}

}  // namespace
}  // namespace ttnn::kernels
