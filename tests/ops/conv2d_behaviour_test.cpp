// conv2d behaviour that needs no oracle: sharding, prepared weights and the op cache, deallocation, errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <set>
#include <span>
#include <string>
#include <tuple>

#include "core/buffer_layout.hpp"
#include "formats/bfloat16.hpp"
#include "formats/fidelity.hpp"
#include "core/tensor_allocation.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/decode_activations.hpp"
#include "ops/conv2d/conv2d_geometry.hpp"
#include "ops/conv2d/plan.hpp"
#include "ops/conv2d/program.hpp"
#include "ops/conv2d/sharding.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/operations/conv2d.hpp"
#include "support/random_values.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn {
namespace {

using test::random_values;

// A 3x3 conv 24 -> 40 over 2 images of 14x10 (not tile multiples), stride 1, pad 1.
struct ConvFixture {
  std::shared_ptr<Device> device = open_device(0);
  uint32_t batch = 2, height = 14, width = 10, cin = 24, cout = 40, groups = 1, kernel = 3;

  Conv2dArgs args(DataType dtype = DataType::BFLOAT16, MathFidelity fidelity = MathFidelity::HiFi4) {
    Conv2dArgs a;
    a.input_tensor = from_host(random_values(size_t(batch) * height * width * cin, 1), Shape{1, 1, batch * height * width, cin},
                               dtype, Layout::TILE, device.get(), L1_MEMORY_CONFIG);
    a.weight_tensor = from_host(random_values(size_t(cout) * cin / groups * kernel * kernel, 2, 0.1f),
                                Shape{cout, cin / groups, kernel, kernel});
    a.bias_tensor = from_host(random_values(cout, 3, 0.1f), Shape{cout});
    a.device = device.get();
    a.in_channels = cin;
    a.out_channels = cout;
    a.batch_size = batch;
    a.input_height = height;
    a.input_width = width;
    a.kernel_size = {kernel, kernel};
    a.padding = Padding2d(1, 1);
    a.groups = groups;
    a.conv_config.dtype = dtype;
    a.conv_config.weights_dtype = dtype;
    a.compute_config = init_device_compute_kernel_config(fidelity);
    return a;
  }
};

// A conv on interleaved bfloat16 rows (the image) gathers its patches from the stored rows; the same values
// as TILE storage, which is decoded first, at every fidelity (the cut applies to the gathered patches).
TEST(Conv2d, PatchesGatheredFromStoredRowsEqualDecodedOnes) {
  ConvFixture f;
  f.cin = 3, f.cout = 32, f.height = 21, f.width = 19;
  for (const uint32_t stride : {1u, 2u})
    for (const auto fidelity : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi4}) {
      auto args = f.args(DataType::BFLOAT16, fidelity);
      args.stride = {stride, stride};
      args.conv_config.dtype = DataType::FLOAT32;
      const auto from_tiles = to_host(conv2d(args).output);
      args.input_tensor = to_layout(args.input_tensor, Layout::ROW_MAJOR);
      ASSERT_TRUE(gathers_from_storage(args.input_tensor.spec()));
      EXPECT_EQ(to_host(conv2d(args).output), from_tiles) << "stride " << stride << " " << to_string(fidelity);
    }
}

TEST(Conv2d, EveryShardingLayoutGivesTheSameValues) {
  ConvFixture f;
  for (auto dtype : {DataType::FLOAT32, DataType::BFLOAT8_B}) {
    auto args = f.args(dtype, MathFidelity::LoFi);
    args.memory_config = L1_MEMORY_CONFIG;
    const auto interleaved = to_host(conv2d(args).output);
    for (auto layout : {TensorMemoryLayout::HEIGHT_SHARDED, TensorMemoryLayout::WIDTH_SHARDED,
                        TensorMemoryLayout::BLOCK_SHARDED}) {
      args.memory_config.reset();
      args.conv_config.shard_layout = layout;
      const auto result = conv2d(args);
      EXPECT_EQ(result.output.memory_config().memory_layout, layout);
      EXPECT_EQ(to_host(result.output), interleaved) << to_string(layout) << " " << to_string(dtype);
    }
  }
}

// Threads take runs of work items that write whole rows (narrow outputs) or whole column ranges (outputs of
// 64+ channels a thread): two threads never write neighbouring items of the same rows, which share cache
// lines. Either way every item is in exactly one run, and there are runs enough for every thread.
TEST(Conv2d, ThreadRunsCoverWholeRowsOrWholeColumnRanges) {
  DeviceOptions options;
  options.num_threads = 2;
  ConvFixture f;
  f.device = open_device(0, options);
  f.batch = 1, f.height = f.width = 14, f.cin = 32, f.kernel = 1;
  for (const uint32_t cout : {64u, 256u}) {
    SCOPED_TRACE("out channels " + std::to_string(cout));
    f.cout = cout;
    Conv2dArgs args = f.args(DataType::BFLOAT8_B, MathFidelity::LoFi);
    args.padding = Padding2d(0, 0);
    args.conv_config.shard_layout = TensorMemoryLayout::BLOCK_SHARDED;
    const Conv2dPlan plan = plan_conv2d(args);
    ASSERT_GT(plan.items.size(), 2u);
    ASSERT_FALSE(plan.item_run_ends.empty());
    EXPECT_EQ(plan.item_run_ends.back(), plan.items.size());
    if (cout < 64 * 2) {  // a run a band of rows
      std::set<uint64_t> bands;
      for (size_t run = 0, begin = 0; run < plan.item_run_ends.size(); begin = plan.item_run_ends[run++]) {
        for (size_t i = begin; i < plan.item_run_ends[run]; ++i)
          EXPECT_EQ(plan.items[i].row_begin, plan.items[begin].row_begin) << "run " << run;
        EXPECT_TRUE(bands.insert(plan.items[begin].row_begin).second) << "two runs on rows " << plan.items[begin].row_begin;
      }
    } else {  // column ranges: items in column order, a few runs for the two threads
      for (size_t i = 1; i < plan.items.size(); ++i)
        EXPECT_LE(std::tie(plan.items[i - 1].col_begin, plan.items[i - 1].row_begin),
                  std::tie(plan.items[i].col_begin, plan.items[i].row_begin));
      EXPECT_EQ(plan.item_run_ends.size(), std::min<size_t>(plan.items.size(), 4));
    }
  }
  // Runs enough for the threads, whatever the sharding and thread count (a band of rows per run would leave
  // a width-sharded conv, whose items all share their rows, on one thread; runs of equal work may merge a
  // small edge item into its neighbour's run).
  for (const uint32_t threads : {2u, 16u}) {
    options.num_threads = threads;
    f.device = open_device(0, options);
    for (const uint32_t size : {7u, 14u})
      for (const uint32_t cout : {32u, 96u, 160u, 576u})
        for (const auto layout : {TensorMemoryLayout::HEIGHT_SHARDED, TensorMemoryLayout::WIDTH_SHARDED,
                                  TensorMemoryLayout::BLOCK_SHARDED}) {
          SCOPED_TRACE(std::to_string(threads) + " threads, " + std::to_string(size) + "x" + std::to_string(size) + "x" +
                       std::to_string(cout) + " " + std::string(to_string(layout)));
          f.height = f.width = size, f.cout = cout;
          Conv2dArgs args = f.args(DataType::BFLOAT8_B, MathFidelity::LoFi);
          args.padding = Padding2d(0, 0);
          args.conv_config.shard_layout = layout;
          const Conv2dPlan plan = plan_conv2d(args);
          EXPECT_GE(2 * plan.item_run_ends.size(), std::min<size_t>(plan.items.size(), threads));
          EXPECT_EQ(plan.item_run_ends.back(), plan.items.size());
        }
  }
}

