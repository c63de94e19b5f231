// Ops-level check of the kernel tiers: conv2d and linear on the reference tier and on every other tier
// this machine runs give the same values within the fp32 kernel bound.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>

#include "core/buffer_layout.hpp"
#include "formats/block_float.hpp"
#include "formats/tilize.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/bfp8_blocks.hpp"
#include "ops/common/stored_rounding.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ttnn/device.hpp"
#include "ttnn/operations/conv2d.hpp"
#include "support/random_values.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn {
namespace {

using test::random_values;

struct ConvShape {
  const char* name;
  uint32_t batch, height, width, cin, cout, groups, kernel, stride, pad;
  std::optional<TensorMemoryLayout> shard_layout;
};

// Input and weights in `dtype`, output in float32.
std::vector<float> run_conv(const ConvShape& s, Device& device, DataType dtype = DataType::FLOAT32,
                            MathFidelity fidelity = MathFidelity::HiFi4) {
  Conv2dArgs a;
  a.input_tensor = from_host(random_values(size_t(s.batch) * s.height * s.width * s.cin, 1),
                             Shape{1, 1, s.batch * s.height * s.width, s.cin}, dtype, Layout::TILE, &device,
                             L1_MEMORY_CONFIG);
  a.weight_tensor = from_host(random_values(size_t(s.cout) * s.cin / s.groups * s.kernel * s.kernel, 2, 0.1f),
                              Shape{s.cout, s.cin / s.groups, s.kernel, s.kernel});
  a.bias_tensor = from_host(random_values(s.cout, 3, 0.1f), Shape{s.cout});
  a.device = &device;
  a.in_channels = s.cin;
  a.out_channels = s.cout;
  a.batch_size = s.batch;
  a.input_height = s.height;
  a.input_width = s.width;
  a.kernel_size = {s.kernel, s.kernel};
  a.stride = {s.stride, s.stride};
  a.padding = Padding2d(s.pad, s.pad);
  a.groups = s.groups;
  a.conv_config.dtype = DataType::FLOAT32;
  a.conv_config.weights_dtype = dtype;
  a.conv_config.shard_layout = s.shard_layout;
  a.conv_config.activation = "relu6";
  a.compute_config = init_device_compute_kernel_config(fidelity);
  if (!s.shard_layout) a.memory_config = L1_MEMORY_CONFIG;
  return to_host(conv2d(a).output);
}

// Rounding each value alone (depthwise weights) gives the bits of a one-column TILE tensor, which
// round_as_stored makes through the tier's tile encoder with 31 padding columns.
TEST(KernelOps, RoundingEachValueAloneMatchesAOneColumnTensor) {
  std::vector<float> values = random_values(3000, 11, 4.0f);
  values[7] = 0.0f;
  values[8] = -1e-39f;  // subnormal
  values[9] = 3.0e38f;
  values[10] = -1.9921875f;  // 127.5 units of 2^-6: the carry is clamped
  for (const DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B, DataType::BFLOAT4_B}) {
    std::vector<float> alone = values, column = values;
    round_each_as_stored(alone, dtype);
    round_as_stored(column.data(), column.size(), 1, 1, dtype);
    for (size_t i = 0; i < values.size(); ++i)
      ASSERT_EQ(std::bit_cast<uint32_t>(alone[i]), std::bit_cast<uint32_t>(column[i]))
          << "dtype " << int(dtype) << " value " << values[i] << " at " << i;
  }
}

