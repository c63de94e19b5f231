// Every KernelTable entry at every ISA tier this machine supports, against the portable reference tier.
// fp32 sums run in a different order (and with FMA) in the SIMD tiers, so the bound is relative to the
// sum of the terms' magnitudes, scaled by sqrt(terms); the ref packed GEMM must equal the ref GEMM bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "formats/bfloat16.hpp"
#include "formats/tilize.hpp"
#include "support/random_values.hpp"
#include "kernels/kernels.hpp"
#include "kernels/kernel_tier.hpp"
#include "ttnn/errors.hpp"

namespace ttnn::kernels {

namespace {

constexpr float kRelTolerance = 1e-5f;
constexpr float kSentinel = -12345.5f;  // written around outputs: a kernel must not touch it
const size_t kDims[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100};

std::vector<float> random_values(size_t count, unsigned seed, float scale = 1.0f) {
  std::vector<float> values = ttnn::test::random_uniform_values(count, seed);
  for (float& v : values) v *= scale;
  return values;
}

struct Epilogue {
  const char* name;
  bool bias;
  float clamp_min, clamp_max;
  size_t pad;  // extra floats per row of every operand (strides larger than the row)
};
constexpr float kInf = std::numeric_limits<float>::infinity();
const Epilogue kEpilogues[] = {
    {"no_bias_no_clamp_tight", false, -kInf, kInf, 0},
    {"bias_relu6_padded_strides", true, 0.0f, 6.0f, 3},
    {"bias_narrow_clamp_padded_strides", true, -0.25f, 0.5f, 17},
    {"no_bias_relu_padded_strides", false, 0.0f, kInf, 1},
};

// Fills c (rows x cols at stride) with the kernel's output; sentinels elsewhere are checked by the caller.
struct GemmCase {
  size_t m, n, k;
  const Epilogue* epilogue;
  std::string name() const {
    return "m" + std::to_string(m) + "_n" + std::to_string(n) + "_k" + std::to_string(k) + "_" + epilogue->name;
  }
};

// Compares `got` against `expected` within the bound; reports the worst element and the case.
void expect_close(const std::vector<float>& got, const std::vector<float>& expected, const std::vector<float>& scale,
                  size_t rows, size_t cols, size_t stride, size_t terms, const std::string& what) {
  double worst_excess = 0.0;
  size_t worst = SIZE_MAX, untouched = SIZE_MAX;
  for (size_t i = 0; i < got.size(); ++i) {
    const size_t r = i / stride, c = i % stride;
    if (r >= rows || c >= cols) {
      if (got[i] != kSentinel && untouched == SIZE_MAX) untouched = i;
      continue;
    }
    const double bound = kRelTolerance * std::sqrt(double(terms)) * scale[r * cols + c] + 1e-30;
    const double error = std::fabs(double(got[i]) - double(expected[i]));
    if (!(error <= bound) && (worst == SIZE_MAX || error / bound > worst_excess)) {
      worst_excess = error / bound;
      worst = i;
    }
  }
  EXPECT_EQ(untouched, SIZE_MAX) << what << ": wrote outside the output at flat index " << untouched;
  if (worst != SIZE_MAX)
    ADD_FAILURE() << what << ": worst element row " << worst / stride << " col " << worst % stride << " got "
                  << got[worst] << " expected " << expected[worst] << " (" << worst_excess << "x the bound)";
}

struct GemmData {
  GemmCase cs;
  size_t a_stride, w_stride, c_stride;
  std::vector<float> a, w, bias, packed, expected, scale;

  explicit GemmData(const GemmCase& c) : cs(c) {
    a_stride = c.k + c.epilogue->pad;
    w_stride = c.k + c.epilogue->pad;
    c_stride = c.n + c.epilogue->pad;
    const unsigned seed = unsigned(c.m * 10007 + c.n * 101 + c.k);
    a = random_values(c.m * a_stride, seed);
    w = random_values(c.n * w_stride, seed + 1);
    bias = random_values(c.n, seed + 2);
    packed.assign(packed_gemm_weights_elems(c.n, c.k), kSentinel);
    pack_gemm_weights(c.n, c.k, w.data(), w_stride, packed.data());
    expected = run(f32_gemm_ref);
    scale.assign(c.m * c.n, 0.0f);
    for (size_t i = 0; i < c.m; ++i)
      for (size_t j = 0; j < c.n; ++j) {
        double s = c.epilogue->bias ? std::fabs(bias[j]) : 0.0;
        for (size_t kk = 0; kk < c.k; ++kk) s += std::fabs(double(a[i * a_stride + kk]) * w[j * w_stride + kk]);
        scale[i * c.n + j] = float(s);
      }
  }