TEST(Conv2d, OutputSizeAndShardLayoutFollowTheSeedsRule) {
  ConvFixture f;
  auto args = f.args();
  args.stride = {2, 2};
  const auto result = conv2d(args);
  EXPECT_EQ(result.output_height, 7u);
  EXPECT_EQ(result.output_width, 5u);
  EXPECT_EQ(result.output.logical_shape(), (Shape{1, 1, 2 * 7 * 5, 40}));
  EXPECT_EQ(select_shard_layout(12544, 32), TensorMemoryLayout::HEIGHT_SHARDED);  // the stem
  EXPECT_EQ(select_shard_layout(784, 736), TensorMemoryLayout::BLOCK_SHARDED);    // the seed's 736-channel example
  EXPECT_EQ(select_shard_layout(49, 1280), TensorMemoryLayout::WIDTH_SHARDED);
}

TEST(Conv2d, ShardedConvRunsOneWorkItemPerShardInsideItsShard) {
  const Shape shape{1, 1, 1000, 96};
  for (auto strategy : {ShardStrategy::HEIGHT, ShardStrategy::WIDTH, ShardStrategy::BLOCK}) {
    const auto config = create_sharded_memory_config(shape, CoreGrid{2, 3}, strategy, ShardOrientation::ROW_MAJOR, false, true);
    const auto layout = BufferLayout::of(TensorSpec{shape, bfloat8_b, Layout::TILE, config}, "test");
    const auto items = conv2d_work_items(layout, 1000, 96, 64);
    ASSERT_EQ(items.size(), layout.num_shards()) << to_string(strategy);
    uint64_t covered = 0;
    for (uint32_t shard = 0; shard < items.size(); ++shard) {
      const auto& item = items[shard];
      EXPECT_EQ(item.core, layout.shard_cores[shard]);
      EXPECT_GE(item.row_begin, layout.shard_row_begin(shard));
      EXPECT_LE(item.row_end, layout.shard_row_begin(shard) + layout.shard_height);
      EXPECT_GE(item.col_begin, layout.shard_col_begin(shard));
      EXPECT_LE(item.col_end, layout.shard_col_begin(shard) + layout.shard_width);
      covered += (item.row_end - item.row_begin) * (item.col_end - item.col_begin);
    }
    EXPECT_EQ(covered, 1000u * 96);  // disjoint and complete
  }
}

TEST(Conv2d, PreparedWeightsAreReusedAndGiveIdenticalResults) {
  ConvFixture f;
  auto args = f.args(DataType::BFLOAT8_B, MathFidelity::LoFi);
  const auto first = conv2d(args);
  EXPECT_EQ(first.weight_tensor.storage_type(), StorageType::DEVICE);
  EXPECT_EQ(first.weight_tensor.dtype(), DataType::BFLOAT8_B);
  args.weight_tensor = first.weight_tensor;
  args.bias_tensor = first.bias_tensor;
  const auto second = conv2d(args);
  EXPECT_EQ(second.weight_tensor.buffer(), first.weight_tensor.buffer());  // nothing prepared again
  EXPECT_EQ(to_host(second.output), to_host(first.output));
  // Prepared for LoFi, used for HiFi4: refused rather than silently reused.
  args.compute_config = init_device_compute_kernel_config(MathFidelity::HiFi4);
  EXPECT_THROW(conv2d(args), InvalidArgument);
}

// prepare_conv_weights needs no input tensor and prepares exactly what conv2d would: the results passed back
// compute the same values and are used as they are.
TEST(Conv2d, PrepareConvWeightsWithoutAnInputMatchesConv2d) {
  ConvFixture f;
  auto args = f.args(DataType::BFLOAT8_B, MathFidelity::LoFi);
  const auto direct = conv2d(args);
  Conv2dArgs weights_only = args;
  weights_only.input_tensor = Tensor();
  const Conv2dPreparedWeights prepared = prepare_conv_weights(weights_only);
  EXPECT_EQ(prepared.weight_tensor.dtype(), DataType::BFLOAT8_B);
  ASSERT_TRUE(prepared.bias_tensor.has_value());
  args.weight_tensor = prepared.weight_tensor;
  args.bias_tensor = prepared.bias_tensor;
  const auto reused = conv2d(args);
  EXPECT_EQ(reused.weight_tensor.buffer(), prepared.weight_tensor.buffer());  // nothing prepared again
  EXPECT_EQ(to_host(reused.output), to_host(direct.output));
  weights_only.device = nullptr;
  try {
    prepare_conv_weights(weights_only);
    ADD_FAILURE() << "no error without a device";
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("prepare_conv_weights"), std::string::npos) << error.what();
  }
}

TEST(Conv2d, OpCacheHitsOnTheSameKeyAndMissesOnAChangedOne) {
  ConvFixture f;
  Conv2dOpCache cache;
  auto args = f.args(DataType::BFLOAT16);
  args.conv_op_cache = &cache;
  const auto first = conv2d(args);
  const auto second = conv2d(args);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(second.weight_tensor.buffer(), first.weight_tensor.buffer());
  args.compute_config = init_device_compute_kernel_config(MathFidelity::LoFi);
  const auto third = conv2d(args);
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_NE(third.weight_tensor.buffer(), first.weight_tensor.buffer());
  EXPECT_NE(to_host(third.output), to_host(first.output));
}