TEST(KernelOps, Conv2dOnEveryTierMatchesTheRefTier) {
  auto device = open_device(0);
  const ConvShape shapes[] = {
      {"pointwise_24_to_144", 1, 14, 14, 24, 144, 1, 1, 1, 0, std::nullopt},
      {"pointwise_33_to_17_width_sharded", 2, 7, 9, 33, 17, 1, 1, 1, 0, TensorMemoryLayout::WIDTH_SHARDED},
      {"pointwise_96_to_40_block_sharded", 1, 10, 10, 96, 40, 1, 1, 1, 0, TensorMemoryLayout::BLOCK_SHARDED},
      {"stem_3x3_s2_3_to_32", 1, 17, 15, 3, 32, 1, 3, 2, 1, std::nullopt},
      {"dense_3x3_24_to_40", 2, 14, 10, 24, 40, 1, 3, 1, 1, std::nullopt},
      {"grouped_3x3_24_to_40_g2", 1, 9, 9, 24, 40, 2, 3, 1, 1, std::nullopt},
      {"grouped_3x3_24_to_40_g2_width_sharded", 1, 9, 9, 24, 40, 2, 3, 1, 1, TensorMemoryLayout::WIDTH_SHARDED},
      {"depthwise_3x3_s1_144", 1, 14, 13, 144, 144, 144, 3, 1, 1, std::nullopt},
      {"depthwise_3x3_s2_33", 2, 15, 11, 33, 33, 33, 3, 2, 1, std::nullopt},
      {"depthwise_3x3_s1_96_width_sharded", 1, 8, 8, 96, 96, 96, 3, 1, 1, TensorMemoryLayout::WIDTH_SHARDED},
  };
  size_t tiers = 0;
  for (kernels::CpuIsa isa : kernels::kAllCpuIsas) {
    if (isa == kernels::CpuIsa::ref || !kernels::isa_available(isa)) continue;
    ++tiers;
    for (const ConvShape& s : shapes) {
      std::vector<float> reference, tier;
      {
        kernels::testing::ScopedCpuIsa scope(kernels::CpuIsa::ref);
        reference = run_conv(s, *device);
      }
      {
        kernels::testing::ScopedCpuIsa scope(isa);
        tier = run_conv(s, *device);
      }
      ASSERT_EQ(reference.size(), tier.size()) << s.name;
      const double k = double(s.cin / s.groups) * s.kernel * s.kernel + 1;
      double max_ref = 0, max_diff = 0;
      for (size_t i = 0; i < reference.size(); ++i) {
        max_ref = std::max(max_ref, std::fabs(double(reference[i])));
        max_diff = std::max(max_diff, std::fabs(double(reference[i]) - tier[i]));
      }
      EXPECT_LE(max_diff, 1e-5 * std::sqrt(k) * (1.0 + max_ref))
          << s.name << " on " << kernels::isa_name(isa) << " vs ref";
    }
  }
  if (tiers == 0) GTEST_SKIP() << "only the ref tier runs on this machine (CPU has: " << kernels::cpu_features() << ")";
}

// bfloat8_b pointwise convs run on int8 dot products where the tier has them (the AVX-512 tier), and on the
// bfloat16 GEMM on the others: the same exact block products, summed in another order. Signed inputs
// exercise the unsigned-times-signed offset correction; channel counts off 16 the padded blocks.
TEST(KernelOps, Bfloat8PointwiseConvsAgreeAcrossTheInt8AndBfloat16Paths) {
  auto device = open_device(0);
  const ConvShape shapes[] = {
      {"pointwise_24_to_144", 1, 14, 14, 24, 144, 1, 1, 1, 0, std::nullopt},
      {"pointwise_16_to_96_height_sharded", 1, 16, 16, 16, 96, 1, 1, 1, 0, TensorMemoryLayout::HEIGHT_SHARDED},
      {"pointwise_33_to_17_width_sharded", 2, 7, 9, 33, 17, 1, 1, 1, 0, TensorMemoryLayout::WIDTH_SHARDED},
      {"pointwise_96_to_40_block_sharded", 1, 10, 10, 96, 40, 1, 1, 1, 0, TensorMemoryLayout::BLOCK_SHARDED},
      {"pointwise_320_to_1280", 1, 7, 7, 320, 1280, 1, 1, 1, 0, std::nullopt},
  };
  size_t tiers = 0;
  for (kernels::CpuIsa isa : kernels::kAllCpuIsas) {
    if (isa == kernels::CpuIsa::ref || !kernels::isa_available(isa)) continue;
    ++tiers;
    for (MathFidelity fidelity : {MathFidelity::LoFi, MathFidelity::HiFi4})
      for (const ConvShape& s : shapes) {
        std::vector<float> reference, tier;
        {
          kernels::testing::ScopedCpuIsa scope(kernels::CpuIsa::ref);
          reference = run_conv(s, *device, DataType::BFLOAT8_B, fidelity);
        }
        {
          kernels::testing::ScopedCpuIsa scope(isa);
          tier = run_conv(s, *device, DataType::BFLOAT8_B, fidelity);
        }
        ASSERT_EQ(reference.size(), tier.size()) << s.name;
        double max_ref = 0, max_diff = 0;
        for (size_t i = 0; i < reference.size(); ++i) {
          max_ref = std::max(max_ref, std::fabs(double(reference[i])));
          max_diff = std::max(max_diff, std::fabs(double(reference[i]) - tier[i]));
        }
        EXPECT_GT(max_ref, 0.1) << s.name;
        EXPECT_LE(max_diff, 1e-5 * std::sqrt(double(s.cin) + 1) * (1.0 + max_ref))
            << s.name << " " << to_string(fidelity) << " on " << kernels::isa_name(isa) << " vs ref";
      }
  }
  if (tiers == 0) GTEST_SKIP() << "only the ref tier runs on this machine (CPU has: " << kernels::cpu_features() << ")";
}

