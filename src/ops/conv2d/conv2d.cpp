// conv2d: validate, prepare (or reuse) the weights, plan the sharding, run one work item per shard.
#include "ttnn/operations/conv2d.hpp"

#include <algorithm>
#include <set>
#include <span>
#include <tuple>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/bfloat16_operands.hpp"
#include "ops/common/fidelity_widths.hpp"
#include "ops/conv2d/plan.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {
namespace {

PreparedConv prepared_weights(const Conv2dArgs& args, const Conv2dGeometry& geometry, const Conv2dMath& math,
                              Device& device) {
  const bool raw = args.weight_tensor.buffer() && !args.weight_tensor.buffer()->attachment();
  if (!raw || !args.conv_op_cache) return prepare_conv2d_weights(args, geometry, math, device);
  const std::string key = prepared_weights_key(args, geometry, math);
  if (auto entry = args.conv_op_cache->find(key)) {
    Conv2dArgs cached = args;
    cached.weight_tensor = entry->weight_tensor;
    cached.bias_tensor = entry->bias_tensor;
    return prepare_conv2d_weights(cached, geometry, math, device);  // validates and unwraps, prepares nothing
  }
  PreparedConv prepared = prepare_conv2d_weights(args, geometry, math, device);
  args.conv_op_cache->insert(key, {prepared.weight_tensor, prepared.bias_tensor});
  return prepared;
}

// The output spec: [1, 1, N*OH*OW, C_out] in the conv's dtype and layout, sharded like the conv.
TensorSpec output_spec(const Conv2dArgs& args, const Conv2dGeometry& geometry, const Conv2dShardingPlan& plan) {
  TensorSpec spec;
  spec.logical_shape = Shape{1, 1, uint32_t(geometry.output_pixels()), geometry.out_channels};
  spec.dtype = args.conv_config.dtype;
  spec.layout = args.conv_config.output_layout;
  spec.memory_config = args.memory_config.value_or(plan.output_config);
  return spec;
}

}  // namespace

Conv2dPreparedWeights prepare_conv_weights(const Conv2dArgs& args) {
  check(args.device != nullptr, "prepare_conv_weights: args.device is null (the device the weights are prepared on)");
  const Conv2dGeometry geometry = describe_conv2d_weights(args);
  const Conv2dMath math = resolve_conv2d_math(args);
  const PreparedConv prepared = prepared_weights(args, geometry, math, *args.device);
  return {prepared.weight_tensor, prepared.bias_tensor};
}