TEST(Conv2d, PreparedWeightsHoldTheRoundedValues) {
  ConvFixture f;
  auto args = f.args(DataType::BFLOAT16, MathFidelity::LoFi);
  args.conv_config.weights_dtype = DataType::FLOAT32;
  const auto result = conv2d(args);
  // LoFi reads 5 significant bits of each weight: every prepared value has at most 5.
  for (float v : to_host(result.weight_tensor)) {
    if (v == 0.0f) continue;
    int exponent;
    const float mantissa = std::frexp(std::fabs(v), &exponent);  // [0.5, 1)
    const float scaled = std::ldexp(mantissa, 5);
    EXPECT_EQ(scaled, std::floor(scaled)) << v;
  }
}

// 1x1 convs over 32x32 pixels of 64 float32 channels, HEIGHT sharded on four cores of 100 KiB of L1 (or
// l1_kib): the input takes 64 KiB a core, an output of N channels N KiB.
struct SmallL1Conv {
  std::shared_ptr<Device> device;
  const Shape shape{1, 1, 1024, 64};
  MemoryConfig config;
  explicit SmallL1Conv(uint32_t l1_kib = 100) {
    DeviceOptions options;
    options.spec.compute_grid = {2, 2};
    options.spec.l1_bytes_per_core = l1_kib * 1024;
    device = open_device(0, options);
    config = create_sharded_memory_config(shape, CoreGrid{2, 2}, ShardStrategy::HEIGHT, ShardOrientation::ROW_MAJOR,
                                          false, true);
  }
  Conv2dArgs args(uint32_t out_channels, const std::vector<float>& input) const {
    Conv2dArgs a;
    a.input_tensor = from_host(input, shape, float32, Layout::TILE, device.get(), config);
    a.weight_tensor = from_host(random_values(size_t(out_channels) * 64, 6, 0.1f), Shape{out_channels, 64, 1, 1});
    a.device = device.get();
    a.in_channels = 64, a.out_channels = out_channels;
    a.batch_size = 1;
    a.input_height = a.input_width = 32;
    a.conv_config.dtype = a.conv_config.weights_dtype = float32;
    a.conv_config.shard_layout = TensorMemoryLayout::HEIGHT_SHARDED;
    return a;
  }
};

TEST(Conv2d, DeallocateActivationLetsTheOutputTakeTheInputsSpace) {
  const SmallL1Conv f;
  const std::vector<float> input = random_values(1024 * 64, 5);
  auto kept = f.args(64, input);
  EXPECT_THROW(conv2d(kept), OutOfMemory);
  EXPECT_TRUE(kept.input_tensor.is_allocated());
  deallocate(kept.input_tensor);

  auto freed = f.args(64, input);
  freed.conv_config.deallocate_activation = true;
  const auto result = conv2d(freed);
  EXPECT_FALSE(freed.input_tensor.is_allocated());
  EXPECT_EQ(f.device->l1_bytes_used({0, 0}), 64u * 1024);
  EXPECT_THROW(to_host(freed.input_tensor), DeallocatedTensor);
}

// An output that does not fit even in the space a consumed input frees fails with OutOfMemory and leaves the
// input as it was: allocated, accounted and holding its values, so the caller can run the conv elsewhere.
TEST(Conv2d, AnOutputThatDoesNotFitLeavesAConsumedInputUsable) {
  const SmallL1Conv f;
  const std::vector<float> input = random_values(1024 * 64, 5);
  auto args = f.args(128, input);
  args.conv_config.deallocate_activation = true;
  const uint64_t used = f.device->l1_bytes_used({0, 0});
  EXPECT_THROW(conv2d(args), OutOfMemory);
  ASSERT_TRUE(args.input_tensor.is_allocated());
  EXPECT_EQ(f.device->l1_bytes_used({0, 0}), used);
  EXPECT_EQ(to_host(args.input_tensor), input);
  // In DRAM it runs, and consumes the input.
  args.memory_config = DRAM_MEMORY_CONFIG;
  const Conv2dResult result = conv2d(args);
  EXPECT_FALSE(args.input_tensor.is_allocated());
  EXPECT_EQ(result.output.memory_config().buffer_type, BufferType::DRAM);
}

// The same where the input is resharded first (BLOCK for the conv): the caller's tensor, freed along with
// its resharded copy, is given back as it was.
TEST(Conv2d, AnOutputThatDoesNotFitLeavesAReshardedInputUsable) {
  const SmallL1Conv f(150);  // the input and its resharded copy fit; a 256-channel output (256 KiB a core) not
  const std::vector<float> input = random_values(1024 * 64, 5);
  auto args = f.args(256, input);
  args.conv_config.shard_layout = TensorMemoryLayout::BLOCK_SHARDED;
  args.conv_config.reshard_if_not_optimal = true;
  args.conv_config.deallocate_activation = true;
  const uint64_t used = f.device->l1_bytes_used({0, 0});
  EXPECT_THROW(conv2d(args), OutOfMemory);
  ASSERT_TRUE(args.input_tensor.is_allocated());
  EXPECT_EQ(args.input_tensor.memory_config(), f.config);
  EXPECT_EQ(f.device->l1_bytes_used({0, 0}), used);
  EXPECT_EQ(to_host(args.input_tensor), input);
}