// Rows [begin, end) of `bytes` (a bfloat8_b TILE tensor of `layout`, kCols columns) read for the int8 GEMM
// on the current tier: the form read_bfp8_blocks reports, and every code and exponent as the tiles hold them
// (biased by +128 when it says so).
void expect_bfp8_blocks(const BufferLayout& layout, const std::vector<std::byte>& bytes, uint64_t cols,
                        uint64_t begin, uint64_t end, bool negative_read, const std::string& what) {
  std::vector<int8_t> codes((end - begin) * cols, 0);
  std::vector<uint8_t> exponents((end - begin) * cols / 16, 0);
  const kernels::Int8Activations form =
      read_bfp8_blocks(layout, bytes.data(), begin, end, cols / 16, codes.data(), cols, exponents.data(), cols / 16);
  ASSERT_EQ(form, negative_read ? kernels::Int8Activations::biased : kernels::Int8Activations::nonnegative) << what;
  const uint8_t bias = form == kernels::Int8Activations::biased ? 0x80 : 0;
  for (uint64_t row = begin; row < end; ++row)
    for (uint64_t col = 0; col < cols; ++col) {
      const size_t offset = layout.offset(row / 32 * 32, col / 32 * 32);
      const auto* tile = reinterpret_cast<const uint8_t*>(bytes.data() + offset);
      const size_t index = formats::face_order_index(row % 32, col % 32);
      const int8_t want = int8_t(uint8_t(bfp8_code_to_int8(tile[formats::kTileExponentBytes + index])) ^ bias);
      ASSERT_EQ(codes[(row - begin) * cols + col], want) << what << " at " << row << "," << col;
      ASSERT_EQ(exponents[(row - begin) * cols / 16 + col / 16], tile[index / 16]) << what;
    }
}

// A block of bfloat8_b rows as the int8 GEMM reads them, on every tier: codes as int8 while every value so
// far is >= 0; once a negative one shows up (here only in a later band, or a later tile of a band), all of
// them biased by +128, those converted before included. Bands of two tiles, of three (a tile after the one
// that switches), and of one and a half (a last tile of one block).
TEST(KernelOps, Bfloat8BlocksAreBiasedOnceANegativeValueShowsUp) {
  constexpr uint64_t kRows = 96;  // three bands
  struct Case {
    const char* name;
    uint64_t first_negative_row, first_negative_col;  // negative values only from here on (kRows: none)
  };
  const Case cases[] = {{"no negative value", kRows, 0},
                        {"negatives from the second band", 40, 0},
                        {"negatives from a band's second tile", 64, 33},
                        {"negatives from the start", 0, 0}};
  for (const uint64_t cols : {64, 96, 48}) {
    const TensorSpec spec{Shape{1, 1, uint32_t(kRows), uint32_t(cols)}, DataType::BFLOAT8_B, Layout::TILE,
                          DRAM_MEMORY_CONFIG};
    const BufferLayout layout = BufferLayout::of(spec, "test");
    for (const Case& c : cases) {
      std::mt19937 rng(5);
      std::uniform_real_distribution<float> magnitude(0.01f, 4.0f);
      std::vector<float> values(kRows * cols);
      for (uint64_t row = 0; row < kRows; ++row)
        for (uint64_t col = 0; col < cols; ++col) {
          const bool may_be_negative = row >= c.first_negative_row && col >= c.first_negative_col;
          values[row * cols + col] = magnitude(rng) * (may_be_negative && rng() % 2 ? -1.0f : 1.0f);
        }
      std::vector<std::byte> bytes(layout.size_bytes);
      write_rows(layout, bytes.data(), 0, kRows, 0, cols, values.data(), cols);
      for (kernels::CpuIsa isa : kernels::kAllCpuIsas) {
        if (!kernels::isa_available(isa)) continue;
        kernels::testing::ScopedCpuIsa scope(isa);
        const std::string what = std::string(c.name) + " on " + kernels::isa_name(isa) + ", " + std::to_string(cols) +
                                 " columns";
        expect_bfp8_blocks(layout, bytes, cols, 0, kRows, c.first_negative_row < kRows, what);
        expect_bfp8_blocks(layout, bytes, cols, 16, 80, c.first_negative_row < 80, what + ", rows 16..80");
        if (HasFatalFailure()) return;
      }
    }
  }
}