Conv2dPlan plan_conv2d(const Conv2dArgs& args) {
  Conv2dPlan plan;
  plan.geometry = describe_conv2d(args);
  plan.math = resolve_conv2d_math(args);
  plan.device = args.device ? args.device : args.input_tensor.device();
  check(plan.device != nullptr, "conv2d: neither args.device nor the input tensor names a device");
  const Conv2dGeometry& geometry = plan.geometry;
  const Conv2dMath& math = plan.math;
  plan.prepared = prepared_weights(args, geometry, math, *plan.device);
  const Conv2dShardingPlan sharding = plan_conv2d_sharding(args, geometry, *plan.device);
  plan.input_spec = args.input_tensor.spec();
  if (args.conv_config.reshard_if_not_optimal && args.input_tensor.is_sharded() &&
      args.input_tensor.memory_config() != sharding.input_config) {
    plan.reshard_to = sharding.input_config;
    plan.input_spec.memory_config = sharding.input_config;
  }
  plan.output_spec = output_spec(args, geometry, sharding);
  plan.output_layout = BufferLayout::of(plan.output_spec, "conv2d");
  plan.source = activation_source(plan.input_spec, nullptr, activation_cut(math.math_fidelity, math.numerics), "conv2d");
  const PreparedConvWeights& weights = *plan.prepared.weights;
  const TensorSpec& input = plan.input_spec;
  // bfloat8_b into a pointwise conv with int8-packed weights: the GEMM reads the input tiles as they are.
  const kernels::KernelTable& table = kernels::kernel_table();
  plan.bfp8_operands = !weights.packed_bfp8.empty() && input.dtype == DataType::BFLOAT8_B &&
                       input.layout == Layout::TILE && table.bfp8_gemm_on_int8_dot;
  plan.bfp8_wide = plan.bfp8_operands &&
                   kernels::uses_bfp8_gemm_wide(table, geometry.out_channels, weights.reduction.k_per_group);
  const bool accurate = math.numerics == Numerics::accurate;  // which convs stream: Conv2dPlan::streamed
  plan.streamed = plan.bfp8_operands || (accurate && geometry.depthwise()) ||
                  (accurate && geometry.pointwise() && weights.reduction.tap_stride == geometry.in_channels) ||
                  (accurate && gathers_from_storage(input));
  plan.bf16_operands = weights.bfloat16_values &&
                       activations_fit_bfloat16(input.dtype, activation_cut(math.math_fidelity, math.numerics));
  // A dilated kernel's rows are not one image row apart (each goes in a call of its own).
  plan.dwconv_pairs =
      geometry.depthwise() && plan.bf16_operands && table.dwconv_bf16_pairs && geometry.dilation_h == 1;
  plan.conv_rows = accurate && plan.streamed && !plan.bfp8_operands && gathers_from_storage(input) &&
                   uses_conv_rows(geometry, weights.reduction);
  plan.block_rows = conv2d_block_rows(args.conv_config.act_block_h_override, weights.reduction.k_per_group,
                                      geometry.out_channels);
  plan.items = conv2d_work_items(plan.output_layout, geometry.output_pixels(), geometry.out_channels,
                                 plan.device->num_cores());
  size_t runs = plan.items.size();  // one item a run
  const size_t threads = plan.device->num_threads();
  const auto by_columns = [](const ConvWorkItem& a, const ConvWorkItem& b) {
    return std::tie(a.col_begin, a.row_begin) < std::tie(b.col_begin, b.row_begin);
  };
  const auto by_rows = [](const ConvWorkItem& a, const ConvWorkItem& b) {
    return std::tie(a.row_begin, a.col_begin) < std::tie(b.row_begin, b.col_begin);
  };
  std::set<uint64_t> bands;
  for (const ConvWorkItem& item : plan.items) bands.insert(item.row_begin);
  // Two threads writing neighbouring items of the same rows share their cache lines (an int8 GEMM row of 64
  // channels is one line; the exponents of 16 rows share one): each thread's runs cover whole column ranges
  // of wide outputs, or whole bands of rows where there are a band or more a thread (a 14x14 project conv
  // ran 1.1x faster on two threads than on one); otherwise each item is a run.
  if (plan.streamed && geometry.depthwise()) {
    std::stable_sort(plan.items.begin(), plan.items.end(), by_columns);
    // Each run starts its ring of input rows afresh, remaking the rows above its first (by a fused expand
    // conv's GEMM in a planned pass). Two runs a thread balance better; one remakes fewer rows, which pays
    // where those rows cost a float GEMM: measured end to end, bfloat8_b inputs +2% with two, float32 +4%
    // and bfloat16 +2% with one.
    const size_t runs_per_thread = input.dtype == DataType::BFLOAT8_B ? 2 : 1;
    runs = std::min<size_t>(plan.items.size(), runs_per_thread * threads);
  } else if (geometry.out_channels >= 64 * threads) {
    std::stable_sort(plan.items.begin(), plan.items.end(), by_columns);
    runs = std::min<size_t>(plan.items.size(), 2 * threads);
  } else if (bands.size() >= threads && bands.size() < plan.items.size()) {
    std::stable_sort(plan.items.begin(), plan.items.end(), by_rows);
    runs = 0;  // a run a band of rows (below)
  }
  // Runs of about equal work (rows x channels: edge shards are smaller), so that no thread is left with a
  // heavy last run while the other waits.
  uint64_t total = 0;
  for (const ConvWorkItem& item : plan.items) total += (item.row_end - item.row_begin) * (item.col_end - item.col_begin);
  uint64_t done = 0;
  for (size_t i = 0; runs == 0 && i < plan.items.size(); ++i)
    if (i + 1 == plan.items.size() || plan.items[i + 1].row_begin != plan.items[i].row_begin)
      plan.item_run_ends.push_back(i + 1);
  for (size_t i = 0, run = 1; runs > 0 && i < plan.items.size(); ++i) {
    const ConvWorkItem& item = plan.items[i];
    done += (item.row_end - item.row_begin) * (item.col_end - item.col_begin);
    // A run ends at the item that reaches its share (and the last at the last item).
    if (done * runs >= total * run || i + 1 == plan.items.size()) {
      plan.item_run_ends.push_back(i + 1);
      while (done * runs >= total * run) ++run;
    }
  }
  return plan;
}