template <class Mutate>
std::string conv_error(Mutate mutate) {
  ConvFixture f;
  auto args = f.args();
  mutate(args, f);
  try {
    conv2d(args);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

// The planned pass's fusions run only under the accurate numerics, and float rows take no other output.
TEST(Conv2d, FusedRunsRefuseWhatTheyCannotDo) {
  ConvFixture f;
  Conv2dArgs accurate_args = f.args(DataType::FLOAT32);
  const Conv2dPlan accurate = plan_conv2d(accurate_args);
  Conv2dArgs tt_metal_args = accurate_args;
  tt_metal_args.compute_config->numerics = Numerics::tt_metal;
  const Conv2dPlan tt_metal = plan_conv2d(tt_metal_args);
  const Tensor output = allocate_tensor(accurate.output_spec, f.device.get(), "test");
  const std::byte* input = accurate_args.input_tensor.bytes("test");
  std::vector<float> values(size_t(accurate.output_layout.height) * accurate.output_layout.width);
  const FloatRows floats{values.data(), size_t(accurate.output_layout.width), OperandCut{}};
  std::vector<int8_t> codes(values.size());
  std::vector<uint8_t> exponents(values.size() / 16);
  const Int8Rows int8{codes.data(), exponents.data(), size_t(accurate.output_layout.width),
                      kernels::Int8Activations::nonnegative};
  Conv2dFusion to_floats;
  to_floats.output_floats = &floats;
  EXPECT_THROW(run_conv2d_plan(tt_metal, input, output.bytes("test"), to_floats), InvalidArgument);
  Conv2dFusion both = to_floats;
  both.output_rows = &int8;
  EXPECT_THROW(run_conv2d_plan(accurate, input, output.bytes("test"), both), InvalidArgument);
  // Written to float rows alone, the values are the conv's.
  run_conv2d_plan(accurate, input, output.bytes("test"), to_floats);
  const std::vector<float> expected = to_host(conv2d(accurate_args).output);
  const uint32_t cout = f.cout;
  for (size_t p = 0; p < expected.size() / cout; ++p)
    for (uint32_t c = 0; c < cout; ++c) ASSERT_EQ(values[p * floats.cols + c], expected[p * cout + c]) << p << "," << c;
}

// A bfloat8_b conv written as int8 GEMM rows holds its tiles' values: whole blocks, a last block of fewer
// channels (24 or 40 of them) padded with zero codes as its tile is, biased for a signed reader.
TEST(Conv2d, Int8RowsHoldTheTilesValuesInWholeBlocks) {
  for (uint32_t cout : {24u, 40u, 32u}) {
    SCOPED_TRACE(cout);
    ConvFixture f;
    f.cout = cout;
    Conv2dArgs args = f.args(DataType::BFLOAT8_B);
    const Conv2dPlan plan = plan_conv2d(args);
    const Tensor output = allocate_tensor(plan.output_spec, f.device.get(), "test");
    const size_t rows = plan.output_layout.height, cols = plan.output_layout.width;  // cols: whole tiles
    std::vector<int8_t> codes(rows * cols, 99);
    std::vector<uint8_t> exponents(rows * cols / 16, 99);
    const Int8Rows int8{codes.data(), exponents.data(), cols, kernels::Int8Activations::biased};
    Conv2dFusion to_rows;
    to_rows.output_rows = &int8;
    run_conv2d_plan(plan, args.input_tensor.bytes("test"), output.bytes("test"), to_rows);
    const size_t blocks_width = (cout + 15) / 16 * 16;
    std::vector<float> decoded(rows * blocks_width);
    kernels::kernel_table().bfp8_decode_int8_rows(codes.data(), cols, exponents.data(), cols / 16, rows, blocks_width,
                                                  0x80, decoded.data(), blocks_width);
    const std::vector<float> expected = to_host(conv2d(args).output);
    const size_t pixels = expected.size() / cout;
    for (size_t p = 0; p < pixels; ++p) {
      for (uint32_t c = 0; c < cout; ++c) ASSERT_EQ(decoded[p * blocks_width + c], expected[p * cout + c]) << p << "," << c;
      for (size_t c = cout; c < blocks_width; ++c) ASSERT_EQ(uint8_t(codes[p * cols + c]), 0x80) << "padding " << p << "," << c;
    }
  }
}

// A bfloat16 conv written to float rows holds its stored values: each the bfloat16 its tile would hold.
TEST(Conv2d, Bfloat16ConvWrittenToFloatRowsHoldsItsStoredValues) {
  ConvFixture f;
  Conv2dArgs args = f.args(DataType::BFLOAT16);
  const Conv2dPlan plan = plan_conv2d(args);
  ASSERT_EQ(plan.output_spec.dtype, DataType::BFLOAT16);
  const Tensor output = allocate_tensor(plan.output_spec, f.device.get(), "test");
  std::vector<float> values(size_t(plan.output_layout.height) * plan.output_layout.width);
  const FloatRows floats{values.data(), size_t(plan.output_layout.width), OperandCut{}};
  Conv2dFusion to_floats;
  to_floats.output_floats = &floats;
  run_conv2d_plan(plan, args.input_tensor.bytes("test"), output.bytes("test"), to_floats);
  const std::vector<float> expected = to_host(conv2d(args).output);
  const uint32_t cout = f.cout;
  for (size_t p = 0; p < expected.size() / cout; ++p)
    for (uint32_t c = 0; c < cout; ++c) {
      const float value = values[p * floats.cols + c];
      ASSERT_EQ(value, expected[p * cout + c]) << p << "," << c;
      ASSERT_EQ(std::bit_cast<uint32_t>(value) & 0xFFFFu, 0u) << "not a bfloat16 value at " << p << "," << c;
    }
}

// Float rows that a LoFi GEMM reads hold the values as it reads them (rounded to bfloat16 under accurate,
// truncated under tt_metal): the writer applies the cut, after rounding them as its output stores them,
// whichever kernel writes them (the float32 GEMM, the bfloat16 GEMM, the int8 GEMM of a conv on bfloat8_b
// operands writing bfloat16 or float32, the depthwise kernel).
TEST(Conv2d, FloatRowsHoldTheirReadersCut) {
  struct Case {
    const char* name;
    DataType input, output;
    uint32_t kernel, groups;
  };
  for (const Case& c : {Case{"float32 3x3", DataType::FLOAT32, DataType::FLOAT32, 3, 1},
                        Case{"bfloat16 3x3", DataType::BFLOAT16, DataType::BFLOAT16, 3, 1},
                        Case{"bfloat8_b 1x1 to bfloat16", DataType::BFLOAT8_B, DataType::BFLOAT16, 1, 1},
                        Case{"bfloat8_b 1x1 to float32", DataType::BFLOAT8_B, DataType::FLOAT32, 1, 1},
                        Case{"bfloat16 depthwise", DataType::BFLOAT16, DataType::BFLOAT16, 3, 24}})
    for (const OperandCut cut : {OperandCut{}, OperandCut{0, true}, OperandCut{7, false}}) {
      SCOPED_TRACE(std::string(c.name) + " cut to " + (cut.to_bfloat16 ? "bfloat16" : std::to_string(cut.bits)));
      ConvFixture f;
      f.kernel = c.kernel, f.groups = c.groups;
      if (c.groups > 1) f.cout = f.cin;
      Conv2dArgs args = f.args(c.input);
      if (c.kernel == 1) args.padding = Padding2d(0, 0);
      args.conv_config.dtype = c.output;
      const Conv2dPlan plan = plan_conv2d(args);
      ASSERT_EQ(plan.output_spec.dtype, c.output);
      const Tensor output = allocate_tensor(plan.output_spec, f.device.get(), "test");
      std::vector<float> values(size_t(plan.output_layout.height) * plan.output_layout.width);
      const FloatRows floats{values.data(), size_t(plan.output_layout.width), cut};
      Conv2dFusion to_floats;
      to_floats.output_floats = &floats;
      run_conv2d_plan(plan, args.input_tensor.bytes("test"), output.bytes("test"), to_floats);
      std::vector<float> expected = to_host(conv2d(args).output);
      if (cut.to_bfloat16)
        for (float& v : expected) v = formats::round_to_bfloat16(v);
      if (cut.bits > 0) formats::truncate_significand(std::span(expected), cut.bits);
      const uint32_t cout = f.cout;
      for (size_t p = 0; p < expected.size() / cout; ++p)
        for (uint32_t ch = 0; ch < cout; ++ch)
          ASSERT_EQ(values[p * floats.cols + ch], expected[p * cout + ch]) << p << "," << ch;
    }
}

// Which depthwise convs sum their taps as vdpbf16ps pairs (an order of their own, NUMERICS.md) is the plan's
// to decide, once: those whose operands are bfloat16 values, at dilation 1, on a tier whose table runs pairs
// faster; never a float32 + HiFi4 conv, a dilated one, or a dense one.
TEST(Conv2d, PlansDecideWhichDepthwiseConvsSumPairs) {
  struct Case {
    const char* name;
    DataType dtype;
    MathFidelity fidelity;
    uint32_t groups, dilation;
    bool pairs;  // where the tier runs pairs
  };
  const bool tier_pairs = kernels::kernel_table().dwconv_bf16_pairs;
  for (const Case& c : {Case{"bfloat16 depthwise", DataType::BFLOAT16, MathFidelity::HiFi4, 24, 1, true},
                        Case{"float32 + LoFi depthwise", DataType::FLOAT32, MathFidelity::LoFi, 24, 1, true},
                        Case{"float32 + HiFi4 depthwise", DataType::FLOAT32, MathFidelity::HiFi4, 24, 1, false},
                        Case{"dilated bfloat16 depthwise", DataType::BFLOAT16, MathFidelity::HiFi4, 24, 2, false},
                        Case{"dense bfloat16 3x3", DataType::BFLOAT16, MathFidelity::HiFi4, 1, 1, false}}) {
    SCOPED_TRACE(c.name);
    ConvFixture f;
    f.groups = c.groups;
    if (c.groups > 1) f.cout = f.cin;
    Conv2dArgs args = f.args(c.dtype, c.fidelity);
    args.dilation = {c.dilation, c.dilation};
    args.padding = Padding2d(c.dilation, c.dilation);
    const Conv2dPlan plan = plan_conv2d(args);
    EXPECT_EQ(plan.dwconv_pairs, c.pairs && tier_pairs);
    // The values follow: run as planned, and with the other order, float32 outputs differ where pairs run
    // (bfloat16 ones hide the orders' last bits in their rounding).
    if (!plan.dwconv_pairs || c.dtype != DataType::FLOAT32) continue;
    const std::vector<float> planned = to_host(conv2d(args).output);
    Conv2dPlan other = plan;
    other.dwconv_pairs = false;
    const Tensor output = allocate_tensor(other.output_spec, f.device.get(), "test");
    run_conv2d_plan(other, args.input_tensor.bytes("test"), output.bytes("test"));
    EXPECT_NE(to_host(output), planned) << "the pairs' order and the fp32 order gave the same values: untested";
  }
}

// bfloat16 words hold bfloat16 values only: a program asking a conv whose outputs are float32 (and read
// uncut) for them fails naming why instead of writing other values, whichever conv it is.
TEST(Conv2d, OnlyBfloat16OutputsAreWrittenAsWords) {
  for (const uint32_t groups : {1u, 24u}) {
    SCOPED_TRACE(groups == 1 ? "dense 3x3" : "depthwise");
    ConvFixture f;
    f.groups = groups;
    if (groups > 1) f.cout = f.cin;
    Conv2dArgs args = f.args(DataType::BFLOAT16);
    args.conv_config.dtype = DataType::FLOAT32;
    const Conv2dPlan plan = plan_conv2d(args);
    const Tensor output = allocate_tensor(plan.output_spec, f.device.get(), "test");
    const ActivationSource source = plan.source.at(args.input_tensor.bytes("test"));
    const DecodedActivations decoded = decode_activations(source, f.device.get());
    std::vector<uint16_t> words(size_t(plan.output_layout.height) * plan.output_layout.width);
    const Bf16Rows rows{words.data(), size_t(plan.output_layout.width), OperandCut{}};
    Conv2dProgram program{&plan.geometry,       &plan.math,           &plan.prepared,
                          plan.streamed ? nullptr : &decoded, &source, nullptr,
                          &plan.output_layout,  output.bytes("test"), plan.block_rows};
    program.bf16_operands = plan.bf16_operands;
    program.output_words = &rows;
    std::string error = "no error";
    try {
      run_conv2d_work_item(program, plan.items.front());
    } catch (const Error& e) {
      error = e.what();
    }
    EXPECT_NE(error.find("stored or read as bfloat16 writes bfloat16 words"), std::string::npos) << error;
    EXPECT_TRUE(std::all_of(words.begin(), words.end(), [](uint16_t w) { return w == 0; })) << "words written";
  }
}

// A conv written as bfloat16 words (a block output the planned pass passes to the next block's GEMM) holds
// the words its tiles would: the bfloat16 bits of its stored values (a float32 output's rounded to bfloat16,
// as its LoFi reader reads them), with a residual add run in its epilogue reading the other operand as words
// too, and nothing written past its channels.
TEST(Conv2d, ConvWrittenAsWordsHoldsItsStoredBits) {
  struct Case {
    const char* name;
    DataType output;
    OperandCut cut;
    bool with_residual, words_out;
  };
  for (const Case& one : {Case{"bfloat16", DataType::BFLOAT16, {}, false, true},
                          Case{"bfloat16, a LoFi reader", DataType::BFLOAT16, {0, true}, false, true},
                          Case{"float32, a LoFi reader", DataType::FLOAT32, {0, true}, false, true},
                          Case{"bfloat16 with a residual add", DataType::BFLOAT16, {}, true, true},
                          Case{"float32, a LoFi reader, with a residual add", DataType::FLOAT32, {0, true}, true, true},
                          Case{"bfloat16 with a residual add read as words, written as tiles", DataType::BFLOAT16, {},
                               true, false}}) {
    SCOPED_TRACE(one.name);
    ConvFixture f;
    Conv2dArgs args = f.args(DataType::BFLOAT16);
    args.conv_config.dtype = one.output;
    const Conv2dPlan plan = plan_conv2d(args);
    ASSERT_EQ(plan.output_spec.dtype, one.output);
    const Tensor output = allocate_tensor(plan.output_spec, f.device.get(), "test");
    const size_t cols = plan.output_layout.width;
    std::vector<uint16_t> words(size_t(plan.output_layout.height) * cols, 0xABCD);
    const Bf16Rows rows{words.data(), cols, one.cut};
    const std::vector<float> stored = to_host(conv2d(args).output);  // the conv's values as stored
    const auto read = [&](float v) { return one.cut.to_bfloat16 ? formats::round_to_bfloat16(v) : v; };
    const uint32_t cout = f.cout;
    // The residual: the conv's outputs seven places on as its reader reads them, as words (any bfloat16 values
    // would do).
    const auto other_value = [&](size_t i) { return read(stored[(i + 7) % stored.size()]); };
    std::vector<uint16_t> other(words.size(), 0);
    for (size_t p = 0; p < stored.size() / cout; ++p)
      for (uint32_t c = 0; c < cout; ++c)
        other[p * cols + c] = uint16_t(std::bit_cast<uint32_t>(other_value(p * cout + c)) >> 16);
    const Bf16Rows other_rows{other.data(), cols, OperandCut{}};
    Conv2dResidual residual;
    residual.source = plan.source;  // unread: the words stand in for it
    residual.words = &other_rows;
    residual.clamp = {-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
    residual.stored_dtype = one.output;
    Conv2dFusion fusion;
    if (one.words_out) fusion.output_words = &rows;
    std::vector<float> expected(stored.size());
    for (size_t i = 0; i < expected.size(); ++i) expected[i] = read(stored[i]);
    if (one.with_residual) {
      fusion.residual = &residual;
      fusion.residual_output_layout = &plan.output_layout;
      for (size_t i = 0; i < expected.size(); ++i) {  // the add in float32, then as its output holds it
        const float sum = stored[i] + other_value(i);
        expected[i] = one.output == DataType::BFLOAT16 ? formats::round_to_bfloat16(sum) : read(sum);
      }
    }
    run_conv2d_plan(plan, args.input_tensor.bytes("test"), output.bytes("test"), fusion);
    if (!one.words_out) {
      EXPECT_EQ(to_host(output), expected);
      continue;
    }
    for (size_t p = 0; p < expected.size() / cout; ++p) {
      for (uint32_t c = 0; c < cout; ++c)
        ASSERT_EQ(words[p * cols + c], uint16_t(std::bit_cast<uint32_t>(expected[p * cout + c]) >> 16)) << p << "," << c;
      for (size_t c = cout; c < cols; ++c) ASSERT_EQ(words[p * cols + c], 0xABCD) << "past the channels " << p << "," << c;
    }
  }
}

// A fused producer's output is made once between the threads where their stretches' rings of input rows
// would make much of it twice (a small image split between threads), and by each ring otherwise. The
// values are the same either way (the planned pass's tests compare them with the ops one by one).
TEST(Conv2d, ThreadsShareAFusedProducersOutputWhereTheirRingsWouldRepeatIt) {
  const auto depthwise = [](uint32_t size, uint32_t stride, uint32_t batch) {
    Conv2dGeometry g;
    g.batch = batch, g.in_channels = g.out_channels = g.groups = 96;
    g.input_height = g.input_width = size;
    g.kernel_h = g.kernel_w = 3, g.stride_h = g.stride_w = stride, g.padding = Padding2d(1, 1);
    g.output_height = g.output_width = (size + 2 - 3) / stride + 1;
    return g;
  };
  const auto shares = [](const Conv2dGeometry& g, size_t parts) {
    std::vector<ConvWorkItem> stretches(parts);
    for (size_t i = 0; i < parts; ++i) {
      stretches[i].row_begin = g.output_pixels() * i / parts;
      stretches[i].row_end = g.output_pixels() * (i + 1) / parts;
      stretches[i].col_end = g.out_channels;
    }
    return shares_producer_output(g, stretches);
  };
  EXPECT_TRUE(shares(depthwise(7, 1, 1), 2));    // the rings make 10 rows of 7
  EXPECT_TRUE(shares(depthwise(7, 1, 1), 3));
  EXPECT_FALSE(shares(depthwise(56, 1, 1), 2));  // 58 of 56
  EXPECT_FALSE(shares(depthwise(7, 1, 1), 1));   // one ring makes each row once
  EXPECT_FALSE(shares(depthwise(7, 1, 8), 2));   // stretches of whole images
}

TEST(Conv2d, BadArgumentsGetClearErrors) {
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) { a.in_channels = 32; }).find("input has 24 channels"),
            std::string::npos);
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) { a.out_channels = 48; }).find("weight shape [40, 24, 3, 3]"),
            std::string::npos);
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) { a.groups = 5; }).find("groups=5 must divide in_channels=24"),
            std::string::npos);
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) {
              a.kernel_size = {17, 3};
              a.padding = Padding2d(0, 0);
            }).find("larger than the padded input"),
            std::string::npos);
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) {
              a.conv_config.dtype = DataType::BFLOAT8_B;
              a.conv_config.output_layout = Layout::ROW_MAJOR;
            }).find("bfloat8_b requires output_layout TILE"),
            std::string::npos);
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) { a.conv_config.activation = "gelu"; }).find("'gelu'"),
            std::string::npos);
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) {
              a.conv_config.math_fidelity = MathFidelity::LoFi;
            }).find("disagrees with compute_config.math_fidelity=HiFi4"),
            std::string::npos);
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) {
              a.conv_config.numerics = Numerics::tt_metal;
              a.compute_config->numerics = Numerics::accurate;
            }).find("conv_config.numerics=tt_metal disagrees with compute_config.numerics=accurate"),
            std::string::npos);
  // An output shard spec that does not cover the tensor (280 pixels, 2 shards of 64 rows).
  EXPECT_NE(conv_error([](Conv2dArgs& a, ConvFixture&) {
              a.memory_config = MemoryConfig{TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1,
                                             ShardSpec{CoreGrid{1, 2}.to_core_range_set(), {64, 64}}};
            }).find("needs 5 shards"),
            std::string::npos);
}