// Weights prepared for the int8 GEMM (a bfloat8_b input) keep only that packing; a later call whose input
// it cannot read (bfloat16, float32) makes the bfloat16 or fp32 panels from it. They must hold the weights'
// values: the bfloat16 GEMM gives the same bits on every tier, so the result must equal the AVX2 tier's with
// weights packed directly; the fp32 GEMMs differ across tiers only in summation order.
TEST(KernelOps, Int8PackedWeightsServeOtherInputs) {
  if (!kernels::isa_available(kernels::CpuIsa::avx512)) GTEST_SKIP() << "no int8 GEMM tier here";
  auto device = open_device(0);
  const uint32_t pixels = 7 * 9, cin = 40, cout = 36;
  auto args_for = [&](DataType input_dtype) {
    Conv2dArgs a;
    a.input_tensor = from_host(random_values(size_t(pixels) * cin, 4), Shape{1, 1, pixels, cin}, input_dtype,
                               Layout::TILE, device.get(), L1_MEMORY_CONFIG);
    a.weight_tensor = from_host(random_values(size_t(cout) * cin, 5, 0.1f), Shape{cout, cin, 1, 1});
    a.bias_tensor = from_host(random_values(cout, 6, 0.1f), Shape{cout});
    a.device = device.get();
    a.in_channels = cin, a.out_channels = cout, a.batch_size = 1, a.input_height = 7, a.input_width = 9;
    a.kernel_size = {1, 1};
    a.conv_config.dtype = DataType::FLOAT32;
    a.conv_config.weights_dtype = DataType::BFLOAT8_B;
    a.compute_config = init_device_compute_kernel_config(MathFidelity::HiFi4);
    a.memory_config = L1_MEMORY_CONFIG;
    return a;
  };
  for (DataType dtype : {DataType::BFLOAT16, DataType::FLOAT32}) {
    std::vector<float> direct, derived;
    {
      kernels::testing::ScopedCpuIsa scope(kernels::CpuIsa::avx2);
      direct = to_host(conv2d(args_for(dtype)).output);
    }
    {
      kernels::testing::ScopedCpuIsa scope(kernels::CpuIsa::avx512);
      const Conv2dResult prepared = conv2d(args_for(DataType::BFLOAT8_B));  // packs for the int8 GEMM only
      Conv2dArgs reuse = args_for(dtype);
      reuse.weight_tensor = prepared.weight_tensor;
      reuse.bias_tensor = prepared.bias_tensor;
      derived = to_host(conv2d(reuse).output);
    }
    ASSERT_EQ(direct.size(), derived.size());
    if (dtype == DataType::BFLOAT16) {
      EXPECT_EQ(derived, direct);
    } else {
      for (size_t i = 0; i < direct.size(); ++i) EXPECT_NEAR(derived[i], direct[i], 1e-5 * (1 + std::fabs(direct[i]))) << i;
    }
  }
}

// Packed weight panels start at multiples of 16 within a group; a shard that starts mid-panel (here
// groups of 20 channels split by shards) must give exactly the interleaved values on every tier.
TEST(KernelOps, ShardsStartingMidPanelMatchInterleavedExactly) {
  auto device = open_device(0);
  for (kernels::CpuIsa isa : kernels::kAllCpuIsas) {
    if (!kernels::isa_available(isa)) continue;
    kernels::testing::ScopedCpuIsa scope(isa);
    for (TensorMemoryLayout layout : {TensorMemoryLayout::WIDTH_SHARDED, TensorMemoryLayout::BLOCK_SHARDED}) {
      for (uint32_t groups : {1u, 2u}) {
        const ConvShape interleaved{"", 1, 9, 9, 24, 40, groups, 3, 1, 1, std::nullopt};
        ConvShape sharded = interleaved;
        sharded.shard_layout = layout;
        EXPECT_EQ(run_conv(interleaved, *device), run_conv(sharded, *device))
            << kernels::isa_name(isa) << " " << to_string(layout) << " groups " << groups;
      }
    }
  }
}

}  // namespace
}  // namespace ttnn