  GemmArgs args(float* out) const {
    GemmArgs g;
    g.m = cs.m, g.n = cs.n, g.k = cs.k;
    g.a = a.data(), g.a_row_stride = a_stride;
    g.w = w.data(), g.w_row_stride = w_stride;
    g.bias = cs.epilogue->bias ? bias.data() : nullptr;
    g.clamp_min = cs.epilogue->clamp_min, g.clamp_max = cs.epilogue->clamp_max;
    g.c = out, g.c_row_stride = c_stride;
    return g;
  }
  std::vector<float> run(GemmF32Fn fn) const {
    std::vector<float> out(cs.m * c_stride, kSentinel);
    fn(args(out.data()));
    return out;
  }
  std::vector<float> run(GemmPackedF32Fn fn) const {
    std::vector<float> out(cs.m * c_stride, kSentinel);
    GemmPackedArgs p;
    p.m = cs.m, p.n = cs.n, p.k = cs.k;
    p.a = a.data(), p.a_row_stride = a_stride;
    p.packed_w = packed.data();
    p.bias = cs.epilogue->bias ? bias.data() : nullptr;
    p.clamp_min = cs.epilogue->clamp_min, p.clamp_max = cs.epilogue->clamp_max;
    p.c = out.data(), p.c_row_stride = c_stride;
    fn(p);
    return out;
  }
};

template <class Fn>
void sweep_gemm(Fn fn, const char* entry, CpuIsa isa) {
  size_t cases = 0;
  for (size_t m : kDims)
    for (size_t n : kDims)
      for (size_t k : kDims)
        for (const Epilogue& epilogue : kEpilogues) {
          // Every shape with two epilogues (rotating), all four on the small cube: keeps the sweep under a second.
          const size_t index = size_t(&epilogue - kEpilogues);
          if (m * n * k > 4096 && (m + n + k + index) % 2 != 0) continue;
          const GemmData data({m, n, k, &epilogue});
          const std::string what = std::string(entry) + "_" + isa_name(isa) + "_" + data.cs.name();
          expect_close(data.run(fn), data.expected, data.scale, m, n, data.c_stride, k + 1, what);
          ++cases;
          if (::testing::Test::HasFailure()) return;
        }
  ::testing::Test::RecordProperty("cases", int(cases));
}

TEST_P(KernelTier, F32GemmMatchesRef) { sweep_gemm(table_->f32_gemm, "f32_gemm", GetParam()); }

TEST_P(KernelTier, F32GemmPackedMatchesRef) {
  sweep_gemm(table_->f32_gemm_packed, "f32_gemm_packed", GetParam());
}

TEST(KernelRef, PackedGemmIsBitIdenticalToGemm) {
  for (size_t m : {1, 5, 17})
    for (size_t n : kDims)
      for (size_t k : {1, 7, 33, 100})
        for (const Epilogue& epilogue : kEpilogues) {
          const GemmData data({m, n, k, &epilogue});
          ASSERT_EQ(data.run(f32_gemm_packed_ref), data.expected) << data.cs.name();
        }
}

TEST(KernelRef, PackWeightsLayoutIsPanelsOf16ZeroPadded) {
  const size_t n = 20, k = 3;
  std::vector<float> w(n * k);
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(i + 1);
  std::vector<float> packed(packed_gemm_weights_elems(n, k), kSentinel);
  ASSERT_EQ(packed.size(), 32u * k);
  pack_gemm_weights(n, k, w.data(), k, packed.data());
  EXPECT_EQ(packed[0], w[0]);                     // panel 0, k 0, channel 0
  EXPECT_EQ(packed[1], w[k]);                     // channel 1
  EXPECT_EQ(packed[16 + 2], w[2 * k + 1]);        // k 1, channel 2
  EXPECT_EQ(packed[16 * k + 3], w[19 * k]);       // panel 1, k 0, channel 19
  EXPECT_EQ(packed[16 * k + 4], 0.0f);            // channel 20: padding
  EXPECT_EQ(packed[16 * k + 16 * 2 + 15], 0.0f);  // last padding element
}

// ---- depthwise ----

// Which input row is outside the image (null): none, the kernel's first (the image's top edge) or its last
// (the bottom edge).
enum class NullRow { none, top, bottom };

struct DwCase {
  size_t channels, width, kernel_h, kernel_w, stride, pad, dilation;
  NullRow null_row;
  const Epilogue* epilogue;
  float input_scale = 1.0f;  // 1e-39: outputs subnormal
  std::string name() const {
    return "c" + std::to_string(channels) + "_w" + std::to_string(width) + "_k" + std::to_string(kernel_h) + "x" +
           std::to_string(kernel_w) + "_s" + std::to_string(stride) + "_p" + std::to_string(pad) + "_d" +
           std::to_string(dilation) + (null_row == NullRow::top ? "_top_padding" : null_row == NullRow::bottom ? "_bottom_padding" : "") +
           "_" + epilogue->name;
  }
};

// `args` (whose output is floats[0]) run again writing bfloat16 words (DwconvArgs::output_words; the outputs
// are bfloat16 values): each word the top half of the float that call wrote, nothing where it wrote nothing.
void expect_words_are_the_floats_top_halves(DwconvF32Fn fn, DwconvArgs args, const std::vector<float>& floats,
                                            const std::string& what) {
  constexpr uint16_t kSentinelWord = 0xBEEF;
  std::vector<uint16_t> words(floats.size(), kSentinelWord);
  args.output = nullptr;
  args.output_words = words.data();
  fn(args);
  for (size_t i = 0; i < floats.size(); ++i) {
    const bool written = std::memcmp(&floats[i], &kSentinel, sizeof(float)) != 0;
    const uint16_t want = written ? uint16_t(std::bit_cast<uint32_t>(floats[i]) >> 16) : kSentinelWord;
    ASSERT_EQ(words[i], want) << what << ": bfloat16 word " << i << " of " << floats[i];
  }
}

void run_dw_case(DwconvF32Fn fn, const DwCase& cs, const std::string& what) {
  const long out_width_signed =
      (long(cs.width) + 2 * long(cs.pad) - long(cs.dilation * (cs.kernel_w - 1)) - 1) / long(cs.stride) + 1;
  if (out_width_signed <= 0 || long(cs.width) + 2 * long(cs.pad) < long(cs.dilation * (cs.kernel_w - 1) + 1)) return;
  const size_t out_width = size_t(out_width_signed);
  const size_t pixel_stride = cs.channels + cs.epilogue->pad;
  const unsigned seed = unsigned(cs.channels * 131 + cs.width * 17 + cs.kernel_w * 3 + cs.stride);
  std::vector<std::vector<float>> rows;
  std::vector<const float*> row_pointers;
  for (size_t i = 0; i < cs.kernel_h; ++i) {
    rows.push_back(random_values(cs.width * pixel_stride, seed + unsigned(i), cs.input_scale));
    const bool outside = (cs.null_row == NullRow::top && i == 0) || (cs.null_row == NullRow::bottom && i + 1 == cs.kernel_h);
    row_pointers.push_back(outside ? nullptr : rows.back().data());
  }
  const size_t taps = cs.kernel_h * cs.kernel_w, tap_stride = cs.channels + 5;
  const std::vector<float> weights = random_values(taps * tap_stride, seed + 100), bias = random_values(cs.channels, seed + 200);
  const size_t out_begin = out_width > 2 ? 1 : 0, out_end = out_width;
  const size_t out_pixels = out_end - out_begin;
  DwconvArgs args;
  args.input_rows = row_pointers.data();
  args.input_pixel_stride = pixel_stride;
  args.input_width = cs.width;
  args.channels = cs.channels;
  args.kernel_h = cs.kernel_h, args.kernel_w = cs.kernel_w, args.stride = cs.stride, args.pad_left = cs.pad;
  args.dilation = cs.dilation;
  args.weights = weights.data(), args.weights_tap_stride = tap_stride;
  args.bias = cs.epilogue->bias ? bias.data() : nullptr;
  args.clamp_min = cs.epilogue->clamp_min, args.clamp_max = cs.epilogue->clamp_max;
  args.output_pixel_stride = pixel_stride;
  args.out_begin = out_begin, args.out_end = out_end;
  std::vector<float> expected(out_pixels * pixel_stride, kSentinel), got = expected;
  args.output = expected.data();
  f32_dwconv_ref(args);
  args.output = got.data();
  fn(args);
  // The tier's paths (blocks of interior pixels, single pixels, edge pixels) sum each pixel's taps in one
  // order: the row computed pixel by pixel gives the same bits.
  std::vector<float> one_by_one(expected.size(), kSentinel);
  for (size_t ow = out_begin; ow < out_end; ++ow) {
    DwconvArgs single = args;
    single.out_begin = ow, single.out_end = ow + 1;
    single.output = one_by_one.data() + (ow - out_begin) * pixel_stride;
    fn(single);
  }
  ASSERT_EQ(std::memcmp(one_by_one.data(), got.data(), got.size() * sizeof(float)), 0) << what << ": pixel by pixel";
  // Rounded to bfloat16 in the epilogue: the unrounded outputs rounded, bit for bit, nothing else written.
  std::vector<float> rounded(expected.size(), kSentinel);
  DwconvArgs rounding = args;
  rounding.round_to_bf16 = true;
  rounding.output = rounded.data();
  fn(rounding);
  for (size_t i = 0; i < got.size(); ++i) {
    const float want = i % pixel_stride < cs.channels ? formats::round_to_bfloat16(got[i]) : kSentinel;
    ASSERT_EQ(std::memcmp(&want, &rounded[i], sizeof want), 0)
        << what << ": rounded to bfloat16 at " << i << ": " << rounded[i] << ", want " << want;
  }
  expect_words_are_the_floats_top_halves(fn, rounding, rounded, what + ": rounded, as words");
  std::vector<float> scale(out_pixels * cs.channels, 0.0f);
  for (size_t ow = out_begin; ow < out_end; ++ow)
    for (size_t c = 0; c < cs.channels; ++c) {
      double s = args.bias ? std::fabs(bias[c]) : 0.0;
      for (size_t i = 0; i < cs.kernel_h; ++i) {
        if (!row_pointers[i]) continue;
        for (size_t j = 0; j < cs.kernel_w; ++j) {
          const long column = long(ow * cs.stride + j * cs.dilation) - long(cs.pad);
          if (column < 0 || column >= long(cs.width)) continue;
          s += std::fabs(double(weights[(i * cs.kernel_w + j) * tap_stride + c]) *
                         row_pointers[i][size_t(column) * pixel_stride + c]);
        }
      }
      scale[(ow - out_begin) * cs.channels + c] = float(s);
    }
  expect_close(got, expected, scale, out_pixels, cs.channels, pixel_stride, taps + 1, what);
}

TEST_P(KernelTier, F32DwconvMatchesRef) {
  struct KernelShape {
    size_t h, w;
  };
  size_t cases = 0;
  for (size_t channels : {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 144})
    for (size_t width : {1, 2, 3, 5, 8, 17, 56})
      for (KernelShape kernel : {KernelShape{3, 3}, KernelShape{1, 1}, KernelShape{5, 5}, KernelShape{3, 1}})
        for (size_t stride : {1, 2, 3})
          for (size_t pad : {0, 1, 2})
            for (size_t dilation : {1, 2})
              for (NullRow null_row : {NullRow::none, NullRow::top, NullRow::bottom}) {
                const Epilogue& epilogue = kEpilogues[(channels + width + stride + pad + dilation) % 4];
                const DwCase cs{channels, width, kernel.h, kernel.w, stride, pad, dilation, null_row, &epilogue};
                run_dw_case(table_->f32_dwconv, cs, std::string("f32_dwconv_") + isa_name(GetParam()) + "_" + cs.name());
                ++cases;
                if (HasFailure()) return;
              }
  // Subnormal outputs (rounded by their bits, not read as zero).
  for (size_t channels : {16, 33})
    for (size_t stride : {1, 2}) {
      const DwCase cs{channels, 17, 3, 3, stride, 1, 1, NullRow::none, &kEpilogues[0], 1e-39f};
      run_dw_case(table_->f32_dwconv, cs, std::string("f32_dwconv_") + isa_name(GetParam()) + "_subnormal_" + cs.name());
      ++cases;
    }
  ::testing::Test::RecordProperty("cases", int(cases));
}

// `args` (several rows, args.rows) in one call into `together`, then each row in a call of its own into
// `alone`, the rows args.output_row_stride floats apart in both; each_row(r, args for row r alone) runs after
// row r's call.
template <class EachRow>
void run_rows_together_and_alone(DwconvF32Fn fn, DwconvArgs args, float* together, float* alone, EachRow each_row) {
  args.output = together;
  fn(args);
  for (size_t r = 0; r < args.rows; ++r) {
    DwconvArgs one = args;
    one.rows = 1, one.input_rows = args.input_rows + r * args.input_row_step;
    one.output = alone + r * args.output_row_stride;
    fn(one);
    each_row(r, one);
  }
}

// Several output rows in one call (DwconvArgs::rows): the bits of each row called alone, at every tier, for
// row segments wider than a chunk of the walk, with rows outside the image above and below, epilogues that
// round or not, and a segment that starts and ends inside the row.
TEST_P(KernelTier, F32DwconvRowsInOneCallMatchEachRowAlone) {
  size_t cases = 0;
  for (size_t channels : {16, 33, 96})
    for (size_t width : {2, 7, 14, 29, 56})
      for (size_t stride : {1, 2})
        for (size_t rows : {2, 5}) {
          const size_t pixel_stride = channels + 3, input_rows = (rows - 1) * stride + 3;
          const size_t out_width = (width + 2 - 3) / stride + 1;
          const unsigned seed = unsigned(channels * 7 + width * 3 + stride + rows);
          std::vector<std::vector<float>> storage;
          std::vector<const float*> pointers;
          for (size_t i = 0; i < input_rows; ++i) {
            storage.push_back(random_values(width * pixel_stride, seed + unsigned(i)));
            // The first and last rows outside the image (null), as at its top and bottom.
            pointers.push_back(i == 0 || i + 1 == input_rows ? nullptr : storage.back().data());
          }
          const std::vector<float> weights = random_values(9 * channels, seed + 50);
          const std::vector<float> bias = random_values(channels, seed + 60);
          for (const Epilogue& epilogue : kEpilogues)
            for (bool inside : {false, true}) {
              DwconvArgs args;
              args.input_pixel_stride = pixel_stride, args.input_width = width, args.channels = channels;
              args.kernel_h = args.kernel_w = 3, args.stride = stride, args.pad_left = 1, args.dilation = 1;
              args.weights = weights.data(), args.weights_tap_stride = channels;
              args.bias = epilogue.bias ? bias.data() : nullptr;
              args.clamp_min = epilogue.clamp_min, args.clamp_max = epilogue.clamp_max;
              args.round_to_bf16 = (channels + width) % 2 == 1;
              args.out_begin = inside && out_width > 2 ? 1 : 0;
              args.out_end = inside && out_width > 2 ? out_width - 1 : out_width;
              args.output_pixel_stride = pixel_stride;
              const size_t row_floats = out_width * pixel_stride;
              std::vector<float> together(rows * row_floats, kSentinel), alone = together;
              args.input_rows = pointers.data(), args.rows = rows, args.input_row_step = stride;
              args.output_row_stride = row_floats;
              run_rows_together_and_alone(table_->f32_dwconv, args, together.data(), alone.data(),
                                          [](size_t, const DwconvArgs&) {});
              ASSERT_EQ(std::memcmp(together.data(), alone.data(), alone.size() * sizeof(float)), 0)
                  << isa_name(GetParam()) << " channels " << channels << " width " << width << " stride " << stride
                  << " rows " << rows << " " << epilogue.name << (inside ? " inside" : "");
              ++cases;
            }
        }
  ::testing::Test::RecordProperty("cases", int(cases));
}

// Several output rows in one call, randomized: strides 1-4 with an input row step of its own (a conv's
// stride_h need not be its stride_w), left padding 0-3, widths 1 and up (a window wider than the row), any
// null rows, segments starting and ending anywhere (right padding past the row's last window), channels
// not a multiple of 16, kernels other than 3x3. Each row equals the row called alone and each pixel called
// alone, bit for bit; nothing outside the rows' segments is written; without rounding the values are close
// to the reference's.
TEST_P(KernelTier, F32DwconvRowsInOneCallRandomized) {
  std::mt19937 rng(1234);
  const auto uni = [&](size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng); };
  size_t cases = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    const bool three = uni(0, 9) < 8;
    const size_t kh = three ? 3 : uni(1, 5), kw = three ? 3 : uni(1, 5);
    const size_t channels = uni(0, 5) == 0 ? 16 * uni(2, 9) : uni(1, 50);
    const size_t width = uni(0, 7) == 0 ? 56 + uni(0, 60) : uni(1, 30);
    const size_t stride = uni(1, 4), step = uni(1, 3), dilation = uni(0, 4) == 0 ? 2 : 1;
    const size_t pad = uni(0, 3), pad_right = uni(0, 3);
    const long span = long(width + pad + pad_right) - long(dilation * (kw - 1)) - 1;
    if (span < 0) continue;
    const size_t out_width = size_t(span) / stride + 1;
    const size_t out_begin = uni(0, 1) ? 0 : uni(0, out_width - 1);
    const size_t out_end = uni(0, 1) ? out_width : uni(out_begin + 1, out_width);
    const size_t rows = uni(1, 5), pointer_count = kh + (rows - 1) * step;
    const size_t pixel_stride = channels + uni(0, 1) * 5, out_pixel_stride = channels + uni(0, 1) * 3;
    const size_t segment = out_end - out_begin, row_stride = segment * out_pixel_stride + uni(0, 1) * 7;
    std::vector<std::vector<float>> storage;
    std::vector<const float*> pointers;
    for (size_t i = 0; i < pointer_count; ++i) {
      storage.push_back(random_values(width * pixel_stride, unsigned(trial * 31 + i)));
      pointers.push_back(uni(0, 4) == 0 ? nullptr : storage.back().data());
    }
    const std::vector<float> weights = random_values(kh * kw * channels, unsigned(trial + 7));
    const std::vector<float> bias = random_values(channels, unsigned(trial + 11));
    const Epilogue& epilogue = kEpilogues[size_t(trial) % 4];
    DwconvArgs args;
    args.input_pixel_stride = pixel_stride, args.input_width = width, args.channels = channels;
    args.kernel_h = kh, args.kernel_w = kw, args.stride = stride, args.pad_left = pad, args.dilation = dilation;
    args.weights = weights.data(), args.weights_tap_stride = channels;
    args.bias = epilogue.bias ? bias.data() : nullptr;
    args.clamp_min = epilogue.clamp_min, args.clamp_max = epilogue.clamp_max;
    args.round_to_bf16 = uni(0, 2) == 0;
    args.output_pixel_stride = out_pixel_stride, args.out_begin = out_begin, args.out_end = out_end;
    const std::string what = std::string(isa_name(GetParam())) + " trial " + std::to_string(trial) + ": c" +
                             std::to_string(channels) + " w" + std::to_string(width) + " k" + std::to_string(kh) + "x" +
                             std::to_string(kw) + " s" + std::to_string(stride) + " step" + std::to_string(step) + " d" +
                             std::to_string(dilation) + " pad" + std::to_string(pad) + " out[" + std::to_string(out_begin) +
                             "," + std::to_string(out_end) + ") rows" + std::to_string(rows);
    const size_t floats = (rows - 1) * row_stride + segment * out_pixel_stride;
    std::vector<float> together(floats, kSentinel), alone(floats, kSentinel), pixels(floats, kSentinel);
    args.input_rows = pointers.data(), args.rows = rows, args.input_row_step = step;
    args.output_row_stride = row_stride;
    run_rows_together_and_alone(table_->f32_dwconv, args, together.data(), alone.data(), [&](size_t r, DwconvArgs one) {
      for (size_t ow = out_begin; ow < out_end; ++ow) {
        DwconvArgs single = one;
        single.out_begin = ow, single.out_end = ow + 1;
        single.output = pixels.data() + r * row_stride + (ow - out_begin) * out_pixel_stride;
        table_->f32_dwconv(single);
      }
      if (args.round_to_bf16) return;
      std::vector<float> want(segment * out_pixel_stride, kSentinel);
      one.output = want.data();
      f32_dwconv_ref(one);
      for (size_t i = 0; i < want.size(); ++i) {
        if (i % out_pixel_stride >= channels) continue;
        const float got = together[r * row_stride + i];
        ASSERT_NEAR(got, want[i], 1e-5f * (1.0f + std::fabs(want[i])) * float(kh * kw + 1))
            << what << ": row " << r << " at " << i << " against the reference";
      }
    });
    if (HasFatalFailure()) return;  // against the reference, above
    ASSERT_EQ(std::memcmp(together.data(), alone.data(), floats * sizeof(float)), 0) << what << ": rows alone";
    ASSERT_EQ(std::memcmp(together.data(), pixels.data(), floats * sizeof(float)), 0) << what << ": pixels alone";
    if (args.round_to_bf16) {
      args.output = together.data();
      expect_words_are_the_floats_top_halves(table_->f32_dwconv, args, together, what + ": as words");
      if (HasFatalFailure()) return;
    }
    for (size_t i = 0; i < floats; ++i) {
      const size_t in_row = i % row_stride;
      const bool written = in_row < segment * out_pixel_stride && in_row % out_pixel_stride < channels;
      if (!written) {
        ASSERT_EQ(std::memcmp(&together[i], &kSentinel, sizeof(float)), 0) << what << ": wrote " << i;
      }
    }
    ++cases;
  }
  ::testing::Test::RecordProperty("cases", int(cases));
}