TEST(Conv2d, L1OverflowNamesTheConvOutput) {
  DeviceOptions options;
  options.spec.l1_bytes_per_core = 4 * 1024;
  auto device = open_device(0, options);
  Conv2dArgs args;
  args.input_tensor = from_host(random_values(64 * 64 * 32, 1), Shape{1, 1, 64 * 64, 32});  // host input
  args.weight_tensor = from_host(random_values(64 * 32, 2), Shape{64, 32, 1, 1});
  args.device = device.get();
  args.in_channels = 32;
  args.out_channels = 64;
  args.batch_size = 1;
  args.input_height = args.input_width = 64;
  try {
    conv2d(args);
    FAIL() << "expected OutOfMemory";
  } catch (const OutOfMemory& error) {
    EXPECT_NE(std::string(error.what()).find("conv2d output"), std::string::npos) << error.what();
  }
}


TEST(Conv2d, ReadsRowMajorAndShardedInputsAndReshardsWhenAsked) {
  ConvFixture f;
  auto args = f.args(DataType::FLOAT32);
  const auto reference = to_host(conv2d(args).output);
  const Shape shape = args.input_tensor.logical_shape();
  const auto values = to_host(args.input_tensor);

  args.input_tensor = from_host(values, shape, float32, Layout::ROW_MAJOR, f.device.get(), L1_MEMORY_CONFIG);
  EXPECT_EQ(to_host(conv2d(args).output), reference) << "ROW_MAJOR input";

  // Width-sharded input into a height-sharded conv: read where it lies, or resharded first when asked.
  const auto width_sharded = create_sharded_memory_config(shape, CoreGrid{1, 2}, ShardStrategy::WIDTH,
                                                          ShardOrientation::ROW_MAJOR, false, true);
  args.input_tensor = from_host(values, shape, float32, Layout::TILE, f.device.get(), width_sharded);
  args.conv_config.shard_layout = TensorMemoryLayout::HEIGHT_SHARDED;
  EXPECT_EQ(to_host(conv2d(args).output), reference) << "sharded input read in place";
  args.conv_config.reshard_if_not_optimal = true;
  args.conv_config.deallocate_activation = true;
  Tensor original = args.input_tensor;
  EXPECT_EQ(to_host(conv2d(args).output), reference) << "resharded input";
  EXPECT_FALSE(original.is_allocated());  // the original was freed along with its resharded copy
}

