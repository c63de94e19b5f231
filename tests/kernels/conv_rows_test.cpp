// The conv-rows kernels at every tier: bit for bit the tier's packed GEMM on the gathered patches (what
// they are defined to equal, kernels.hpp), never reading past the pixels their taps reach, and (through
// the reference) the conv itself up to summation order.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "formats/bfloat16.hpp"
#include "kernels/cpu/tiers.hpp"
#include "kernels/kernel_tier.hpp"
#include "kernels/kernels.hpp"
#include "support/random_values.hpp"

namespace ttnn::kernels {
namespace {

constexpr float kSentinel = -12345.5f;

struct ConvRowsCase {
  size_t channels, kernel_h, kernel_w, stride, pixels, n, k;
  bool bias;
  float clamp_min, clamp_max;
  std::string name() const {
    return "c" + std::to_string(channels) + "_" + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) + "_s" +
           std::to_string(stride) + "_px" + std::to_string(pixels) + "_n" + std::to_string(n) + "_k" +
           std::to_string(k) + (bias ? "_bias" : "");
  }
};

const ConvRowsCase kCases[] = {
    {3, 3, 3, 2, 112, 32, 32, true, 0.0f, 6.0f},  // the stem's row
    {3, 3, 3, 1, 13, 32, 32, true, 0.0f, 6.0f},   // a tile of 12 and a tail of 1
    {3, 3, 3, 2, 7, 16, 27, false, -1e30f, 1e30f},  // odd k: no padding step; one panel
    {3, 3, 3, 2, 25, 48, 32, true, -2.0f, 2.0f},    // a 32-channel strip and a 16-channel one
    {1, 2, 5, 3, 30, 20, 16, true, 0.0f, 6.0f},     // 10 taps, a partial panel
    {4, 3, 3, 1, 40, 8, 48, false, -1e30f, 1e30f},  // 36 taps
    {2, 4, 4, 2, 1, 64, 64, true, 0.0f, 6.0f},      // one pixel, k at the limit
};

struct ConvRowsData {
  ConvRowsCase cs;
  bool bf16;  // operands rounded to bfloat16: the bfloat16 kernel's data
  size_t row_floats, taps;
  std::vector<float> rows;  // kernel_h rows of row_floats, then NaNs
  std::vector<float> w, bias;
  std::vector<float> packed;
  std::vector<uint16_t> packed_bf16;

  ConvRowsData(const ConvRowsCase& c, bool bf16_operands) : cs(c), bf16(bf16_operands) {
    row_floats = ((c.pixels - 1) * c.stride + c.kernel_w) * c.channels;
    taps = c.kernel_h * c.kernel_w * c.channels;
    const unsigned seed = unsigned(c.pixels * 131 + c.n * 7 + c.k + (bf16 ? 1 : 0));
    rows = test::random_values(c.kernel_h * (row_floats + 16), seed);
    w = test::random_values(c.n * c.k, seed + 1, 0.5f);
    bias = test::random_values(c.n, seed + 2);
    for (size_t ky = 0; ky < c.kernel_h; ++ky)  // past the last tap: must not be read
      for (size_t i = row_floats; i < row_floats + 16; ++i) rows[ky * (row_floats + 16) + i] = std::nanf("");
    for (size_t o = 0; o < c.n; ++o)
      for (size_t e = taps; e < c.k; ++e) w[o * c.k + e] = 0.0f;  // prepared weights are zero past the taps
    if (bf16) {
      for (float& v : rows) v = std::isnan(v) ? v : formats::round_to_bfloat16(v);
      for (float& v : w) v = formats::round_to_bfloat16(v);
    }
    packed.assign(packed_gemm_weights_elems(c.n, c.k), 0.0f);
    pack_gemm_weights(c.n, c.k, w.data(), c.k, packed.data());
    packed_bf16.assign(packed_gemm_weights_bf16_elems(c.n, c.k), 0);
    pack_gemm_weights_bf16(c.n, c.k, w.data(), c.k, packed_bf16.data());
  }

  const float* row(size_t ky) const { return rows.data() + ky * (row_floats + 16); }

  ConvRowsArgs args(float* c, size_t c_stride, const float* const* row_pointers) const {
    ConvRowsArgs a;
    a.input_rows = row_pointers;
    a.channels = cs.channels, a.kernel_h = cs.kernel_h, a.kernel_w = cs.kernel_w, a.stride = cs.stride;
    a.pixels = cs.pixels, a.n = cs.n, a.k = cs.k;
    a.packed_w = packed.data(), a.packed_w_bf16 = packed_bf16.data();
    a.bias = cs.bias ? bias.data() : nullptr;
    a.clamp_min = cs.clamp_min, a.clamp_max = cs.clamp_max;
    a.c = c, a.c_row_stride = c_stride;
    return a;
  }