// A 3x3 depthwise conv (stride 1, padding 1) reading `row` as its three input rows, `width` pixels of
// `channels` channels, weights [9][channels], with the epilogue `epilogue(args)` sets: the reference's
// outputs (want) and `kernel`'s (got), and where those are bfloat16 values `kernel`'s as words too.
struct WantAndGot {
  std::vector<float> want, got;
  std::vector<uint16_t> words;
};
template <class Epilogue>
WantAndGot run_3x3_on_one_row(DwconvF32Fn kernel, const std::vector<float>& row, size_t width, size_t channels,
                              const std::vector<float>& weights, Epilogue epilogue) {
  const float* rows[3] = {row.data(), row.data(), row.data()};
  DwconvArgs args;
  args.input_rows = rows;
  args.input_pixel_stride = channels;
  args.input_width = width, args.channels = channels;
  args.kernel_h = args.kernel_w = 3, args.stride = 1, args.pad_left = 1, args.dilation = 1;
  args.weights = weights.data(), args.weights_tap_stride = channels;
  args.output_pixel_stride = channels;
  args.out_begin = 0, args.out_end = width;
  epilogue(args);
  WantAndGot out{std::vector<float>(width * channels, 1.0f), std::vector<float>(width * channels, 1.0f), {}};
  args.output = out.want.data();
  f32_dwconv_ref(args);
  args.output = out.got.data();
  kernel(args);
  if (args.round_to_bf16) {
    out.words.resize(width * channels);
    args.output = nullptr, args.output_words = out.words.data();
    kernel(args);
  }
  return out;
}