namespace {

Conv2dProgram program_of(const Conv2dPlan& plan, const ActivationSource* source, const DecodedActivations* input,
                         const BufferLayout* output_layout, std::byte* output) {
  Conv2dProgram program{&plan.geometry, &plan.math, &plan.prepared, input, source, nullptr, output_layout, output,
                        plan.block_rows};
  program.bf16_operands = plan.bf16_operands;
  program.bfp8_operands = plan.bfp8_operands;
  program.bfp8_wide = plan.bfp8_wide;
  program.dwconv_pairs = plan.dwconv_pairs;
  program.conv_rows = plan.conv_rows;
  return program;
}

}  // namespace

void run_conv2d_plan(const Conv2dPlan& plan, const std::byte* input, std::byte* output) {
  run_conv2d_plan(plan, input, output, Conv2dFusion{});
}

void run_conv2d_plan(const Conv2dPlan& plan, const std::byte* input, std::byte* output, const Conv2dFusion& fusion) {
  const bool fused = fusion.residual || fusion.producer || fusion.input_rows || fusion.output_rows ||
                     fusion.producer_input_rows || fusion.input_floats || fusion.output_floats ||
                     fusion.producer_input_floats || fusion.input_words || fusion.output_words ||
                     fusion.producer_input_words || fusion.consumer;
  check(!fused || plan.math.numerics == Numerics::accurate, "conv2d: fused ops need the accurate numerics");
  check(int(fusion.output_floats != nullptr) + int(fusion.output_rows != nullptr) + int(fusion.output_words != nullptr) <= 1,
        "conv2d: a conv writes one kind of rows (float rows, int8 rows or bfloat16 words)");
  check(!fusion.consumer || (plan.streamed && plan.geometry.depthwise()),
        "conv2d: only a streamed depthwise conv runs a consumer inside it (can_fuse_consumer)");
  check(!fusion.consumer ||
            (fusion.consumer_fusion && !fusion.residual && !fusion.output_rows && !fusion.output_floats &&
             !fusion.output_words),
        "conv2d: a conv with a fused consumer writes nothing itself; the consumer's fusion says what it writes");
  const ActivationSource source = plan.source.at(input);
  DecodedActivations activations;
  if (!plan.streamed) activations = decode_activations(source, plan.device);
  std::optional<DecodedActivations> low_bits;
  if (plan.math.numerics == Numerics::tt_metal && tt_metal_multiplier(plan.math.math_fidelity).second_phase)
    low_bits = split_low_bits(activations, kTtMetalTopBBits);
  Conv2dProgram program = program_of(plan, &source, plan.streamed ? nullptr : &activations,
                                     fusion.residual ? fusion.residual_output_layout : &plan.output_layout, output);
  program.input_low = low_bits ? &*low_bits : nullptr;
  program.residual = fusion.residual;
  program.input_rows = fusion.input_rows;
  program.output_rows = fusion.output_rows;
  program.input_floats = fusion.input_floats;
  program.output_floats = fusion.output_floats;
  program.input_words = fusion.input_words;
  program.output_words = fusion.output_words;
  program.run_id = next_conv2d_run_id();
  std::optional<ActivationSource> producer_source;
  std::optional<Conv2dProgram> producer_program;
  std::optional<Conv2dProducer> producer;
  if (fusion.producer) {
    producer_source = fusion.producer->source.at(fusion.producer_input);
    producer_program = program_of(*fusion.producer, &*producer_source, nullptr, &fusion.producer->output_layout, nullptr);
    producer_program->input_rows = fusion.producer_input_rows;
    producer_program->input_floats = fusion.producer_input_floats;
    producer_program->input_words = fusion.producer_input_words;
    producer = Conv2dProducer{&*producer_program, fusion.producer->output_spec.dtype};
    program.producer = &*producer;
  }
  std::optional<Conv2dProgram> consumer_program;
  std::optional<Conv2dConsumer> consumer;
  const Conv2dFusion* consumer_fusion = fusion.consumer ? fusion.consumer_fusion : nullptr;
  if (fusion.consumer) {
    const Conv2dPlan& reader = *fusion.consumer;
    consumer_program = program_of(reader, &reader.source, nullptr,
                                  consumer_fusion->residual ? consumer_fusion->residual_output_layout
                                                            : &reader.output_layout,
                                  fusion.consumer_output);
    consumer_program->residual = consumer_fusion->residual;
    consumer_program->output_rows = consumer_fusion->output_rows;
    consumer_program->output_floats = consumer_fusion->output_floats;
    consumer_program->output_words = consumer_fusion->output_words;
    consumer_program->run_id = next_conv2d_run_id();
    consumer = Conv2dConsumer{&*consumer_program, int8_rows_form(plan)};
    program.consumer = &*consumer;
  }
  // A streamed depthwise conv writing rows (int8 or float rows, not tiles), or running the conv that reads
  // its output (Conv2dConsumer: every block's channels at once), sets its shards aside: each thread takes an
  // equal stretch of output pixels over every channel as one work item. Its ring of input rows then
  // holds all channels (a fused expand conv's GEMM makes them at once), its blocks whole rows, and the 1x1
  // convs around it read the rows their own core wrote; split by channels, as its shards are, each thread's
  // writes of the outputs the next conv's threads read split by rows took 1.3-2.7 times as long as on one
  // thread.
  // A 1x1 conv whose GEMM converts the rows it reads (float rows to bfloat16 bits for AMX or vdpbf16ps, int8
  // codes expanded for AMX's bfloat8_b tiles) does the same: items split by channels converted each row once
  // per item (the project convs of 576 and 960 channels three and five times), which cost more than the
  // tiles' multiply-adds. One reading bfloat16 words does too: the same split, on the rows its core wrote.
  // Where it writes tiles its stretches start on a tile row: no two threads may write one (a bfloat4_b tile is
  // rewritten whole). Rows need not: aligned, a 7x7 conv's 49 pixels split 32 / 17.
  const bool depthwise_writing_rows = plan.geometry.depthwise() && !fusion.residual &&
                                      (fusion.output_rows || fusion.output_floats || fusion.output_words ||
                                       fusion.consumer);
  const bool converts_its_rows =
      plan.geometry.pointwise() &&
      ((fusion.input_floats && plan.bf16_operands && !kernels::kernel_table().bf16_gemm_reads_floats) ||
       fusion.input_words ||
       (fusion.input_rows && plan.bfp8_wide));
  if (plan.streamed && (depthwise_writing_rows || converts_its_rows)) {
    const uint64_t pixels = plan.geometry.output_pixels();
    const Conv2dFusion& writes = consumer_fusion ? *consumer_fusion : fusion;  // a consumer writes for both
    const bool writes_tiles = !writes.output_rows && !writes.output_floats && !writes.output_words;
    const bool split_on_tiles = (converts_its_rows || consumer_fusion) && writes_tiles;
    const uint64_t unit = split_on_tiles ? TILE_HEIGHT : 1, units = (pixels + unit - 1) / unit;
    const size_t parts = plan.device->num_threads();
    std::vector<ConvWorkItem>& stretches = *[] {
      thread_local std::vector<ConvWorkItem> held;  // a planned pass allocates nothing after its first
      return &held;
    }();
    stretches.resize(parts);
    for (size_t part = 0; part < parts; ++part) {
      ConvWorkItem& item = stretches[part];
      item.row_begin = std::min(pixels, units * part / parts * unit);
      item.row_end = std::min(pixels, units * (part + 1) / parts * unit);
      item.col_begin = 0, item.col_end = plan.geometry.out_channels;
    }
    // A fused producer's rows that neighbouring stretches both read are made by each of their rings. Where
    // that repeats much of the producer's work (small images split between threads: a 7x7 image in two
    // stretches has its rings make 10 of its 7 rows), the threads make the producer's output once between
    // them first, an equal share each, and the depthwise conv reads it whole: the same values.
    DecodedActivations produced;
    Conv2dProgram reading = program;
    if (program.producer && shares_producer_output(plan.geometry, stretches)) {
      const uint64_t input_pixels = plan.geometry.input_pixels();
      const uint32_t channels = plan.geometry.in_channels;
      produced.rows = input_pixels, produced.cols = channels;
      produced.values = ScratchFloats(input_pixels * channels);
      plan.device->run_parallel(parts, [&](size_t part) {
        const uint64_t p0 = input_pixels * part / parts, p1 = input_pixels * (part + 1) / parts;
        if (p0 < p1) produce_input_rows(program, p0, p1, produced.values.data() + p0 * channels);
      });
      reading.producer = nullptr;
      reading.input = &produced;
    }
    plan.device->run_parallel(parts, [&](size_t part) {
      const ConvWorkItem& item = stretches[part];
      if (item.row_begin < item.row_end) run_conv2d_work_item(reading, item);
    });
    return;
  }
  plan.device->run_parallel(plan.item_run_ends.size(), [&](size_t run) {
    for (size_t i = run == 0 ? 0 : plan.item_run_ends[run - 1]; i < plan.item_run_ends[run]; ++i)
      run_conv2d_work_item(program, plan.items[i]);
  });
}

