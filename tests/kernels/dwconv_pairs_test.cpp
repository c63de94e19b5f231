// The depthwise kernels on bfloat16 operands summed in vdpbf16ps pairs (DwconvArgs::bf16_pairs), at every
// tier: bit-identical to the reference, which defines the order (kernels.hpp), over random shapes, segments,
// calls of several rows, padding and subnormals; the order itself pinned on values whose sums show it.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "formats/bfloat16.hpp"
#include "kernels/kernel_tier.hpp"
#include "kernels/kernels.hpp"
#include "support/random_values.hpp"

namespace ttnn::kernels {
namespace {

constexpr float kSentinel = -12345.5f;
constexpr float kInf = std::numeric_limits<float>::infinity();

class DwconvPairs : public KernelTier {};

uint32_t bits(float v) { return std::bit_cast<uint32_t>(v); }

// Output pixel 0 of one channel, unclamped: a 3x3 window over `rows` (`width` pixels each, left padding
// `pad`) from `bias`, the window starting at image row `input_row0`.
float first_output(DwconvF32Fn fn, const float* const (&rows)[3], size_t width, size_t pad, const float (&weights)[9],
                   float bias, bool pairs, long input_row0 = 0) {
  float out = kSentinel;
  DwconvArgs args;
  args.input_rows = rows, args.input_pixel_stride = 1, args.input_width = width, args.channels = 1;
  args.kernel_h = args.kernel_w = 3, args.stride = 1, args.pad_left = pad, args.dilation = 1;
  args.weights = weights, args.weights_tap_stride = 1, args.bias = &bias;
  args.clamp_min = -kInf, args.clamp_max = kInf;
  args.output = &out, args.output_pixel_stride = 1, args.out_begin = 0, args.out_end = 1;
  args.bf16_pairs = pairs, args.input_row0 = input_row0;
  fn(args);
  return out;
}

// The same over one-pixel rows x0, x1, x2 (top to bottom) whose centre column weighs 1 and the others 0.
float centre_column(DwconvF32Fn fn, bool pairs, float bias, const float (&x)[3], long input_row0) {
  const float* const rows[3] = {&x[0], &x[1], &x[2]};
  const float weights[9] = {0, 1, 0, 0, 1, 0, 0, 1, 0};
  return first_output(fn, rows, 1, 1, weights, bias, pairs, input_row0);
}

// From 2^24 (a float's last unit there is 2), adding 1 is a tie that rounds to 2^24 and adding 3 one that
// rounds to 2^24 + 4: the order of the additions shows in the sum.
TEST(DwconvPairsRef, AddsAPairsLowerRowFirstAndPairsTheRowsFromAnEvenImageRow) {
  const float from = 16777216.0f, x[3] = {2.0f, 1.0f, 0.0f};
  // From an even row: rows 0 and 1 paired, row 1 (lower) first: 2^24 + 1 -> 2^24, + 2 -> 2^24 + 2.
  EXPECT_EQ(centre_column(f32_dwconv_ref, true, from, x, 0), 16777218.0f);
  EXPECT_EQ(centre_column(f32_dwconv_ref, true, from, x, 4), 16777218.0f);
  // From an odd row (-1: above the image): row 0 alone first, + 2; then rows 1 and 2: + 0, + 1 -> 2^24 + 4.
  EXPECT_EQ(centre_column(f32_dwconv_ref, true, from, x, 1), 16777220.0f);
  EXPECT_EQ(centre_column(f32_dwconv_ref, true, from, x, -1), 16777220.0f);
  // The fp32 order, row by row: + 2, + 1 -> 2^24 + 4 too, but not from an even row in pairs.
  EXPECT_EQ(centre_column(f32_dwconv_ref, false, from, x, 0), 16777220.0f);
}

TEST_P(DwconvPairs, GiveTheReferencesOrderOnValuesThatShowIt) {
  const float from = 16777216.0f, x[3] = {2.0f, 1.0f, 0.0f};
  for (long row0 : {-1L, 0L, 1L, 2L})
    EXPECT_EQ(bits(centre_column(table_->f32_dwconv, true, from, x, row0)),
              bits(centre_column(f32_dwconv_ref, true, from, x, row0)))
        << "window from image row " << row0;
}

// A lone row's pair has an empty half, +0 times +0, added after the row's product: a sum of -0 (bias -0,
// every product -0) becomes +0, where the fp32 order keeps -0.
TEST_P(DwconvPairs, AnEmptyHalfTurnsAMinusZeroSumIntoPlusZero) {
  const float zeros[3] = {0.0f, 0.0f, 0.0f};
  const float* const rows[3] = {zeros, zeros, zeros};
  const float weights[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
  for (bool pairs : {false, true})
    EXPECT_EQ(bits(first_output(table_->f32_dwconv, rows, 3, 0, weights, -0.0f, pairs)),
              pairs ? bits(0.0f) : bits(-0.0f))
        << (pairs ? "in pairs" : "in the fp32 order");
}

// Random bfloat16 values, a few of them subnormal (vdpbf16ps reads those as zero) when `subnormals`.
std::vector<float> bf16_values(size_t count, unsigned seed, std::mt19937& rng, bool subnormals) {
  std::vector<float> values = test::random_values(count, seed);
  for (float& v : values) {
    v = formats::round_to_bfloat16(v);
    if (subnormals && rng() % 16 == 0) {
      const uint32_t sign = uint32_t(rng() % 2) << 31, significand = uint32_t(rng() % 0x7F + 1) << 16;
      v = std::bit_cast<float>(sign | significand);
    }
  }
  return values;
}

// Random calls: channels off and on 16, widths from 1 (a window wider than the row) to more than a chunk,
// strides 1-3, left padding 0-2, segments anywhere, one to five rows a call whose windows start at odd or
// even image rows (-1: above the image), rows outside the image, epilogues with a clamp or not, rounded to
// bfloat16 or written as words, subnormal inputs, bias and clamp bounds. Every tier gives the reference's
// bits, each row alone and each pixel alone the same, and writes nothing else.
TEST_P(DwconvPairs, MatchTheReferenceBitForBit) {
  std::mt19937 rng(4321);
  const auto uni = [&](size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng); };
  size_t cases = 0, outputs = 0, order_shows = 0;
  for (int trial = 0; trial < 1200; ++trial) {
    const size_t channels = uni(0, 3) == 0 ? 16 * uni(1, 10) : uni(1, 50);
    const size_t width = uni(0, 5) == 0 ? 30 + uni(0, 50) : uni(1, 20);
    const size_t stride = uni(0, 5) == 0 ? 3 : uni(1, 2), step = uni(0, 4) == 0 ? uni(1, 3) : stride;
    const size_t pad = uni(0, 2), pad_right = uni(0, 2);
    const long span = long(width + pad + pad_right) - 3;
    if (span < 0) continue;
    const size_t out_width = size_t(span) / stride + 1;
    const size_t out_begin = uni(0, 1) ? 0 : uni(0, out_width - 1);
    const size_t out_end = uni(0, 1) ? out_width : uni(out_begin + 1, out_width);
    const size_t rows = uni(1, 5), pointer_count = 3 + (rows - 1) * step;
    const size_t pixel_stride = channels + uni(0, 1) * 5, out_pixel_stride = channels + uni(0, 1) * 3;
    const size_t segment = out_end - out_begin, row_stride = segment * out_pixel_stride + uni(0, 1) * 7;
    const bool subnormals = uni(0, 3) == 0;
    std::vector<std::vector<float>> storage;
    std::vector<const float*> pointers;
    for (size_t i = 0; i < pointer_count; ++i) {
      storage.push_back(bf16_values(width * pixel_stride, unsigned(trial * 31 + i), rng, subnormals));
      // Rows outside the image: above its top (the first ones) or below its bottom (the last ones).
      const bool outside = (i == 0 && uni(0, 3) == 0) || (i + 1 == pointer_count && uni(0, 3) == 0);
      pointers.push_back(outside ? nullptr : storage.back().data());
    }
    const std::vector<float> weights = bf16_values(9 * channels, unsigned(trial + 7), rng, subnormals);
    std::vector<float> bias = test::random_values(channels, unsigned(trial + 11));
    if (subnormals) bias[0] = 1e-39f, bias[channels - 1] = -1e-39f;
    DwconvArgs args;
    args.input_pixel_stride = pixel_stride, args.input_width = width, args.channels = channels;
    args.kernel_h = args.kernel_w = 3, args.stride = stride, args.pad_left = pad, args.dilation = 1;
    args.weights = weights.data(), args.weights_tap_stride = channels;
    args.bias = uni(0, 3) == 0 ? nullptr : bias.data();
    const size_t clamp = uni(0, 3);
    args.clamp_min = clamp == 0 ? -kInf : clamp == 1 ? 0.0f : clamp == 2 ? -0.25f : 1e-39f;
    args.clamp_max = clamp == 0 ? kInf : clamp == 1 ? 6.0f : clamp == 2 ? 0.5f : kInf;
    args.round_to_bf16 = uni(0, 1) == 0;
    args.output_pixel_stride = out_pixel_stride, args.out_begin = out_begin, args.out_end = out_end;
    args.input_rows = pointers.data(), args.rows = rows, args.input_row_step = step;
    args.output_row_stride = row_stride;
    args.bf16_pairs = true, args.input_row0 = long(uni(0, 5)) - 1;
    const std::string what =
        std::string(isa_name(GetParam())) + " trial " + std::to_string(trial) + ": c" + std::to_string(channels) +
        " w" + std::to_string(width) + " s" + std::to_string(stride) + " step" + std::to_string(step) + " pad" +
        std::to_string(pad) + " out[" + std::to_string(out_begin) + "," + std::to_string(out_end) + ") rows" +
        std::to_string(rows) + " from image row " + std::to_string(args.input_row0);
    const size_t floats = (rows - 1) * row_stride + segment * out_pixel_stride;
    std::vector<float> want(floats, kSentinel), got(floats, kSentinel), alone(floats, kSentinel),
        pixels(floats, kSentinel), fp32_order(floats, kSentinel);
    args.output = want.data();
    f32_dwconv_ref(args);
    args.output = got.data();
    table_->f32_dwconv(args);
    for (size_t r = 0; r < rows; ++r) {
      DwconvArgs one = args;
      one.rows = 1, one.input_rows = args.input_rows + r * step, one.input_row0 = args.input_row0 + long(r * step);
      one.output = alone.data() + r * row_stride;
      table_->f32_dwconv(one);
      for (size_t ow = out_begin; ow < out_end; ++ow) {
        DwconvArgs single = one;
        single.out_begin = ow, single.out_end = ow + 1;
        single.output = pixels.data() + r * row_stride + (ow - out_begin) * out_pixel_stride;
        table_->f32_dwconv(single);
      }
    }
    for (size_t i = 0; i < floats; ++i)
      ASSERT_EQ(bits(got[i]), bits(want[i])) << what << ": at " << i << " " << got[i] << ", want " << want[i];
    ASSERT_EQ(std::memcmp(got.data(), alone.data(), floats * sizeof(float)), 0) << what << ": rows alone";
    ASSERT_EQ(std::memcmp(got.data(), pixels.data(), floats * sizeof(float)), 0) << what << ": pixels alone";
    if (args.round_to_bf16) {  // as words: the top halves of the rounded floats, nothing else written
      std::vector<uint16_t> words(floats, 0xBEEF);
      DwconvArgs as_words = args;
      as_words.output = nullptr, as_words.output_words = words.data();
      table_->f32_dwconv(as_words);
      for (size_t i = 0; i < floats; ++i) {
        const bool written = bits(got[i]) != bits(kSentinel);
        ASSERT_EQ(words[i], written ? uint16_t(bits(got[i]) >> 16) : uint16_t(0xBEEF)) << what << ": word " << i;
      }
    }
    // The data tell the orders apart: the reference without pairs differs somewhere.
    DwconvArgs fp32 = args;
    fp32.bf16_pairs = false, fp32.output = fp32_order.data();
    f32_dwconv_ref(fp32);
    for (size_t i = 0; i < floats; ++i) {
      if (bits(want[i]) == bits(kSentinel)) continue;
      ++outputs;
      order_shows += bits(want[i]) != bits(fp32_order[i]);
    }
    ++cases;
  }
  EXPECT_GT(order_shows, outputs / 100) << "too few outputs where the order of the sums shows";
  ::testing::Test::RecordProperty("cases", int(cases));
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Tiers, DwconvPairs, ::testing::ValuesIn(kAllCpuIsas),
                         [](const ::testing::TestParamInfo<CpuIsa>& tier) {
                           return std::string(isa_name(tier.param));
                         });

}  // namespace ttnn::kernels