// The depthwise clamp passes a NaN (Inf * 0) and keeps -0 (a -0 bias plus -0 products, under a clamp at
// 0), as the reference does, at every tier and on every path (interior, edges, masked channels).
TEST_P(KernelTier, F32DwconvClampPassesNaNAndKeepsMinusZero) {
  for (const bool nan : {false, true})
    for (size_t channels : {16, 20, 64}) {
      const size_t width = 11, taps = 9;
      std::vector<float> row(width * channels, nan ? std::numeric_limits<float>::infinity() : -0.0f);
      const std::vector<float> weights(taps * channels, nan ? 0.0f : 0.5f), bias(channels, -0.0f);
      const auto [want, got, words] = run_3x3_on_one_row(table_->f32_dwconv, row, width, channels, weights, [&](DwconvArgs& args) {
        args.bias = bias.data();
        args.clamp_min = nan ? -std::numeric_limits<float>::infinity() : 0.0f;
        args.clamp_max = 6.0f;
      });
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_TRUE(nan ? std::isnan(want[i]) : std::signbit(want[i]) && want[i] == 0.0f) << i << ": " << want[i];
        ASSERT_EQ(std::memcmp(&want[i], &got[i], sizeof(float)), 0) << "nan " << nan << " channels " << channels
                                                                    << " at " << i << ": got " << got[i];
      }
    }
}

// Rounded to bfloat16 in the epilogue, special outputs come out as the reference makes them: a NaN whose
// payload is all ones stays NaN (rounding it as a number would carry into the sign bit: -0), the largest
// finite float rounds up to infinity, and a tie rounds to even. Each channel passes one kind of value
// through the kernel's centre tap (weight 1, the other taps 0), on every path, as floats and as words.
TEST_P(KernelTier, F32DwconvRoundsSpecialOutputsAsTheReference) {
  const float kinds[4] = {std::bit_cast<float>(0x7FFFFFFFu), std::bit_cast<float>(0xFFFFFFFFu),
                          std::bit_cast<float>(0x7F7FFFFFu), 1.00390625f};
  for (size_t channels : {16, 20, 64}) {
    const size_t width = 11, taps = 9;
    std::vector<float> row(width * channels);
    for (size_t i = 0; i < row.size(); ++i) row[i] = kinds[i % channels % 4];
    std::vector<float> weights(taps * channels, 0.0f);
    std::fill_n(weights.begin() + 4 * channels, channels, 1.0f);
    const auto [want, got, words] = run_3x3_on_one_row(table_->f32_dwconv, row, width, channels, weights, [&](DwconvArgs& args) {
      args.clamp_min = -kInf, args.clamp_max = kInf;
      args.round_to_bf16 = true;
    });
    for (size_t i = 0; i < want.size(); ++i) {
      const size_t kind = i % channels % 4;
      if (kind < 2) {
        ASSERT_TRUE(std::isnan(want[i])) << "the reference's NaN at " << i;
      } else {
        ASSERT_EQ(want[i], kind == 2 ? kInf : 1.0f) << "the reference's largest float or tie at " << i;
      }
      ASSERT_TRUE(std::isnan(want[i]) ? std::isnan(got[i]) : std::memcmp(&want[i], &got[i], sizeof(float)) == 0)
          << "channels " << channels << " at " << i << ": got " << got[i] << ", want " << want[i];
      ASSERT_EQ(words[i], uint16_t(std::bit_cast<uint32_t>(got[i]) >> 16)) << "as words: channels " << channels << " at " << i;
    }
  }
}