namespace {

// Input pixels a streamed depthwise conv makes in its ring for output pixels [begin, end): for each image
// they touch, the input rows their windows read (as depthwise_input reads them).
uint64_t ring_input_pixels(const Conv2dGeometry& g, uint64_t begin, uint64_t end) {
  const uint64_t image_pixels = uint64_t(g.output_height) * g.output_width;
  uint64_t rows = 0;
  for (uint64_t p = begin; p < end;) {
    const uint64_t image = p / image_pixels, run_end = std::min(end, (image + 1) * image_pixels);
    const auto [first, end_row] = g.input_rows_read(uint32_t(p % image_pixels / g.output_width),
                                                    uint32_t((run_end - 1) % image_pixels / g.output_width) + 1);
    rows += uint64_t(end_row - first);
    p = run_end;
  }
  return rows * g.input_width;
}

}  // namespace

bool shares_producer_output(const Conv2dGeometry& depthwise, std::span<const ConvWorkItem> stretches) {
  // Making the output once costs a second parallel region and reading rows another core made: measured on
  // MobileNetV2 at batch 1 on two threads, it paid where the rings made 21-43% more rows than the output
  // has (the 7x7 steps: 6-16% faster), and was even at 14% (the 14x14 steps).
  constexpr double kRingRowsAbove = 1.2;
  uint64_t ring_pixels = 0;
  for (const ConvWorkItem& stretch : stretches)
    ring_pixels += ring_input_pixels(depthwise, stretch.row_begin, stretch.row_end);
  return double(ring_pixels) > kRingRowsAbove * double(depthwise.input_pixels());
}