// Depthwise convs stream their input rows through a per-thread ring (rows wrap around it, blocks and items
// share them): against a plain reference on odd sizes, strides 1 and 2, dilations 1 and 2, one and three
// images, one and three threads.
TEST(Conv2d, DepthwiseRingRowsGiveTheConv) {
  for (const uint32_t threads : {1u, 3u}) {
    DeviceOptions options;
    options.num_threads = threads;
    auto device = open_device(0, options);
    for (const uint32_t stride : {1u, 2u})
      for (const uint32_t dilation : {1u, 2u})
        for (const uint32_t batch : {1u, 3u})
          for (const uint32_t stride_w : {1u, 2u, 3u}) {
            SCOPED_TRACE(::testing::Message() << "threads " << threads << " stride " << stride << "x" << stride_w
                                              << " dilation " << dilation << " batch " << batch);
            const uint32_t h = 23, w = 17, c = 40, k = 3, pad = dilation;
            const std::vector<float> x = random_values(size_t(batch) * h * w * c, 1);
            const std::vector<float> weights = random_values(size_t(c) * k * k, 2, 0.5f);
            Conv2dArgs a;
            a.input_tensor = from_host(x, Shape{1, 1, batch * h * w, c}, DataType::FLOAT32, Layout::TILE, device.get());
            a.weight_tensor = from_host(weights, Shape{c, 1, k, k});
            a.device = device.get();
            a.in_channels = c, a.out_channels = c, a.batch_size = batch, a.input_height = h, a.input_width = w;
            a.kernel_size = {k, k};
            a.stride = {stride, stride_w};
            a.padding = Padding2d(pad, pad);
            a.dilation = {dilation, dilation};
            a.groups = c;
            a.conv_config.dtype = a.conv_config.weights_dtype = DataType::FLOAT32;
            a.compute_config = init_device_compute_kernel_config(MathFidelity::HiFi4);
            const std::vector<float> out = to_host(conv2d(a).output);
            const uint32_t oh_count = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
            const uint32_t ow_count = (w + 2 * pad - dilation * (k - 1) - 1) / stride_w + 1;
            ASSERT_EQ(out.size(), size_t(batch) * oh_count * ow_count * c);
            double worst = 0;
            for (uint32_t n = 0; n < batch; ++n)
              for (uint32_t oh = 0; oh < oh_count; ++oh)
                for (uint32_t ow = 0; ow < ow_count; ++ow)
                  for (uint32_t ch = 0; ch < c; ++ch) {
                    double sum = 0;
                    for (uint32_t ky = 0; ky < k; ++ky)
                      for (uint32_t kx = 0; kx < k; ++kx) {
                        const long ih = long(oh * stride) - pad + long(ky * dilation);
                        const long iw = long(ow * stride_w) - pad + long(kx * dilation);
                        if (ih < 0 || iw < 0 || ih >= long(h) || iw >= long(w)) continue;
                        sum += double(x[((size_t(n) * h + ih) * w + iw) * c + ch]) * weights[(size_t(ch) * k + ky) * k + kx];
                      }
                    worst = std::max(worst, std::abs(sum - out[((size_t(n) * oh_count + oh) * ow_count + ow) * c + ch]));
                  }
            EXPECT_LT(worst, 1e-4);
          }
  }
}