  // [pixels][k] patches, zeros past the taps.
  std::vector<float> patches() const {
    std::vector<float> p(cs.pixels * cs.k, 0.0f);
    const size_t kernel_row = cs.kernel_w * cs.channels;
    for (size_t i = 0; i < cs.pixels; ++i)
      for (size_t ky = 0; ky < cs.kernel_h; ++ky)
        std::memcpy(&p[i * cs.k + ky * kernel_row], row(ky) + i * cs.stride * cs.channels, kernel_row * sizeof(float));
    return p;
  }
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The kernel's output and the table's GEMM on the gathered patches, both [pixels][n + 3] with sentinels.
void run_both(const KernelTable& table, const ConvRowsData& d, bool bf16, std::vector<float>& direct,
              std::vector<float>& by_gemm) {
  const size_t c_stride = d.cs.n + 3;
  const float* rows[8];
  for (size_t ky = 0; ky < d.cs.kernel_h; ++ky) rows[ky] = d.row(ky);
  direct.assign(d.cs.pixels * c_stride, kSentinel);
  (bf16 ? table.bf16_conv_rows : table.f32_conv_rows)(d.args(direct.data(), c_stride, rows));
  const std::vector<float> patches = d.patches();
  by_gemm.assign(d.cs.pixels * c_stride, kSentinel);
  const auto gemm = [&](auto g, auto kernel) {  // the fields both GEMMs' arguments share
    g.m = d.cs.pixels, g.n = d.cs.n, g.k = d.cs.k;
    g.bias = d.cs.bias ? d.bias.data() : nullptr;
    g.clamp_min = d.cs.clamp_min, g.clamp_max = d.cs.clamp_max;
    g.c = by_gemm.data(), g.c_row_stride = c_stride;
    kernel(g);
  };
  if (bf16) {
    const size_t stride = bf16_pairs(d.cs.k) * 2;
    std::vector<uint16_t> bits(d.cs.pixels * stride, 0);
    for (size_t i = 0; i < d.cs.pixels; ++i) bf16_top_halves_ref(&patches[i * d.cs.k], d.cs.k, &bits[i * stride]);
    GemmBf16Args g;
    g.a = bits.data(), g.a_row_stride = stride;
    g.a_values = patches.data(), g.a_values_row_stride = d.cs.k;
    g.packed_w = d.packed_bf16.data();
    gemm(g, table.bf16_gemm_packed);
  } else {
    GemmPackedArgs g;
    g.a = patches.data(), g.a_row_stride = d.cs.k;
    g.packed_w = d.packed.data();
    gemm(g, table.f32_gemm_packed);
  }
}

// A kernel's outputs ([pixels][n + 3], sentinels past n) with one of its rounding flags set.
std::vector<float> run_rounding(ConvRowsFn kernel, const ConvRowsData& d, bool ConvRowsArgs::*flag) {
  const size_t c_stride = d.cs.n + 3;
  const float* rows[8];
  for (size_t ky = 0; ky < d.cs.kernel_h; ++ky) rows[ky] = d.row(ky);
  std::vector<float> rounded(d.cs.pixels * c_stride, kSentinel);
  ConvRowsArgs args = d.args(rounded.data(), c_stride, rows);
  args.*flag = true;
  kernel(args);
  return rounded;
}

// `direct` (a kernel's outputs) each rounded to bfloat16, the sentinels past n kept.
std::vector<float> rounded_to_bf16(const ConvRowsCase& c, std::vector<float> direct) {
  for (size_t i = 0; i < c.pixels; ++i)
    for (size_t o = 0; o < c.n; ++o) direct[i * (c.n + 3) + o] = formats::round_to_bfloat16(direct[i * (c.n + 3) + o]);
  return direct;
}

// The kernel run with round_to_bfp8 gives `direct` (its unrounded outputs) rounded by the reference, and
// rounding changed something.
void expect_rounded_as_reference(const KernelTable& table, const ConvRowsCase& c, const ConvRowsData& d,
                                 const std::vector<float>& direct) {
  std::vector<float> expected = direct;
  bfp8_round_rows_ref(expected.data(), c.pixels, c.n, c.n + 3);
  EXPECT_FALSE(same_bits(expected, direct)) << "rounding changed nothing: the check could not fail";
  const ConvRowsFn kernel = d.bf16 ? table.bf16_conv_rows : table.f32_conv_rows;
  EXPECT_TRUE(same_bits(run_rounding(kernel, d, &ConvRowsArgs::round_to_bfp8), expected));
}

// check(case, data, direct, by_gemm) for every case, float32 and bfloat16 operands.
template <class Check>
void for_each_case(const KernelTable& table, Check check) {
  for (const bool bf16 : {false, true})
    for (const ConvRowsCase& c : kCases) {
      SCOPED_TRACE(c.name() + (bf16 ? " bfloat16" : " float32"));
      const ConvRowsData d(c, bf16);
      std::vector<float> direct, by_gemm;
      run_both(table, d, bf16, direct, by_gemm);
      check(c, d, direct, by_gemm);
    }
}

class ConvRows : public KernelTier {};

TEST_P(ConvRows, IsTheGemmOnGatheredPatchesBitForBit) {
  for_each_case(*table_, [](const ConvRowsCase&, const ConvRowsData&, const std::vector<float>& direct,
                   const std::vector<float>& by_gemm) { EXPECT_TRUE(same_bits(direct, by_gemm)); });
}

TEST_P(ConvRows, ComputesTheConv) {
  for_each_case(*table_, [](const ConvRowsCase& c, const ConvRowsData& d, const std::vector<float>& direct,
                   const std::vector<float>&) {
    const size_t c_stride = c.n + 3;
    for (size_t i = 0; i < c.pixels; ++i) {
      for (size_t o = 0; o < c.n; ++o) {
        double sum = c.bias ? d.bias[o] : 0.0, magnitude = std::fabs(sum);
        for (size_t ky = 0; ky < c.kernel_h; ++ky)
          for (size_t j = 0; j < c.kernel_w * c.channels; ++j) {
            const double product = double(d.row(ky)[i * c.stride * c.channels + j]) *
                                   d.w[o * c.k + ky * c.kernel_w * c.channels + j];
            sum += product, magnitude += std::fabs(product);
          }
        const double expected = std::min<double>(std::max<double>(sum, c.clamp_min), c.clamp_max);
        ASSERT_NEAR(direct[i * c_stride + o], expected, 1e-6 * magnitude + 1e-30) << "pixel " << i << " channel " << o;
      }
      for (size_t o = c.n; o < c_stride; ++o) ASSERT_EQ(direct[i * c_stride + o], kSentinel) << "wrote past n";
    }
  });
}

// Rounding to bfloat8_b in the kernel (a fused producer's outputs) gives the bits of the kernel's outputs
// rounded afterwards by the reference, blocks of 16 from the first column; signed outputs too (the cases
// clamped at -2 and without a clamp), and the sentinels past n stay.
TEST_P(ConvRows, RoundsToBfloat8AsTheReferenceRoundsItsOutputs) {
  for_each_case(*table_, [this](const ConvRowsCase& c, const ConvRowsData& d, const std::vector<float>& direct,
                                const std::vector<float>&) {
    expect_rounded_as_reference(*table_, c, d, direct);
  });
}

// Rounding to bfloat16 in the bfloat16 kernel's epilogue (a fused producer's bfloat16 outputs) gives the bits
// of its outputs rounded afterwards, and changes some; the float32 kernel leaves the flag alone (its outputs
// are not rounded). The sentinels past n stay.
TEST_P(ConvRows, RoundsToBfloat16AsItsOutputsRoundAfterwards) {
  for_each_case(*table_, [this](const ConvRowsCase& c, const ConvRowsData& d, const std::vector<float>& direct,
                                const std::vector<float>&) {
    const std::vector<float> expected = d.bf16 ? rounded_to_bf16(c, direct) : direct;
    if (d.bf16) {
      EXPECT_FALSE(same_bits(expected, direct)) << "rounding changed nothing: the check could not fail";
    }
    const ConvRowsFn kernel = d.bf16 ? table_->bf16_conv_rows : table_->f32_conv_rows;
    EXPECT_TRUE(same_bits(run_rounding(kernel, d, &ConvRowsArgs::round_to_bf16), expected));
  });
}

// The same on special blocks, which the kernel hands to the reference: a NaN with its sign bit set (x86's
// Inf - Inf) passing a clamp at 0, and outputs so small that the block's scale is subnormal (the bfloat16
// kernel flushes subnormals; the reference, run elsewhere, does not); and on blocks of subnormal outputs
// only, which round to zeros.
TEST_P(ConvRows, RoundsSpecialBlocksAsTheReference) {
  struct Special {
    const char* name;
    ConvRowsCase c;
    bool bf16;
    float input_scale, weight_scale;
    bool infinities;
  };
  const Special cases[] = {
      {"negative NaN, clamp at 0, float32", {3, 3, 3, 2, 13, 32, 32, true, 0.0f, 6.0f}, false, 1.0f, 1.0f, true},
      {"negative NaN, clamp at 0, bfloat16", {3, 3, 3, 2, 13, 32, 32, true, 0.0f, 6.0f}, true, 1.0f, 1.0f, true},
      {"tiny outputs, bfloat16", {3, 3, 3, 2, 13, 32, 32, false, -1e30f, 1e30f}, true, 0x1p-63f, 0x1p-60f, false},
      {"tiny outputs, float32", {3, 3, 3, 2, 13, 32, 32, false, -1e30f, 1e30f}, false, 0x1p-63f, 0x1p-60f, false},
      // Every output subnormal, up to 2^-127: blocks of zeros to the encoder, which the vector path rounds itself.
      {"subnormal outputs, float32", {3, 3, 3, 2, 13, 32, 32, false, -1e30f, 1e30f}, false, 0x1p-66f, 0x1p-66f, false},
  };
  for (const Special& special : cases) {
    SCOPED_TRACE(special.name);
    ConvRowsData d(special.c, special.bf16);
    for (size_t ky = 0; ky < special.c.kernel_h; ++ky)
      for (size_t i = 0; i < d.row_floats; ++i) d.rows[ky * (d.row_floats + 16) + i] *= special.input_scale;
    for (float& w : d.w) w *= special.weight_scale;
    if (special.infinities) {  // pixel 0's taps 0 and 1 of kernel row 0: Inf - Inf in its sums
      d.rows[0] = std::numeric_limits<float>::infinity();
      d.rows[1] = -std::numeric_limits<float>::infinity();
    }
    pack_gemm_weights(special.c.n, special.c.k, d.w.data(), special.c.k, d.packed.data());
    pack_gemm_weights_bf16(special.c.n, special.c.k, d.w.data(), special.c.k, d.packed_bf16.data());
    std::vector<float> direct, by_gemm;
    run_both(*table_, d, special.bf16, direct, by_gemm);
    expect_rounded_as_reference(*table_, special.c, d, direct);
  }
}

// The AVX-512 tier has two bfloat16 conv-rows kernels (vdpbf16ps on dwords of the rows' bfloat16 words, and
// fp32 FMAs on the rows as they lie) and runs the one matching its GEMM; both give the bfloat16 GEMM's bits
// on gathered patches, unrounded and rounded to bfloat8_b, on every case here and on subnormal outputs.
TEST(KernelAvx512, BothBf16ConvRowsKernelsAreTheGemmBitForBit) {
  if (!isa_available(CpuIsa::avx512)) GTEST_SKIP() << "no avx512 tier here (CPU has: " << cpu_features() << ")";
  const Bf16GemmVariants variants = avx512_bf16_gemm_variants();
  for (ConvRowsFn fn : {variants.conv_rows_on_bf16_dot, variants.conv_rows_on_fp32_fma}) {
    SCOPED_TRACE(fn == variants.conv_rows_on_bf16_dot ? "vdpbf16ps" : "fp32 FMAs");
    KernelTable table = kernel_table_for(CpuIsa::avx512);
    table.bf16_conv_rows = fn;
    std::vector<ConvRowsCase> cases(std::begin(kCases), std::end(kCases));
    cases.push_back({3, 3, 3, 2, 30, 32, 27, true, 0.0f, 6.0f});  // k = taps = 27: the last pair has one element
    for (const ConvRowsCase& c : cases)
      for (const float scale : {1.0f, 0x1p-66f}) {  // the second: subnormal outputs, flushed as vdpbf16ps does
        SCOPED_TRACE(c.name() + " scale " + std::to_string(scale));
        ConvRowsData d(c, true);
        for (size_t ky = 0; ky < c.kernel_h; ++ky)
          for (size_t i = 0; i < d.row_floats; ++i) d.rows[ky * (d.row_floats + 16) + i] *= scale;
        std::vector<float> direct, by_gemm;
        run_both(table, d, true, direct, by_gemm);
        ASSERT_TRUE(same_bits(direct, by_gemm));
        if (scale == 1.0f) expect_rounded_as_reference(table, c, d, direct);
        // Rounded to bfloat16 in the epilogue: the outputs rounded afterwards (flushed ones stay zeros).
        ASSERT_TRUE(same_bits(run_rounding(fn, d, &ConvRowsArgs::round_to_bf16), rounded_to_bf16(c, direct)));
      }
  }
}

INSTANTIATE_TEST_SUITE_P(Tiers, ConvRows, ::testing::ValuesIn(kAllCpuIsas),
                         [](const ::testing::TestParamInfo<CpuIsa>& tier) { return std::string(isa_name(tier.param)); });

}  // namespace
}  // namespace ttnn::kernels