bool can_fuse_producer(const Conv2dPlan& plan, const Conv2dPlan& producer) {
  const Conv2dGeometry &g = plan.geometry, &p = producer.geometry;
  const bool accurate = plan.math.numerics == Numerics::accurate && producer.math.numerics == Numerics::accurate;
  // The producer reads its input rows as they are stored (int8 codes, rows in place, or the stem's image
  // rows, read in place or gathered from), never a whole decoded tensor.
  const bool reads_rows = producer.streamed && p.groups == 1 &&
                          ((p.pointwise() && (producer.bfp8_operands ||
                                              producer.prepared.weights->reduction.tap_stride == p.in_channels)) ||
                           (!p.pointwise() && gathers_from_storage(producer.input_spec)));
  const bool same_pixels = p.batch == g.batch && p.output_height == g.input_height &&
                           p.output_width == g.input_width && p.out_channels == g.in_channels;
  // Each item rounds its channels' blocks from its first column, as the stored tensor would.
  const bool whole_blocks = std::all_of(plan.items.begin(), plan.items.end(),
                                        [](const ConvWorkItem& item) { return item.col_begin % TILE_WIDTH == 0; });
  return accurate && reads_rows && same_pixels && whole_blocks && plan.streamed && g.depthwise() &&
         producer.output_spec.layout == Layout::TILE;
}