// A streamed depthwise conv written to float rows (or int8 rows) sets its shards aside, each thread an equal
// stretch of pixels over every channel (blocks across shard and image boundaries, stretches that start and
// end mid-row, whole rows per kernel call): the values its tiles hold, bit for bit, for blocks shorter than
// a row, several images, strides 1 and 2, dilations 1 and 2, height and block sharding, one to three threads.
TEST(Conv2d, DepthwiseWrittenAsRowsByPixelStretchesGivesTheConvsValues) {
  struct Size {
    uint32_t h, w;
  };
  for (const uint32_t threads : {1u, 2u, 3u}) {
    DeviceOptions options;
    options.num_threads = threads;
    ConvFixture f;
    f.device = open_device(0, options);
    for (const Size size : {Size{14, 10}, Size{9, 5}, Size{5, 37}})
      for (const uint32_t batch : {1u, 3u})
        for (const uint32_t stride : {1u, 2u})
          for (const uint32_t dilation : {1u, 2u})
            for (const uint32_t block : {0u, 32u})
              for (const auto layout : {TensorMemoryLayout::HEIGHT_SHARDED, TensorMemoryLayout::BLOCK_SHARDED})
                for (const DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16, DataType::BFLOAT8_B}) {
                  SCOPED_TRACE(::testing::Message()
                               << "threads " << threads << " " << size.h << "x" << size.w << " batch " << batch << " stride "
                               << stride << " dilation " << dilation << " block " << block << " " << to_string(layout)
                               << " " << to_string(dtype));
                  f.batch = batch, f.height = size.h, f.width = size.w, f.cin = f.cout = f.groups = 40;
                  Conv2dArgs args = f.args(dtype);
                  args.stride = {stride, stride};
                  args.dilation = {dilation, dilation};
                  args.padding = Padding2d(dilation, dilation);
                  args.conv_config.shard_layout = layout;
                  args.conv_config.act_block_h_override = block;
                  const Conv2dPlan plan = plan_conv2d(args);
                  ASSERT_TRUE(plan.streamed);
                  const Tensor output = allocate_tensor(plan.output_spec, f.device.get(), "test");
                  const std::vector<float> expected = to_host(conv2d(args).output);
                  const size_t rows = plan.output_layout.height, cols = plan.output_layout.width;
                  const size_t pixels = expected.size() / f.cout;
                  Conv2dFusion fusion;
                  if (dtype == DataType::BFLOAT8_B) {
                    std::vector<int8_t> codes(rows * cols, 99);
                    std::vector<uint8_t> exponents(rows * cols / 16, 99);
                    const Int8Rows int8{codes.data(), exponents.data(), cols, kernels::Int8Activations::biased};
                    fusion.output_rows = &int8;
                    run_conv2d_plan(plan, args.input_tensor.bytes("test"), output.bytes("test"), fusion);
                    std::vector<float> decoded(rows * 48);
                    kernels::kernel_table().bfp8_decode_int8_rows(codes.data(), cols, exponents.data(), cols / 16, rows, 48,
                                                                  0x80, decoded.data(), 48);
                    for (size_t p = 0; p < pixels; ++p)
                      for (uint32_t c = 0; c < f.cout; ++c)
                        ASSERT_EQ(std::bit_cast<uint32_t>(decoded[p * 48 + c]), std::bit_cast<uint32_t>(expected[p * f.cout + c]))
                            << p << "," << c;
                  } else {
                    std::vector<float> values(rows * cols, 12345.0f);
                    const FloatRows floats{values.data(), cols, OperandCut{}};
                    fusion.output_floats = &floats;
                    run_conv2d_plan(plan, args.input_tensor.bytes("test"), output.bytes("test"), fusion);
                    for (size_t p = 0; p < pixels; ++p)
                      for (uint32_t c = 0; c < f.cout; ++c)
                        ASSERT_EQ(std::bit_cast<uint32_t>(values[p * cols + c]), std::bit_cast<uint32_t>(expected[p * f.cout + c]))
                            << p << "," << c;
                  }
                }
  }
}