// bfloat8_b blocks: every tier bit-identical to the reference on blocks that exercise each path (wide and
// narrow exponent spreads, ties, zeros, subnormals, saturation, Inf/NaN rows, tiny exponents).
TEST_P(KernelTier, Bfp8BlocksMatchRef) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-140, 127), spread(0, 30), kind(0, 15);
  size_t blocks = 0;
  float previous[16] = {};  // the last trial's block: with this one, a pair for bfp8_encode_pair
  for (int trial = 0; trial < 20000; ++trial) {
    float values[16];
    const int top = exponent(rng), width = spread(rng);
    for (float& v : values) {
      v = std::ldexp(unit(rng), top - std::uniform_int_distribution<int>(0, width)(rng));
      switch (kind(rng)) {
        case 0: v = 0.0f; break;
        case 1: v = -0.0f; break;
        case 2: v = std::ldexp(std::round(std::ldexp(v, 7 - top)), top - 7); break;  // near representable
        case 3: v = std::ldexp(1.5f, top - 7); break;                                   // a tie
        default: break;
      }
    }
    if (trial % 500 == 1) values[trial % 16] = std::numeric_limits<float>::infinity();
    if (trial % 500 == 2) values[trial % 16] = std::numeric_limits<float>::quiet_NaN();
    if (trial % 500 == 3) values[trial % 16] = std::numeric_limits<float>::max();
    uint8_t want_codes[16], got_codes[16];
    const uint8_t want_exponent = kernels::bfp8_encode_ref(values, want_codes);
    const uint8_t got_exponent = table_->bfp8_encode(values, got_codes);
    ASSERT_EQ(got_exponent, want_exponent) << "trial " << trial;
    for (int i = 0; i < 16; ++i) ASSERT_EQ(got_codes[i], want_codes[i]) << "trial " << trial << " value " << values[i];
    float pair[32];
    std::memcpy(pair, previous, sizeof previous);
    std::memcpy(pair + 16, values, sizeof values);
    uint8_t pair_codes[2][16], pair_exponents[2], previous_codes[16];
    table_->bfp8_encode_pair(pair, pair_codes[0], pair_codes[1], pair_exponents);
    ASSERT_EQ(pair_exponents[0], kernels::bfp8_encode_ref(previous, previous_codes)) << "pair at trial " << trial;
    ASSERT_EQ(pair_exponents[1], want_exponent) << "pair at trial " << trial;
    ASSERT_EQ(std::memcmp(pair_codes[0], previous_codes, 16), 0) << "pair at trial " << trial;
    ASSERT_EQ(std::memcmp(pair_codes[1], want_codes, 16), 0) << "pair at trial " << trial;
    std::memcpy(previous, values, sizeof values);
    float want[16], got[16];
    kernels::bfp8_decode_ref(want_exponent, want_codes, want);
    table_->bfp8_decode(want_exponent, want_codes, got);
    for (int i = 0; i < 16; ++i)
      ASSERT_TRUE(std::memcmp(&want[i], &got[i], 4) == 0 || (std::isnan(want[i]) && std::isnan(got[i])))
          << "trial " << trial << " code " << int(want_codes[i]) << ": " << got[i] << " vs " << want[i];
    ++blocks;
  }
  // Any stored bytes decode alike, also those no encoder writes (codes under exponent 0, say).
  for (int stored = 0; stored < 256; ++stored) {
    uint8_t codes[16];
    for (uint8_t& code : codes) code = uint8_t(rng());
    float want[16], got[16];
    kernels::bfp8_decode_ref(uint8_t(stored), codes, want);
    table_->bfp8_decode(uint8_t(stored), codes, got);
    for (int i = 0; i < 16; ++i)
      ASSERT_TRUE(std::memcmp(&want[i], &got[i], 4) == 0 || (std::isnan(want[i]) && std::isnan(got[i])))
          << "exponent " << stored << " code " << int(codes[i]) << ": " << got[i] << " vs " << want[i];
    ++blocks;
  }
  ::testing::Test::RecordProperty("blocks", int(blocks));
}

// Rows rounded in place as stored: the bits of encoding and decoding each block (zero-padded past the
// columns), for whole faces and leftover rows, a narrow last block, and blocks of every kind (zeros,
// subnormals, ties, Inf/NaN, tiny scales); the stride's gap past the columns is not written.
TEST_P(KernelTier, Bfp8RoundRowsMatchEncodingAndDecoding) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-140, 127), spread(0, 30), kind(0, 15);
  constexpr float kGuard = 12345.0f;
  for (const auto& [rows, cols] : {std::pair<size_t, size_t>{37, 40}, {16, 16}, {5, 8}, {48, 144}}) {
    const size_t stride = cols + 5;
    std::vector<float> values(rows * stride, kGuard);
    for (size_t row = 0; row < rows; ++row)
      for (size_t col = 0; col < cols; col += 16) {
        const int top = exponent(rng), width = spread(rng);
        for (size_t i = col; i < std::min(cols, col + 16); ++i) {
          float v = std::ldexp(unit(rng), top - std::uniform_int_distribution<int>(0, width)(rng));
          switch (kind(rng)) {
            case 0: v = 0.0f; break;
            case 1: v = -0.0f; break;
            case 2: v = std::ldexp(1.5f, top - 7); break;  // a tie
            case 3: v = std::ldexp(-127.5f, top - 7); break;  // rounds past the largest magnitude
            default: break;
          }
          if (rng() % 400 == 0) v = std::numeric_limits<float>::infinity();
          if (rng() % 400 == 0) v = std::numeric_limits<float>::quiet_NaN();
          values[row * stride + i] = v;
        }
      }
    std::vector<float> want = values;
    for (size_t row = 0; row < rows; ++row)
      for (size_t col = 0; col < cols; col += 16) {
        float block[16] = {};
        const size_t count = std::min<size_t>(16, cols - col);
        std::copy_n(&want[row * stride + col], count, block);
        uint8_t codes[16];
        kernels::bfp8_decode_ref(kernels::bfp8_encode_ref(block, codes), codes, block);
        std::copy_n(block, count, &want[row * stride + col]);
      }
    table_->bfp8_round_rows(values.data(), rows, cols, stride);
    for (size_t i = 0; i < values.size(); ++i)
      ASSERT_TRUE(std::memcmp(&want[i], &values[i], 4) == 0 || (std::isnan(want[i]) && std::isnan(values[i])))
          << rows << "x" << cols << " at row " << i / stride << " column " << i % stride << ": " << values[i]
          << " vs " << want[i];
  }
}

// Int8 rows decode to the values their tiles hold (finite values: blocks of every scale, zeros, subnormals).
TEST_P(KernelTier, Bfp8DecodeInt8RowsGivesTheStoredValues) {
  std::mt19937 rng(10);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-140, 127), spread(0, 30);
  for (const uint8_t code_bias : {uint8_t(0), uint8_t(0x80)}) {
    const size_t rows = 21, cols = 48, src_stride = cols + 3, codes_stride = cols + 16, exponents_stride = 5;
    const size_t dst_stride = cols + 5;
    std::vector<float> src(rows * src_stride, 0.0f);
    for (size_t row = 0; row < rows; ++row)
      for (size_t col = 0; col < cols; col += 16) {
        const int top = exponent(rng), width = spread(rng);
        const bool zeros = rng() % 10 == 0;
        for (size_t i = col; i < col + 16; ++i) {
          const float v = zeros ? 0.0f : std::ldexp(unit(rng), top - std::uniform_int_distribution<int>(0, width)(rng));
          src[row * src_stride + i] = code_bias == 0 ? std::fabs(v) : v;  // no bias: nonnegative rows
        }
      }
    std::vector<int8_t> codes(rows * codes_stride);
    std::vector<uint8_t> exponents(rows * exponents_stride);
    table_->bfp8_encode_int8_rows(src.data(), src_stride, rows, cols, codes.data(), codes_stride, exponents.data(),
                                  exponents_stride, code_bias);
    std::vector<float> got(rows * dst_stride, -9.0f);
    table_->bfp8_decode_int8_rows(codes.data(), codes_stride, exponents.data(), exponents_stride, rows, cols, code_bias,
                                  got.data(), dst_stride);
    std::vector<float> want = src;
    kernels::bfp8_round_rows_ref(want.data(), rows, cols, src_stride);
    for (size_t row = 0; row < rows; ++row) {
      ASSERT_EQ(std::memcmp(&got[row * dst_stride], &want[row * src_stride], cols * sizeof(float)), 0)
          << "row " << row << " bias " << int(code_bias);
      for (size_t i = cols; i < dst_stride; ++i) ASSERT_EQ(got[row * dst_stride + i], -9.0f) << "wrote past cols";
    }
  }
}