bool can_fuse_consumer(const Conv2dPlan& plan, const Conv2dPlan& consumer) {
  return plan.geometry.depthwise() && plan.streamed &&
         (can_pass_int8_rows(plan, consumer) || can_pass_float_rows(plan, consumer));
}

bool can_pass_int8_rows(const Conv2dPlan& writer, const Conv2dPlan& reader) {
  const Conv2dGeometry &w = writer.geometry, &r = reader.geometry;
  const bool accurate = writer.math.numerics == Numerics::accurate && reader.math.numerics == Numerics::accurate;
  // The rows hold whole blocks (a last one of fewer channels padded with zero codes, as its tile is): the
  // reader's reduction runs over them, its weights zero past its channels.
  const bool reader_int8 = reader.bfp8_operands && r.pointwise() && r.groups == 1 && r.in_channels == w.out_channels &&
                           reader.prepared.weights->reduction.k_per_group == bfp8_blocks_width(w.out_channels);
  const bool whole_blocks = std::all_of(writer.items.begin(), writer.items.end(), [&](const ConvWorkItem& item) {
    return item.col_begin % 16 == 0 && (item.col_end % 16 == 0 || item.col_end == w.out_channels);
  });
  return accurate && reader_int8 && whole_blocks && writer.output_spec.dtype == DataType::BFLOAT8_B &&
         writer.output_spec.layout == Layout::TILE && writer.output_spec == reader.input_spec;
}

bool can_pass_float_rows(const Conv2dPlan& writer, const Conv2dPlan& reader) {
  const Conv2dGeometry &w = writer.geometry, &r = reader.geometry;
  const bool accurate = writer.math.numerics == Numerics::accurate && reader.math.numerics == Numerics::accurate;
  // A float32 or bfloat16 GEMM reading its rows in place: no int8 operands (a fidelity cut is the writer's
  // to apply, FloatRows::cut).
  const bool reader_in_place = !reader.bfp8_operands && reader.streamed && r.pointwise() &&
                               r.groups == 1 && r.in_channels == w.out_channels &&
                               reader.prepared.weights->reduction.tap_stride == r.in_channels &&
                               reader.prepared.weights->reduction.k_per_group == r.in_channels;
  const DataType dtype = writer.output_spec.dtype;
  return accurate && reader_in_place && (dtype == DataType::FLOAT32 || dtype == DataType::BFLOAT16) &&
         writer.output_spec.layout == Layout::TILE && writer.output_spec == reader.input_spec;
}