// A pointwise conv run inside the depthwise conv whose output it reads (Conv2dConsumer) gives the bits of the
// two convs one after the other: each block of depthwise outputs held as the pointwise conv reads it (int8
// rows for bfloat8_b, bfloat16 words for a GEMM on vdpbf16ps, float rows rounded as stored and cut to its
// fidelity otherwise), whatever the threads, blocks, sizes and strides; its tile output split on tile rows
// between threads.
TEST(Conv2d, DepthwiseWithItsConsumerFusedGivesTheTwoConvsValues) {
  struct Size {
    uint32_t h, w;
  };
  struct Case {
    DataType dtype;
    MathFidelity consumer_fidelity;
    const char* activation;
  };
  for (const uint32_t threads : {1u, 2u, 3u}) {
    DeviceOptions options;
    options.num_threads = threads;
    ConvFixture f;
    f.device = open_device(0, options);
    for (const Size size : {Size{14, 10}, Size{5, 37}})
      for (const uint32_t stride : {1u, 2u})
        for (const uint32_t block : {0u, 32u})
          for (const Case c : {Case{DataType::FLOAT32, MathFidelity::HiFi4, "relu6"},
                               Case{DataType::FLOAT32, MathFidelity::LoFi, ""},
                               Case{DataType::BFLOAT16, MathFidelity::LoFi, "relu6"},
                               Case{DataType::BFLOAT8_B, MathFidelity::LoFi, "relu6"},
                               Case{DataType::BFLOAT8_B, MathFidelity::HiFi2, ""}}) {
            SCOPED_TRACE(::testing::Message() << "threads " << threads << " " << size.h << "x" << size.w << " stride "
                                              << stride << " block " << block << " " << to_string(c.dtype) << " "
                                              << to_string(c.consumer_fidelity) << " '" << c.activation << "'");
            f.batch = 2, f.height = size.h, f.width = size.w, f.cin = f.cout = f.groups = 40;
            Conv2dArgs depthwise_args = f.args(c.dtype);
            depthwise_args.stride = {stride, stride};
            depthwise_args.conv_config.activation = c.activation;
            depthwise_args.conv_config.act_block_h_override = block;
            const Conv2dPlan depthwise = plan_conv2d(depthwise_args);
            const Conv2dResult stored = conv2d(depthwise_args);
            Conv2dArgs pointwise_args = f.args(c.dtype, c.consumer_fidelity);
            pointwise_args.input_tensor = stored.output;
            pointwise_args.weight_tensor = from_host(random_values(24 * 40, 7, 0.1f), Shape{24, 40, 1, 1});
            pointwise_args.bias_tensor = from_host(random_values(24, 8, 0.1f), Shape{24});
            pointwise_args.out_channels = 24, pointwise_args.groups = 1;
            pointwise_args.input_height = stored.output_height, pointwise_args.input_width = stored.output_width;
            pointwise_args.kernel_size = {1, 1};
            pointwise_args.padding = Padding2d(0, 0);
            const Conv2dPlan pointwise = plan_conv2d(pointwise_args);
            // bfloat8_b passes int8 rows where the int8 GEMM runs on int8 dot products: not on the portable
            // tiers (TTNN_CPU_ISA=ref or avx2).
            const bool fusable = c.dtype != DataType::BFLOAT8_B || kernels::kernel_table().bfp8_gemm_on_int8_dot;
            ASSERT_EQ(can_fuse_consumer(depthwise, pointwise), fusable);
            if (!fusable) continue;
            const std::vector<float> expected = to_host(conv2d(pointwise_args).output);

            const Tensor output = allocate_tensor(pointwise.output_spec, f.device.get(), "test");
            Conv2dFusion fusion, consumer_fusion;
            fusion.consumer = &pointwise, fusion.consumer_output = output.bytes("test");
            fusion.consumer_fusion = &consumer_fusion;
            run_conv2d_plan(depthwise, depthwise_args.input_tensor.bytes("test"), nullptr, fusion);
            const std::vector<float> fused = to_host(output);
            ASSERT_EQ(fused.size(), expected.size());
            for (size_t i = 0; i < expected.size(); ++i)
              ASSERT_EQ(std::bit_cast<uint32_t>(fused[i]), std::bit_cast<uint32_t>(expected[i])) << i;
          }
  }
}

}  // namespace
}  // namespace ttnn