// Rows encoded straight into the int8 GEMM's rows: each block's exponent and its codes as two's
// complement (biased by +128 or not), as the reference encodes them, for whole faces and leftover rows, nothing written between the
// rows' codes, nothing past the last row; and whether a negative value was seen. Every layout the kernels
// treat apart: gaps everywhere, none (one run of blocks, its last faces shorter than sixteen blocks), and gaps
// in only one of the values, the codes (a column range of wider codes) or the exponents.
TEST_P(KernelTier, Bfp8EncodeInt8RowsMatchesTheReferenceCodes) {
  enum class Layout { gaps, one_run, column_range, value_gaps_only, exponent_gaps_only };
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-140, 127), spread(0, 30);
  for (const bool nonnegative : {false, true})
    for (const uint8_t code_bias : {uint8_t(0), uint8_t(0x80)})
    for (const Layout layout : {Layout::gaps, Layout::one_run, Layout::column_range, Layout::value_gaps_only,
                                Layout::exponent_gaps_only})
    for (const auto& [rows, cols] : {std::pair<size_t, size_t>{37, 48}, {16, 16}, {5, 32}, {40, 160}, {3, 1040}}) {
      // One run of blocks only when all three strides are tight: each other layout breaks one of them.
      const bool value_gaps = layout == Layout::gaps || layout == Layout::value_gaps_only;
      const bool code_gaps = layout == Layout::gaps || layout == Layout::column_range;
      const bool exponent_gaps = code_gaps || layout == Layout::exponent_gaps_only;
      const size_t src_stride = value_gaps ? cols + 3 : cols, codes_stride = code_gaps ? cols + 16 : cols;
      const size_t exponents_stride = exponent_gaps ? cols / 16 + 2 : cols / 16;
      std::vector<float> src(rows * src_stride, 0.0f);
      for (size_t row = 0; row < rows; ++row)
        for (size_t col = 0; col < cols; col += 16) {
          const int top = exponent(rng), width = spread(rng);
          for (size_t i = col; i < col + 16; ++i) {
            float v = std::ldexp(unit(rng), top - std::uniform_int_distribution<int>(0, width)(rng));
            if (rng() % 300 == 0) v = std::numeric_limits<float>::infinity();
            if (rng() % 300 == 0) v = std::numeric_limits<float>::quiet_NaN();
            src[row * src_stride + i] = nonnegative ? std::fabs(v) : v;
          }
        }
      // Guards past the last row: a face's stores (64 code bytes, 16 exponents) must not run over the end.
      std::vector<int8_t> codes(rows * codes_stride + 256, 99);
      std::vector<uint8_t> exponents(rows * exponents_stride + 16, 99);
      const uint8_t signs = table_->bfp8_encode_int8_rows(src.data(), src_stride, rows, cols, codes.data(), codes_stride,
                                                          exponents.data(), exponents_stride, code_bias);
      uint8_t want_signs = 0;
      for (size_t row = 0; row < rows; ++row) {
        for (size_t col = 0; col < cols; col += 16) {
          uint8_t block[16];
          ASSERT_EQ(exponents[row * exponents_stride + col / 16], kernels::bfp8_encode_ref(&src[row * src_stride + col], block))
              << rows << "x" << cols << " row " << row << " block " << col / 16;
          for (size_t i = 0; i < 16; ++i) {
            want_signs |= block[i] & 0x80;
            const int magnitude = block[i] & 0x7F;
            ASSERT_EQ(codes[row * codes_stride + col + i], int8_t(uint8_t(block[i] & 0x80 ? -magnitude : magnitude) ^ code_bias))
                << rows << "x" << cols << " row " << row << " column " << col + i << " bias " << int(code_bias);
          }
        }
        for (size_t i = cols; i < codes_stride; ++i) ASSERT_EQ(codes[row * codes_stride + i], 99) << "row " << row;
        for (size_t i = cols / 16; i < exponents_stride; ++i) ASSERT_EQ(exponents[row * exponents_stride + i], 99);
      }
      for (size_t i = rows * codes_stride; i < codes.size(); ++i) ASSERT_EQ(codes[i], 99) << "wrote past the codes";
      for (size_t i = rows * exponents_stride; i < exponents.size(); ++i)
        ASSERT_EQ(exponents[i], 99) << "wrote past the exponents";
      EXPECT_EQ(signs & 0x80, want_signs) << rows << "x" << cols;
      if (nonnegative) {
        EXPECT_EQ(signs & 0x80, 0);
      }
    }
}

// A tile's rows and columns in one call: the same bits as decoding block by block, for any row and column
// range (whole faces, rows, ranges from a block start and others take different paths) and any exponent
// bytes; nothing outside the range is written.
TEST_P(KernelTier, Bfp8TileRowsMatchBlockByBlockDecoding) {
  std::mt19937 rng(9);
  uint8_t tile[1088];
  for (int trial = 0; trial < 300; ++trial) {
    for (uint8_t& byte : tile) byte = uint8_t(rng());
    for (size_t e = 0; e < 64; ++e)  // mostly ordinary exponents, some Inf/NaN and tiny ones
      if (rng() % 8 != 0) tile[e] = uint8_t(100 + rng() % 40);
    uint32_t row0 = rng() % 32, row1 = row0 + 1 + rng() % (32 - row0);
    uint32_t col0 = rng() % 32, col1 = col0 + 1 + rng() % (32 - col0);
    if (trial % 3 == 0) col0 = 0, col1 = 32;
    // Columns from a block start to anywhere (a tensor's last tile, 24 channels wide, say).
    if (trial % 3 == 1) col0 = 16 * (rng() % 2), col1 = col0 + 1 + rng() % (32 - col0);
    if (trial % 6 < 2) row0 = 16 * (rng() % 2), row1 = rng() % 2 ? 32 : row0 + 16;  // whole faces
    if (trial % 12 < 2)  // faces whose exponents are all ordinary (the AVX-512 tier's 16-row path)
      for (size_t e = 0; e < 64; ++e) tile[e] = uint8_t(100 + rng() % 40);
    float got[32 * 40], want[32 * 40];
    std::fill(std::begin(got), std::end(got), -7.0f);
    std::fill(std::begin(want), std::end(want), -7.0f);
    const size_t stride = 40;
    table_->bfp8_decode_tile_rows(tile, row0, row1, col0, col1, got, stride);
    for (uint32_t row = row0; row < row1; ++row)
      for (uint32_t block = 0; block < 32; block += 16) {
        const size_t index = formats::face_order_index(row, block);
        float values[16];
        kernels::bfp8_decode_ref(tile[index / 16], tile + 64 + index, values);
        for (uint32_t col = std::max(col0, block); col < std::min(col1, block + 16); ++col)
          want[(row - row0) * stride + (col - col0)] = values[col - block];
      }
    for (size_t i = 0; i < std::size(got); ++i)
      ASSERT_TRUE(std::memcmp(&want[i], &got[i], 4) == 0 || (std::isnan(want[i]) && std::isnan(got[i])))
          << "trial " << trial << " rows " << row0 << ".." << row1 << " cols " << col0 << ".." << col1 << " at " << i;
  }
}

// A tile's rows encoded in one call: the same bytes as the reference pair encoder row by row, rows outside
// the range untouched. Whole faces (the AVX-512 tier encodes them 16 blocks at a time) in a third of the
// trials, with blocks of zeros, subnormals, tiny and huge scales, Inf and NaN among ordinary ones.
TEST_P(KernelTier, Bfp8EncodeTileRowsMatchRowByRowEncoding) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  const float specials[] = {0.0f, -0.0f, 1e-40f, -3e-39f, std::ldexp(1.0f, -120), std::ldexp(-1.5f, -112),
                            std::ldexp(1.0f, 100), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
  for (int trial = 0; trial < 600; ++trial) {
    uint32_t row0 = rng() % 32, row1 = row0 + 1 + rng() % (32 - row0);
    if (trial % 3 == 0) row0 = trial % 2 ? 0 : 16 * (rng() % 2), row1 = std::max(row0 + 16, 16 + 16 * uint32_t(rng() % 2));
    constexpr size_t kStride = 40;
    std::vector<float> src(32 * kStride);
    for (float& v : src) v = std::ldexp(normal(rng), int(rng() % 40) - 20);
    for (size_t i = 0; i < src.size(); i += 7)
      if (trial % 4 == 0) src[i] = 0.0f;  // ReLU-like rows
    for (size_t row = 0; row < 32; ++row)  // whole blocks of zeros or of one kind of special value
      for (size_t half = 0; half < 2; ++half) {
        const uint32_t pick = rng() % 64;
        if (pick >= std::size(specials) + 4) continue;
        float* block = src.data() + row * kStride + 16 * half;
        if (pick < 4) std::fill_n(block, 16, 0.0f);
        else block[rng() % 16] = specials[pick - 4];
        if (pick == 6 || pick == 7) std::fill_n(block, 16, specials[pick - 4]);  // blocks of subnormals only
      }
    uint8_t got[1088], want[1088];
    std::memset(got, 0xAB, sizeof got);
    std::memset(want, 0xAB, sizeof want);
    table_->bfp8_encode_tile_rows(src.data(), kStride, row0, row1, got);
    for (uint32_t row = row0; row < row1; ++row) {
      const size_t left = formats::face_order_index(row, 0), right = formats::face_order_index(row, 16);
      uint8_t exponents[2];
      kernels::bfp8_encode_pair_ref(src.data() + (row - row0) * kStride, want + 64 + left, want + 64 + right, exponents);
      want[left / 16] = exponents[0];
      want[right / 16] = exponents[1];
    }
    ASSERT_EQ(std::memcmp(got, want, sizeof got), 0) << "trial " << trial << " rows " << row0 << ".." << row1;
  }
}