bool can_pass_word_rows(const Conv2dPlan& writer, const Conv2dPlan& reader, bool read_by_residual_adds) {
  const kernels::KernelTable& table = kernels::kernel_table();
  const bool reads_words = reader.bf16_operands && !reader.conv_rows && !table.bf16_gemm_reads_floats;
  const DataType dtype = writer.output_spec.dtype;
  const OperandCut cut = reader.source.cut;
  const bool words_hold_it = dtype == DataType::BFLOAT16 ||
                             (dtype == DataType::FLOAT32 && cut.to_bfloat16 && !read_by_residual_adds);
  return can_pass_float_rows(writer, reader) && reads_words && words_hold_it && cut.bits <= 0 &&
         reader.geometry.in_channels % 2 == 0;
}

bool can_write_float_rows(const Conv2dPlan& writer) {
  const DataType dtype = writer.output_spec.dtype;
  const bool items_on_blocks = std::all_of(writer.items.begin(), writer.items.end(), [](const ConvWorkItem& item) {
    return item.col_begin % kernels::kBfp8Block == 0;
  });
  return writer.math.numerics == Numerics::accurate && writer.output_spec.layout == Layout::TILE &&
         (dtype == DataType::FLOAT32 || dtype == DataType::BFLOAT16 || dtype == DataType::BFLOAT8_B) &&
         items_on_blocks;
}

kernels::Int8Activations int8_rows_form(const Conv2dPlan& writer) {
  // Every stored value >= 0 needs no bias (a value clamped at 0 never encodes a negative code).
  return writer.math.clamp.min >= 0.0f ? kernels::Int8Activations::nonnegative : kernels::Int8Activations::biased;
}

Conv2dResult conv2d(const Conv2dArgs& args) {
  profiler::OpScope profile("conv2d", {&args.input_tensor, &args.weight_tensor, args.bias_tensor ? &*args.bias_tensor : nullptr});
  args.input_tensor.bytes("conv2d input");  // fails on a deallocated input before any work
  const Conv2dPlan plan = plan_conv2d(args);
  profile.set_math_fidelity(plan.math.math_fidelity);

  // With deallocate_activation the input's device space is freed before the output is allocated, so the
  // output can take it; the bytes are kept until the output exists. If it does not fit, the caller's input
  // is given them back, usable as before: the caller may run the conv again elsewhere (DRAM slicing).
  Tensor input = args.input_tensor;
  Buffer::Bytes original;  // a resharded input's
  if (plan.reshard_to) {
    Tensor resharded = to_memory_config(input, *plan.reshard_to);
    if (args.conv_config.deallocate_activation) original = input.buffer()->take_for_consumption();
    input = resharded;
  }
  Buffer::Bytes consumed;  // the working copy the kernels read
  const std::byte* input_bytes = input.bytes("conv2d input");
  if (args.conv_config.deallocate_activation) {
    consumed = input.buffer()->take_for_consumption();
    input_bytes = consumed.get();
  }
  Tensor output;
  try {
    output = allocate_tensor(plan.output_spec, plan.device, "conv2d output");
  } catch (const OutOfMemory&) {
    if (plan.reshard_to && original) reclaim_consumed(args.input_tensor, std::move(original), "conv2d input");
    else if (!plan.reshard_to && consumed) reclaim_consumed(args.input_tensor, std::move(consumed), "conv2d input");
    throw;
  }
  original.reset();
  profile.output(output);
  run_conv2d_plan(plan, input_bytes, output.bytes("conv2d output"));
  consumed.reset();  // a streamed input was read until here
  return Conv2dResult{output, plan.geometry.output_height, plan.geometry.output_width, plan.prepared.weight_tensor,
                      plan.prepared.bias_tensor};
}

}  // namespace ttnn