// A tile's rows as the int8 GEMM reads them: codes in two's complement, exponents, and whether any is
// negative; a quarter of the trials take whole face pairs (the AVX-512 tier moves those 16 rows at once).
TEST_P(KernelTier, Bfp8TileRowsToInt8MatchTheCodes) {
  std::mt19937 rng(10);
  uint8_t tile[1088];
  for (int trial = 0; trial < 300; ++trial) {
    const bool nonnegative = trial % 2 == 0;
    for (uint8_t& byte : tile) byte = uint8_t(rng()) & (nonnegative ? 0x7F : 0xFF);
    uint32_t row0 = rng() % 32, row1 = row0 + 1 + rng() % (32 - row0);
    const uint32_t blocks = 1 + trial % 3 / 2;
    if (trial % 4 == 1) row0 = 16 * (rng() % 2), row1 = rng() % 2 ? 32 : row0 + 16;  // whole face pairs
    constexpr size_t kCodesStride = 40, kExponentsStride = 3;
    int8_t codes[32 * kCodesStride] = {};
    uint8_t exponents[32 * kExponentsStride] = {};
    const uint8_t code_bias = trial / 3 % 2 ? 0x80 : 0;  // signed activations as the GEMM reads them
    const uint8_t signs = table_->bfp8_tile_rows_to_int8(tile, row0, row1, blocks, codes, kCodesStride, exponents,
                                                          kExponentsStride, code_bias);
    bool any_negative = false;
    for (uint32_t row = row0; row < row1; ++row)
      for (uint32_t block = 0; block < blocks; ++block) {
        const size_t index = formats::face_order_index(row, block * 16);
        ASSERT_EQ(exponents[(row - row0) * kExponentsStride + block], tile[index / 16]);
        for (size_t i = 0; i < 16; ++i) {
          const uint8_t code = tile[64 + index + i];
          any_negative |= (code & 0x80) != 0;
          const int want = code & 0x80 ? -(code & 0x7F) : code & 0x7F;
          ASSERT_EQ(codes[(row - row0) * kCodesStride + block * 16 + i], int8_t(uint8_t(want) ^ code_bias))
              << "trial " << trial << " row " << row;
        }
      }
    EXPECT_EQ((signs & 0x80) != 0, any_negative) << "trial " << trial;
  }
}

// bfloat16: every tier bit-identical to the reference (ties, carries into the exponent, Inf, NaN payloads).
TEST_P(KernelTier, Bf16MatchesRef) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    float values[16];
    for (float& v : values) {
      uint32_t bits = uint32_t(rng());
      if (trial % 3 == 0) bits = (bits & 0xFFFF0000u) | 0x8000u;  // exact ties
      if (trial % 7 == 0) bits |= 0x7F800000u;                     // Inf and NaN
      std::memcpy(&v, &bits, 4);
    }
    uint16_t want[16], got[16];
    kernels::bf16_encode_ref(values, 16, want);
    table_->bf16_encode(values, 16, got);
    ASSERT_EQ(std::memcmp(want, got, sizeof want), 0) << "trial " << trial;
    float back_want[16], back_got[16];
    kernels::bf16_decode_ref(want, 16, back_want);
    table_->bf16_decode(want, 16, back_got);
    ASSERT_EQ(std::memcmp(back_want, back_got, sizeof back_want), 0) << "trial " << trial;
  }
}

// Any count (vector bodies and tails) converts as the reference does, touching nothing past `count`.
TEST_P(KernelTier, Bf16AnyCountMatchesRef) {
  std::mt19937 rng(8);
  for (size_t count = 0; count <= 50; ++count) {
    std::vector<float> values(count);
    for (float& v : values) {
      uint32_t bits = uint32_t(rng());
      if (count % 3 == 0) bits = (bits & 0xFFFF0000u) | 0x8000u;  // exact ties
      std::memcpy(&v, &bits, 4);
    }
    std::vector<uint16_t> want(count + 1, 0xABCD), got(count + 1, 0xABCD);
    kernels::bf16_encode_ref(values.data(), count, want.data());
    table_->bf16_encode(values.data(), count, got.data());
    ASSERT_EQ(want, got) << "count " << count;
    std::vector<float> back_want(count + 1, -3.0f), back_got(count + 1, -3.0f);
    kernels::bf16_decode_ref(want.data(), count, back_want.data());
    table_->bf16_decode(want.data(), count, back_got.data());
    ASSERT_EQ(std::memcmp(back_want.data(), back_got.data(), back_want.size() * sizeof(float)), 0) << "count " << count;
    // Rounding in place: the bits of encoding and decoding.
    std::vector<float> rounded = values;
    rounded.push_back(-7.0f);
    table_->bf16_round_rows(rounded.data(), 1, count, count);
    ASSERT_EQ(std::memcmp(rounded.data(), back_want.data(), count * sizeof(float)), 0) << "count " << count;
    ASSERT_EQ(rounded[count], -7.0f) << "count " << count;
  }
}

// Rows of a wider stride (a block of narrow channels) round as each row alone would; the columns between
// them keep their values.
TEST_P(KernelTier, Bf16RoundRowsLeaveTheStrideAlone) {
  std::mt19937 rng(10);
  for (size_t cols : {1, 15, 16, 24, 33})
    for (size_t rows : {1, 2, 7}) {
      const size_t stride = cols + 9;
      std::vector<float> values(rows * stride);
      for (float& v : values) {
        uint32_t bits = uint32_t(rng());
        if (rng() % 4 == 0) bits = (bits & 0xFFFF0000u) | 0x8000u;  // exact ties
        std::memcpy(&v, &bits, 4);
      }
      std::vector<float> want = values, got = values;
      for (size_t r = 0; r < rows; ++r) kernels::bf16_round_rows_ref(want.data() + r * stride, 1, cols, cols);
      table_->bf16_round_rows(got.data(), rows, cols, stride);
      ASSERT_EQ(std::memcmp(want.data(), got.data(), want.size() * sizeof(float)), 0)
          << rows << " rows of " << cols;
      for (size_t r = 0; r < rows; ++r)  // the gap as it was (NaNs included: compare bits)
        ASSERT_EQ(std::memcmp(got.data() + r * stride + cols, values.data() + r * stride + cols, 9 * sizeof(float)), 0);
    }
}

// A residual add into bfloat16 words: every tier as the reference (ties, Inf, NaN, subnormals, clamps that
// bite or not), rows at strides with nothing written between them; the reference as its definition says.
TEST_P(KernelTier, Bf16AddRowsMatchRef) {
  std::mt19937 rng(11);
  const auto any_float = [&] {
    uint32_t bits = uint32_t(rng());
    if (rng() % 5 == 0) bits = (bits & 0xFFFF0000u) | 0x8000u;   // ties after the add of a bfloat16 value
    if (rng() % 17 == 0) bits = (bits & 0x807FFFFFu);            // subnormal
    if (rng() % 23 == 0) bits = (bits & 0x80000000u) | 0x7F800000u | (rng() % 3 == 0 ? 0x400000u : 0u);  // Inf/NaN
    return std::bit_cast<float>(bits);
  };
  const float inf = std::numeric_limits<float>::infinity();
  for (const auto& [lo, hi] : {std::pair{-inf, inf}, std::pair{0.0f, 6.0f}})
    for (size_t cols : {1, 8, 15, 16, 24, 33})
      for (size_t rows : {1, 3}) {
        const size_t a_stride = cols + 5, b_stride = cols + 3, out_stride = cols + 7;
        std::vector<float> a(rows * a_stride);
        std::vector<uint16_t> b(rows * b_stride);
        for (float& v : a) v = any_float();
        for (uint16_t& w : b) w = uint16_t(std::bit_cast<uint32_t>(any_float()) >> 16);
        std::vector<uint16_t> want(rows * out_stride, 0xABCD), got(rows * out_stride, 0xABCD);
        kernels::bf16_add_rows_ref(a.data(), a_stride, b.data(), b_stride, rows, cols, lo, hi, want.data(), out_stride);
        table_->bf16_add_rows(a.data(), a_stride, b.data(), b_stride, rows, cols, lo, hi, got.data(), out_stride);
        ASSERT_EQ(want, got) << rows << " rows of " << cols << ", clamp " << lo << ".." << hi;
        for (size_t r = 0; r < rows; ++r)
          for (size_t i = 0; i < cols; ++i) {
            const float x = a[r * a_stride + i];
            const float sum = std::isnan(x) ? x : x + std::bit_cast<float>(uint32_t(b[r * b_stride + i]) << 16);
            const float clamped = std::isnan(sum) ? sum : std::min(std::max(sum, lo), hi);
            ASSERT_EQ(want[r * out_stride + i], formats::float_to_bfloat16(clamped)) << r << "," << i;
          }
      }
}

// An image's planes interleaved into pixels: every tier as the reference (any bits: ties, Inf, NaN,
// subnormals), the reference pixel by pixel from the planes, nothing written past the pixels.
TEST_P(KernelTier, PlanesToPixelsMatchRef) {
  std::mt19937 rng(9);
  for (size_t channels : {1, 3, 4})
    for (size_t count : {0, 1, 15, 16, 17, 47, 48, 100}) {
      const size_t plane_stride = count + 5;
      std::vector<float> planes(channels * plane_stride);
      for (float& v : planes) {
        uint32_t bits = uint32_t(rng());
        if (bits % 5 == 0) bits = (bits & 0xFFFF0000u) | 0x8000u;  // exact ties
        if (bits % 7 == 0) bits &= 0x807FFFFFu;                     // subnormals
        std::memcpy(&v, &bits, 4);
      }
      std::vector<float> want(channels * count + 1, -3.0f), got = want;
      kernels::f32_planes_to_pixels_ref(planes.data(), plane_stride, channels, count, want.data());
      table_->f32_planes_to_pixels(planes.data(), plane_stride, channels, count, got.data());
      ASSERT_EQ(std::memcmp(want.data(), got.data(), want.size() * sizeof(float)), 0) << channels << " " << count;
      std::vector<uint16_t> bits_want(channels * count + 1, 0xABCD), bits_got = bits_want;
      kernels::bf16_planes_to_pixels_ref(planes.data(), plane_stride, channels, count, bits_want.data());
      table_->bf16_planes_to_pixels(planes.data(), plane_stride, channels, count, bits_got.data());
      ASSERT_EQ(bits_want, bits_got) << channels << " " << count;
      for (size_t i = 0; i < count; ++i)
        for (size_t ch = 0; ch < channels; ++ch) {
          const float value = planes[ch * plane_stride + i];
          ASSERT_EQ(std::memcmp(&want[i * channels + ch], &value, 4), 0) << i;
          uint16_t encoded;
          kernels::bf16_encode_ref(&value, 1, &encoded);
          ASSERT_EQ(bits_want[i * channels + ch], encoded) << i;
        }
      ASSERT_EQ(want.back(), -3.0f);
      ASSERT_EQ(bits_want.back(), 0xABCD);
    }
}

// A bfloat16 tile's rows and columns: every tier as the reference, which converts each value in its face
// order place; encoding leaves the other columns of the tile as they were.
TEST_P(KernelTier, Bf16TileRowsMatchRef) {
  std::mt19937 rng(9);
  std::vector<uint16_t> tile(1024);
  for (uint16_t& bits : tile) bits = uint16_t(rng());
  const std::pair<uint32_t, uint32_t> ranges[] = {{0, 32}, {0, 16}, {16, 32}, {3, 29}, {5, 6}, {0, 24}, {17, 20}};
  for (const auto& [row0, row1] : ranges) {
    for (const auto& [col0, col1] : ranges) {
      SCOPED_TRACE("rows " + std::to_string(row0) + "-" + std::to_string(row1) + " cols " + std::to_string(col0) +
                   "-" + std::to_string(col1));
      const size_t stride = 37;
      std::vector<float> want(32 * stride, -5.0f), got(32 * stride, -5.0f);
      kernels::bf16_decode_tile_rows_ref(tile.data(), row0, row1, col0, col1, want.data(), stride);
      table_->bf16_decode_tile_rows(tile.data(), row0, row1, col0, col1, got.data(), stride);
      ASSERT_EQ(std::memcmp(want.data(), got.data(), want.size() * sizeof(float)), 0);
      for (uint32_t row = row0; row < row1; ++row)
        for (uint32_t col = col0; col < col1; ++col) {
          float value;
          kernels::bf16_decode_ref(&tile[formats::face_order_index(row, col)], 1, &value);
          ASSERT_EQ(std::memcmp(&value, &want[(row - row0) * stride + (col - col0)], 4), 0);
        }
      std::vector<float> src(32 * stride);
      for (float& v : src) {
        const uint32_t bits = uint32_t(rng());
        std::memcpy(&v, &bits, 4);
      }
      std::vector<uint16_t> encoded_want = tile, encoded_got = tile;
      kernels::bf16_encode_tile_rows_ref(src.data(), stride, row0, row1, col0, col1, encoded_want.data());
      table_->bf16_encode_tile_rows(src.data(), stride, row0, row1, col0, col1, encoded_got.data());
      ASSERT_EQ(encoded_want, encoded_got);
      for (uint32_t row = 0; row < 32; ++row)
        for (uint32_t col = 0; col < 32; ++col) {
          const size_t index = formats::face_order_index(row, col);
          uint16_t expected = tile[index];
          if (row >= row0 && row < row1 && col >= col0 && col < col1)
            kernels::bf16_encode_ref(&src[(row - row0) * stride + (col - col0)], 1, &expected);
          ASSERT_EQ(encoded_want[index], expected) << row << "," << col;
        }
    }
  }
}

// Rounding to a fidelity's width: every tier bit-identical to the reference, any bit pattern, every width.
TEST_P(KernelTier, RoundSignificandMatchesRef) {
  std::mt19937 rng(11);
  for (int bits = 1; bits <= 24; ++bits) {
    std::vector<float> values(1000 + size_t(bits));  // a tail past the vector width
    for (float& v : values) {
      const uint32_t pattern = uint32_t(rng());
      std::memcpy(&v, &pattern, 4);
    }
    std::vector<float> want = values, got = values;
    kernels::round_significand_ref(want.data(), want.size(), bits);
    table_->round_significand(got.data(), got.size(), bits);
    ASSERT_EQ(std::memcmp(want.data(), got.data(), want.size() * 4), 0) << bits << " bits";
  }
}

// The roofline loop: its flop count grows with the iterations, and a measurement gives a plausible rate
// (a removed loop would report an absurd one).
TEST_P(KernelTier, PeakLoopCountsItsWork) {
  const double small = table_->f32_fma_peak(1000), large = table_->f32_fma_peak(3000);
  EXPECT_GT(small, 0.0);
  EXPECT_DOUBLE_EQ(large, 3 * small);
  const double gflops = measure_peak_gflops(table_->f32_fma_peak);
  EXPECT_GT(gflops, 0.1);
  EXPECT_LT(gflops, 1000.0);  // no CPU core this runs on does a teraflop
}

TTNN_INSTANTIATE_KERNEL_TIERS(AllTiers);

TEST(KernelTiers, ReportWhichTiersRun) {
  std::string ran, skipped;
  for (CpuIsa isa : kAllCpuIsas) (isa_available(isa) ? ran : skipped) += std::string(" ") + isa_name(isa);
  std::printf("[ kernels ] CPU features: %s\n[ kernels ] default tier: %s\n[ kernels ] tiers tested:%s\n"
              "[ kernels ] tiers skipped (not built or not supported by this CPU):%s\n",
              cpu_features(), cpu_isa(), ran.c_str(), skipped.empty() ? " none" : skipped.c_str());
  RecordProperty("tiers_tested", ran);
  EXPECT_TRUE(isa_available(CpuIsa::ref));
  EXPECT_STREQ(kernel_table_for(CpuIsa::ref).isa, "ref");
}

TEST(KernelTiers, AskingForAnUnavailableTierNamesItAndTheCpu) {
  for (CpuIsa isa : kAllCpuIsas) {
    if (isa_available(isa)) continue;
    try {
      kernel_table_for(isa);
      ADD_FAILURE() << "no error for " << isa_name(isa);
    } catch (const Unsupported& error) {
      EXPECT_NE(std::string(error.what()).find(isa_name(isa)), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("CPU has"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace ttnn::kernels
