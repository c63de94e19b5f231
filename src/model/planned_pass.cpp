#include "model/planned_pass.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "core/buffer_layout.hpp"
#include "core/check.hpp"
#include "core/host_memory.hpp"
#include "model/activation_arena.hpp"
#include "model/image_input.hpp"
#include "ops/common/logical_rows.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ops/conv2d/conv2d_geometry.hpp"
#include "ops/conv2d/plan.hpp"
#include "ops/eltwise/eltwise_plan.hpp"
#include "ops/matmul/matmul_plan.hpp"
#include "ops/pool/pool_plan.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn::model {
namespace {

size_t buffer_bytes(const TensorSpec& spec) { return BufferLayout::of(spec, "model plan").size_bytes; }

const TensorSpec& spec_of(const std::vector<std::optional<TensorSpec>>& specs, size_t node) {
  check(node < specs.size() && specs[node].has_value(), "model plan: value {} has no spec from the first pass", node);
  return *specs[node];
}

// How the profiler sees a planned op: its code, inputs (null where absent) and fidelity.
struct OpRecord {
  const char* op;
  std::array<const Tensor*, 3> inputs{};
  std::optional<MathFidelity> fidelity;
};

// A planned op as a step: the module scope and the op's profiler record, the output's padding tiles zeroed
// as in a fresh allocation (the arena's bytes held other values; ops write every logical value), then `run`.
// `zero_padding` false: the output's bytes do not hold tiles (Int8Rows, FloatRows), and nothing reads past its
// values.
template <class Run>
std::function<void()> planned_op(const std::string& path, const OpRecord& record, const Tensor& output, Run run,
                                 bool zero_padding = true) {
  return [path, record, &output, padding = zero_padding ? PaddingTiles(output.spec()) : PaddingTiles(), run] {
    const profiler::ModuleScope module(path);
    profiler::OpScope profile(record.op, {record.inputs[0], record.inputs[1], record.inputs[2]});
    if (record.fidelity) profile.set_math_fidelity(*record.fidelity);
    padding.zero(output.bytes("model plan"), *output.device());
    profile.output(output);
    run();
  };
}

// Per step: the add step to run inside this conv step, or SIZE_MAX. An add fuses into the conv that makes
// one of its operands when nothing else reads that output, the conv runs the accurate numerics, and the
// other operand exists by then.
std::vector<size_t> fusable_residual_adds(const std::vector<Step>& steps, size_t output_node) {
  size_t nodes = output_node + 1;
  for (const Step& step : steps) {
    nodes = std::max(nodes, step.node + 1);
    for (const size_t input : step.inputs) nodes = std::max(nodes, input + 1);
  }
  std::vector<size_t> readers(nodes, 0), producer(nodes, SIZE_MAX);
  for (size_t s = 0; s < steps.size(); ++s) {
    producer[steps[s].node] = s;
    for (const size_t input : steps[s].inputs) ++readers[input];
  }
  std::vector<size_t> fused(steps.size(), SIZE_MAX);
  for (size_t a = 0; a < steps.size(); ++a) {
    const Step& add = steps[a];
    if (add.kind != StepKind::add || add.inputs.size() != 2 || add.inputs[0] == add.inputs[1]) continue;
    for (size_t j = 0; j < 2; ++j) {
      const size_t value = add.inputs[j], other = add.inputs[1 - j];
      const size_t p = producer[value];
      if (p == SIZE_MAX || steps[p].kind != StepKind::conv2d || readers[value] != 1 || value == output_node ||
          fused[p] != SIZE_MAX)
        continue;
      if (producer[other] != SIZE_MAX && producer[other] > p) continue;  // not made yet when the conv runs
      if (resolve_conv2d_math(steps[p].conv).numerics != Numerics::accurate) continue;
      fused[p] = a;
      break;
    }
  }
  return fused;
}

using ConvPlans = std::vector<std::shared_ptr<const Conv2dPlan>>;

// Per step: a conv step's plan, made from its input's spec alone (what planning reads) before the arena
// exists, so fusions can be chosen from plans; null for other steps.
ConvPlans plan_convs(const std::vector<Step>& steps, const std::vector<std::optional<TensorSpec>>& specs,
                     Device& device) {
  ConvPlans plans(steps.size());
  for (size_t s = 0; s < steps.size(); ++s) {
    if (steps[s].kind != StepKind::conv2d) continue;
    ttnn::Conv2dArgs args = steps[s].conv;
    // The input's spec on a buffer without bytes: planning reads no values, and nothing can by mistake.
    args.input_tensor = Tensor(spec_of(specs, steps[s].inputs.at(0)),
                               std::make_shared<Buffer>(static_cast<std::byte*>(nullptr), 0, nullptr), &device);
    args.memory_config = steps[s].fallback_memory;
    args.conv_config.deallocate_activation = false;
    plans[s] = std::make_shared<const Conv2dPlan>(plan_conv2d(args));
    check(!plans[s]->reshard_to, "model plan: conv2d '{}' would reshard its input on every pass",
          steps[s].info.module_path);
    check(plans[s]->output_spec == spec_of(specs, steps[s].node),
          "model plan: conv2d '{}' plans output {} but the first pass made {}", steps[s].info.module_path,
          plans[s]->output_spec.logical_shape, spec_of(specs, steps[s].node).logical_shape);
  }
  return plans;
}

// Per value: the steps that read it, and the step that makes it (SIZE_MAX: none).
struct Readers {
  std::vector<size_t> count, producer;
  Readers(const std::vector<Step>& steps, size_t values) : count(values, 0), producer(values, SIZE_MAX) {
    for (size_t s = 0; s < steps.size(); ++s) {
      producer[steps[s].node] = s;
      for (const size_t input : steps[s].inputs) ++count[input];
    }
  }
};

// Per step: the conv step (pointwise, or the stem) to run inside this depthwise conv step (Conv2dProducer),
// or SIZE_MAX.
std::vector<size_t> fusable_producers(const std::vector<Step>& steps, const ConvPlans& plans, const Readers& readers,
                                      const std::vector<size_t>& fused_add, size_t output_node) {
  std::vector<size_t> fused(steps.size(), SIZE_MAX);
  for (size_t d = 0; d < steps.size(); ++d) {
    if (!plans[d] || fused_add[d] != SIZE_MAX) continue;
    const size_t value = steps[d].inputs.at(0), p = readers.producer[value];
    if (p == SIZE_MAX || !plans[p] || readers.count[value] != 1 || value == output_node || fused_add[p] != SIZE_MAX)
      continue;
    if (can_fuse_producer(*plans[d], *plans[p])) fused[d] = p;
  }
  return fused;
}

// The operand of `add` other than `conv_output`.
size_t add_operand(const Step& add, size_t conv_output) {
  return add.inputs[0] == conv_output ? add.inputs[1] : add.inputs[0];
}

// Per step: the pointwise conv step (a project conv) to run inside this depthwise conv step (Conv2dConsumer),
// or SIZE_MAX. It alone reads the depthwise output, and a residual add run inside it has its other operand
// made before the depthwise step.
std::vector<size_t> fusable_consumers(const std::vector<Step>& steps, const ConvPlans& plans, const Readers& readers,
                                      const std::vector<size_t>& fused_add, const std::vector<size_t>& fused_producer,
                                      size_t output_node) {
  std::vector<bool> is_producer(steps.size(), false);
  for (const size_t p : fused_producer)
    if (p != SIZE_MAX) is_producer[p] = true;
  std::vector<size_t> fused(steps.size(), SIZE_MAX);
  for (size_t c = 0; c < steps.size(); ++c) {
    if (!plans[c] || is_producer[c]) continue;
    const size_t value = steps[c].inputs.at(0), d = readers.producer[value];
    if (d == SIZE_MAX || !plans[d] || readers.count[value] != 1 || value == output_node || fused_add[d] != SIZE_MAX)
      continue;
    if (fused_add[c] != SIZE_MAX) {
      const size_t other = readers.producer[add_operand(steps[fused_add[c]], steps[c].node)];
      if (other != SIZE_MAX && other >= d) continue;  // not made yet when the depthwise conv runs
    }
    if (can_fuse_consumer(*plans[d], *plans[c])) fused[d] = c;
  }
  return fused;
}

// Per value: the conv step that writes it (its own output, or that of a residual add run inside it), or
// SIZE_MAX.
std::vector<size_t> writing_convs(const std::vector<Step>& steps, const ConvPlans& plans,
                                  const std::vector<size_t>& fused_add, size_t values) {
  std::vector<size_t> writer(values, SIZE_MAX);
  for (size_t s = 0; s < steps.size(); ++s)
    if (plans[s]) writer[fused_add[s] != SIZE_MAX ? steps[fused_add[s]].node : steps[s].node] = s;
  return writer;
}

// How a value passes from the conv that makes it to the one conv that reads it (a fused producer included):
// tiles, or rows as that conv's GEMM reads them; float rows hold the values cut to the reader's fidelity.
enum class Passed : uint8_t { tiles, int8_rows, float_rows, word_rows };
struct PassedValue {
  Passed how = Passed::tiles;
  OperandCut cut;  // float rows and words: the reading GEMM's
};

// Per value: how many residual adds run inside convs read it as their other operand.
std::vector<size_t> residual_reads(const std::vector<Step>& steps, const std::vector<size_t>& fused_add,
                                   size_t values) {
  std::vector<size_t> reads(values, 0);
  for (size_t s = 0; s < steps.size(); ++s)
    if (fused_add[s] != SIZE_MAX)
      ++reads[add_operand(steps[fused_add[s]], steps[s].node)];
  return reads;
}

// Per value: tiles, or the rows the reader's GEMM reads (Int8Rows for bfloat8_b, FloatRows for float32 and
// bfloat16). Besides that one conv, fused residual adds may read them (a block's input: its expand conv and
// its add).
std::vector<PassedValue> passed_values(const std::vector<Step>& steps, const ConvPlans& plans, const Readers& readers,
                                       const std::vector<size_t>& writer, const std::vector<size_t>& residual_reads,
                                       const std::vector<bool>& never_stored, size_t output_node) {
  std::vector<PassedValue> passed(readers.count.size());
  for (size_t r = 0; r < steps.size(); ++r) {
    if (!plans[r]) continue;
    const size_t value = steps[r].inputs.at(0), w = writer[value];
    if (w == SIZE_MAX || readers.count[value] != residual_reads[value] + 1 || value == output_node ||
        never_stored[value])
      continue;
    // Float rows hold what the GEMM reads (cut to its fidelity), unless a residual add reads them too: it
    // needs them uncut, and the GEMM cuts each block it reads (FloatRows::cut).
    if (can_pass_int8_rows(*plans[w], *plans[r])) passed[value].how = Passed::int8_rows;
    else if (can_pass_word_rows(*plans[w], *plans[r], residual_reads[value] > 0))
      passed[value] = {Passed::word_rows, plans[r]->source.cut};
    else if (can_pass_float_rows(*plans[w], *plans[r]))
      passed[value] = {Passed::float_rows, residual_reads[value] == 0 ? plans[r]->source.cut : OperandCut{}};
  }
  // Global pooling sums a conv's output (the head's) from float rows as stored: no tiles encoded to be decoded.
  for (const Step& pool : steps) {
    if (pool.kind != StepKind::global_avg_pool2d) continue;
    const size_t value = pool.inputs.at(0), w = writer[value];
    if (w != SIZE_MAX && readers.count[value] == 1 && value != output_node && !never_stored[value] &&
        can_write_float_rows(*plans[w]))
      passed[value].how = Passed::float_rows;
  }
  return passed;
}

// A value's bytes as Int8Rows: codes for every row and column of its physical view, then their exponents
// (the tiles' bytes, exactly: 1 + 1/16 bytes a value), in the form its writer gives them.
struct Int8RowsView {
  uint64_t rows = 0, cols = 0;
  kernels::Int8Activations form;
  Int8RowsView(const TensorSpec& spec, kernels::Int8Activations form_) : form(form_) {
    const BufferLayout layout = BufferLayout::of(spec, "model plan");
    rows = layout.height, cols = layout.width;
    check(rows * cols / 16 * 17 <= layout.size_bytes, "model plan: int8 rows of {} do not fit its {} bytes",
          spec.logical_shape, layout.size_bytes);
  }
  Int8Rows at(std::byte* bytes) const {
    return {reinterpret_cast<int8_t*>(bytes), reinterpret_cast<uint8_t*>(bytes) + rows * cols, size_t(cols), form};
  }
};

// A value's bytes as FloatRows: every row and column of its physical view as floats (float32 tiles' bytes;
// a bfloat16 value's region is sized for them: float_rows_bytes).
size_t float_rows_bytes(const TensorSpec& spec) {
  const BufferLayout layout = BufferLayout::of(spec, "model plan");
  return size_t(layout.height * layout.width) * sizeof(float);
}

struct FloatRowsView {
  uint64_t cols = 0;
  OperandCut cut;  // the reading GEMM's
  FloatRowsView(const TensorSpec& spec, size_t region_bytes, OperandCut cut_) : cut(cut_) {
    cols = BufferLayout::of(spec, "model plan").width;
    check(float_rows_bytes(spec) <= region_bytes, "model plan: float rows of {} do not fit its {} bytes",
          spec.logical_shape, region_bytes);
  }
  FloatRows at(std::byte* bytes) const { return {reinterpret_cast<float*>(bytes), size_t(cols), cut}; }
};

// A value's bytes as Bf16Rows: every row and column of its physical view as bfloat16 words (the tiles' bytes).
struct WordRowsView {
  uint64_t cols = 0;
  OperandCut cut;  // the reading GEMM's
  WordRowsView(const TensorSpec& spec, OperandCut cut_) : cut(cut_) {
    const BufferLayout layout = BufferLayout::of(spec, "model plan");
    cols = layout.width;
    check(layout.height * layout.width * sizeof(uint16_t) <= layout.size_bytes,
          "model plan: bfloat16 words of {} do not fit its {} bytes", spec.logical_shape, layout.size_bytes);
  }
  Bf16Rows at(std::byte* bytes) const { return {reinterpret_cast<uint16_t*>(bytes), size_t(cols), cut}; }
};

// How a conv step holds one of its values as rows, if it does (at most one of the three).
struct RowsView {
  std::optional<Int8RowsView> int8;
  std::optional<FloatRowsView> floats;
  std::optional<WordRowsView> words;
};

// A RowsView on its value's bytes for one run, what Conv2dFusion points at (the bytes are read only when
// the value is held as rows: a value a fused conv makes has none).
class BoundRows {
 public:
  BoundRows(const RowsView& view, const Tensor& value, const char* what) {
    if (view.int8) int8_ = view.int8->at(value.bytes(what));
    if (view.floats) floats_ = view.floats->at(value.bytes(what));
    if (view.words) words_ = view.words->at(value.bytes(what));
    has_int8_ = view.int8.has_value(), has_floats_ = view.floats.has_value(), has_words_ = view.words.has_value();
  }
  BoundRows(const BoundRows&) = delete;  // Conv2dFusion holds pointers into it
  const Int8Rows* int8() const { return has_int8_ ? &int8_ : nullptr; }
  const FloatRows* floats() const { return has_floats_ ? &floats_ : nullptr; }
  const Bf16Rows* words() const { return has_words_ ? &words_ : nullptr; }

 private:
  Int8Rows int8_{};
  FloatRows floats_{};
  Bf16Rows words_{};
  bool has_int8_ = false, has_floats_ = false, has_words_ = false;
};

// A residual add run in a conv's epilogue: the call with the other operand's bytes unset.
struct FusedResidual {
  Conv2dResidual residual;
  BufferLayout output_layout;  // the add's output
};

// What a conv step writes: its output, or with a residual add run inside it the add's (the other operand
// read in the epilogue), as tiles or as the rows its reader reads.
struct ConvWrites {
  const Tensor* output = nullptr;
  RowsView rows;
  std::shared_ptr<const FusedResidual> residual;
  const Tensor* residual_value = nullptr;
  RowsView residual_rows;
  bool writes_tiles() const { return !rows.int8 && !rows.floats && !rows.words; }
};

// A ConvWrites on its values' bytes for one run, what a Conv2dFusion points at.
class BoundWrites {
 public:
  explicit BoundWrites(const ConvWrites& writes) : writes_(writes), out_(writes.rows, *writes.output, "conv2d output") {
    if (!writes.residual) return;
    residual_ = writes.residual->residual;
    residual_->source = residual_->source.at(writes.residual_value->bytes("add"));
    residual_in_.emplace(writes.residual_rows, *writes.residual_value, "add");
    residual_->int8_rows = residual_in_->int8(), residual_->floats = residual_in_->floats();
    residual_->words = residual_in_->words();
  }
  BoundWrites(const BoundWrites&) = delete;  // Conv2dFusion holds pointers into it
  void set(Conv2dFusion& fusion) const {
    fusion.output_rows = out_.int8(), fusion.output_floats = out_.floats(), fusion.output_words = out_.words();
    if (residual_) fusion.residual = &*residual_, fusion.residual_output_layout = &writes_.residual->output_layout;
  }

 private:
  const ConvWrites& writes_;
  BoundRows out_;
  std::optional<Conv2dResidual> residual_;
  std::optional<BoundRows> residual_in_;
};

}  // namespace

PaddingTiles::PaddingTiles(const TensorSpec& spec) {
  if (spec.layout != Layout::TILE) return;  // ROW_MAJOR rows have no padding (edge shards' rest is never read)
  const BufferLayout layout = BufferLayout::of(spec, "model plan");
  const RowMap map(spec);
  tile_bytes_ = layout.page_bytes;
  for (uint64_t band = 0; band < layout.height; band += TILE_HEIGHT) {
    bool padding_rows = false;
    for (uint64_t row = band; row < band + TILE_HEIGHT && !padding_rows; ++row) padding_rows = map.is_padding(row);
    for (uint64_t col = 0; col < layout.width; col += TILE_WIDTH)
      if (padding_rows || col + TILE_WIDTH > layout.logical_width) offsets_.push_back(layout.offset(band, col));
  }
}

void PaddingTiles::zero(std::byte* bytes, const Device& device) const {
  // Narrow tensors (16 or 24 channels) have padding in every tile: megabytes at batch 8, on the threads.
  constexpr size_t kTilesPerItem = 256;
  const size_t items = (offsets_.size() + kTilesPerItem - 1) / kTilesPerItem;
  const auto zero_tiles = [&](size_t item) {
    const size_t end = std::min(offsets_.size(), (item + 1) * kTilesPerItem);
    for (size_t i = item * kTilesPerItem; i < end; ++i) std::memset(bytes + offsets_[i], 0, tile_bytes_);
  };
  if (items > 1) device.run_parallel(items, zero_tiles);
  else if (items == 1) zero_tiles(0);
}

PlannedPass::PlannedPass(const Graph& graph, const std::vector<Step>& steps,
                         const std::vector<std::optional<TensorSpec>>& specs, size_t output_node, Device& device,
                         bool fuse_convs)
    : device_(device), values_(specs.size()), output_node_(output_node) {
  // A flatten hands its input's bytes on: its value is the same region under another spec.
  std::vector<size_t> root(specs.size());
  for (size_t node = 0; node < root.size(); ++node) root[node] = node;
  for (const Step& step : steps)
    if (step.kind == StepKind::flatten || step.kind == StepKind::identity) root[step.node] = root[step.inputs.at(0)];

  // Residual adds whose conv operand feeds nothing else run inside that conv (Conv2dResidual): the conv's
  // output is never stored, the add's output is written at the conv's step.
  const std::vector<size_t> fused_add = fusable_residual_adds(steps, output_node);  // per step
  std::vector<bool> runs_inside_conv(steps.size(), false);
  std::vector<bool> never_stored(specs.size(), false);
  for (size_t s = 0; s < steps.size(); ++s)
    if (fused_add[s] != SIZE_MAX) runs_inside_conv[fused_add[s]] = true, never_stored[steps[s].node] = true;
  // Pointwise convs whose output only a depthwise conv reads run inside it (Conv2dProducer): that output,
  // MobileNetV2's largest, is never stored, and the pointwise conv's input lives until the depthwise step.
  const ConvPlans plans = plan_convs(steps, specs, device);
  const Readers readers(steps, specs.size());
  const std::vector<size_t> fused_producer =
      fuse_convs ? fusable_producers(steps, plans, readers, fused_add, output_node)
                 : std::vector<size_t>(steps.size(), SIZE_MAX);
  for (const size_t p : fused_producer)
    if (p != SIZE_MAX) runs_inside_conv[p] = true, never_stored[steps[p].node] = true;
  // Pointwise convs that alone read a depthwise conv's output run inside it too (Conv2dConsumer): that output
  // is never stored either, and the pointwise conv writes its own (or its add's) at the depthwise step.
  const std::vector<size_t> fused_consumer =
      fuse_convs ? fusable_consumers(steps, plans, readers, fused_add, fused_producer, output_node)
                 : std::vector<size_t>(steps.size(), SIZE_MAX);
  for (size_t d = 0; d < steps.size(); ++d)
    if (fused_consumer[d] != SIZE_MAX) runs_inside_conv[fused_consumer[d]] = true, never_stored[steps[d].node] = true;
  // A value that one pointwise conv's GEMM reads (and at most residual adds besides) is stored as that GEMM
  // reads it, int8 rows, bfloat16 words or float rows: no tiles to encode and decode.
  const std::vector<size_t> writer = writing_convs(steps, plans, fused_add, specs.size());
  const std::vector<PassedValue> passed = passed_values(steps, plans, readers, writer,
                                                        residual_reads(steps, fused_add, specs.size()), never_stored,
                                                        output_node);

  // The step each step's work runs at: its own, or that of the conv it runs inside.
  std::vector<size_t> run_at(steps.size());
  for (size_t s = 0; s < steps.size(); ++s) run_at[s] = s;
  for (size_t d = 0; d < steps.size(); ++d) {
    if (fused_producer[d] != SIZE_MAX) run_at[fused_producer[d]] = d;
    if (fused_consumer[d] != SIZE_MAX) run_at[fused_consumer[d]] = d;
  }
  for (size_t s = 0; s < steps.size(); ++s)
    if (fused_add[s] != SIZE_MAX) run_at[fused_add[s]] = run_at[s];

  // Lifetimes in steps, from the first step that writes a value to the last that reads it, each at the step
  // its work runs at: the input is written before step 0, the output read after the last step.
  std::vector<size_t> region_of(specs.size(), SIZE_MAX);
  std::vector<ArenaValue> regions;
  const auto live_at = [&](size_t node, size_t step) {
    if (region_of[root[node]] == SIZE_MAX) {
      region_of[root[node]] = regions.size();
      const TensorSpec& spec = spec_of(specs, root[node]);
      const size_t bytes = passed[root[node]].how == Passed::float_rows
                               ? std::max(buffer_bytes(spec), float_rows_bytes(spec))
                               : buffer_bytes(spec);
      regions.push_back({bytes, step, step});
    }
    ArenaValue& value = regions[region_of[root[node]]];
    value.first_step = std::min(value.first_step, step), value.last_step = std::max(value.last_step, step);
  };
  live_at(0, 0);
  for (size_t s = 0; s < steps.size(); ++s) {
    for (const size_t input : steps[s].inputs)
      if (!never_stored[input]) live_at(input, run_at[s]);
    if (!never_stored[steps[s].node]) live_at(steps[s].node, run_at[s]);
  }
  live_at(output_node, steps.size());

  const ArenaPlan layout = plan_activation_arena(regions);
  arena_bytes_ = layout.total_bytes;
  peak_live_bytes_ = model::peak_live_bytes(regions);
  for (const ArenaValue& value : regions) activation_bytes_ += value.bytes;
  arena_ = std::make_shared<Buffer>(std::max<size_t>(arena_bytes_, 1), nullptr, 0, false);
  for (size_t node = 0; node < specs.size(); ++node) {
    if (region_of[root[node]] == SIZE_MAX || !specs[node]) continue;
    const size_t index = region_of[root[node]];
    values_[node] = Tensor(*specs[node],
                           std::make_shared<Buffer>(arena_->data() + layout.offsets[index], regions[index].bytes, arena_),
                           &device);
  }

  // Values passed as rows: int8 ones in the form their writer (a conv step) gives them; a residual add's sums
  // (no activation) may be negative.
  const auto rows_view = [&](size_t value) {
    RowsView view;
    if (passed[value].how == Passed::int8_rows) {
      const size_t w = writer[value];
      view.int8.emplace(spec_of(specs, value), fused_add[w] != SIZE_MAX ? kernels::Int8Activations::biased
                                                                        : int8_rows_form(*plans[w]));
    }
    if (passed[value].how == Passed::float_rows)
      view.floats.emplace(spec_of(specs, value), values_[value].buffer()->size_bytes(), passed[value].cut);
    if (passed[value].how == Passed::word_rows) view.words.emplace(spec_of(specs, value), passed[value].cut);
    return view;
  };
  const auto writes_of = [&](size_t c) {
    ConvWrites writes;
    const size_t add = fused_add[c], written = add != SIZE_MAX ? steps[add].node : steps[c].node;
    writes.output = &values_[written];
    writes.rows = rows_view(written);
    if (add == SIZE_MAX) return writes;
    // The residual add runs in the conv's epilogue, which rounds blocks from each item's first column.
    for (const ConvWorkItem& item : plans[c]->items)
      check(item.col_begin % TILE_WIDTH == 0, "model plan: conv2d '{}' has a work item from column {}",
            steps[c].info.module_path, item.col_begin);
    const size_t other = add_operand(steps[add], steps[c].node);
    writes.residual_value = &values_[other];
    auto residual = std::make_shared<FusedResidual>();
    residual->residual.source = activation_source(writes.residual_value->spec(), nullptr, OperandCut{}, "add");
    residual->residual.clamp = activation_clamp("", "add");
    residual->residual.stored_dtype = plans[c]->output_spec.dtype;
    residual->output_layout = BufferLayout::of(writes.output->spec(), "add");
    writes.residual = std::move(residual);
    writes.residual_rows = rows_view(other);
    return writes;
  };

  for (size_t s = 0; s < steps.size(); ++s) {
    const Step& step = steps[s];
    if (runs_inside_conv[s]) continue;
    if (step.kind != StepKind::conv2d && step.kind != StepKind::identity) infos_.push_back(step.info);
    const Tensor& input = values_[step.inputs.at(0)];
    const Tensor& output = values_[fused_add[s] != SIZE_MAX ? steps[fused_add[s]].node : step.node];
    const std::string& path = step.info.module_path;
    switch (step.kind) {
      case StepKind::conv2d: {
        const std::shared_ptr<const Conv2dPlan> plan = plans[s];
        const size_t producer_step = fused_producer[s], consumer_step = fused_consumer[s];
        // The tensor the op reads: its input, or a fused producer's.
        const Tensor& read = producer_step != SIZE_MAX ? values_[steps[producer_step].inputs.at(0)] : input;
        const std::shared_ptr<const Conv2dPlan> producer = producer_step != SIZE_MAX ? plans[producer_step] : nullptr;
        const std::shared_ptr<const Conv2dPlan> consumer = consumer_step != SIZE_MAX ? plans[consumer_step] : nullptr;
        const OpRecord record{"conv2d", {&read, &plan->prepared.weight_tensor,
                                         plan->prepared.bias_tensor ? &*plan->prepared.bias_tensor : nullptr},
                              plan->math.math_fidelity};
        const RowsView read_rows = rows_view(producer ? steps[producer_step].inputs.at(0) : step.inputs.at(0));
        // What the step writes: the conv's output, or a fused consumer's (each with any add run inside).
        const size_t writer_step = consumer ? consumer_step : s;
        const ConvWrites writes = writes_of(writer_step);
        steps_.push_back(planned_op(
            path, record, *writes.output,
            [&read, plan, producer, consumer, read_rows, writes] {
              Conv2dFusion fusion, consumer_fusion;
              const BoundRows in(read_rows, read, "conv2d input");
              const BoundWrites out(writes);
              if (producer) {
                fusion.producer = producer.get(), fusion.producer_input = read.bytes("conv2d input");
                fusion.producer_input_rows = in.int8(), fusion.producer_input_floats = in.floats();
                fusion.producer_input_words = in.words();
              } else {
                fusion.input_rows = in.int8(), fusion.input_floats = in.floats(), fusion.input_words = in.words();
              }
              std::byte* const written = writes.output->bytes("conv2d output");
              out.set(consumer ? consumer_fusion : fusion);
              if (consumer) {
                fusion.consumer = consumer.get(), fusion.consumer_output = written;
                fusion.consumer_fusion = &consumer_fusion;
              }
              run_conv2d_plan(*plan, producer ? nullptr : read.bytes("conv2d input"), consumer ? nullptr : written,
                              fusion);
            },
            writes.writes_tiles()));
        // One op: the fused convs' work and modules with the depthwise conv's, a fused producer's first.
        ModelStep info = step.info;
        if (producer) {
          const ModelStep& pointwise = steps[producer_step].info;
          info.fused.insert(info.fused.begin(), pointwise.module_path);
          info.fused.insert(info.fused.begin() + 1, pointwise.fused.begin(), pointwise.fused.end());
          info.multiply_adds += pointwise.multiply_adds;
        }
        if (consumer) {
          const ModelStep& pointwise = steps[consumer_step].info;
          info.fused.push_back(pointwise.module_path);
          info.fused.insert(info.fused.end(), pointwise.fused.begin(), pointwise.fused.end());
          info.multiply_adds += pointwise.multiply_adds;
        }
        if (fused_add[writer_step] != SIZE_MAX) info.fused.push_back(steps[fused_add[writer_step]].info.module_path);
        if (consumer || writes.residual) {  // the op writes another value: its dtype and sharding
          info.dtype = writes.output->dtype();
          info.shard_layout = writes.output->is_sharded()
                                  ? std::optional(writes.output->memory_config().memory_layout)
                                  : std::nullopt;
        }
        infos_.push_back(std::move(info));
        break;
      }
      case StepKind::add: {
        const Tensor& other = values_[step.inputs.at(1)];
        auto plan = std::make_shared<const EltwisePlan>(plan_add(input, other, std::nullopt, std::nullopt, ""));
        steps_.push_back(planned_op(path, {"add", {&input, &other}, std::nullopt}, output, [&input, &other, &output, plan] {
          run_add_plan(*plan, input, other, output);
        }));
        break;
      }
      case StepKind::relu:
      case StepKind::relu6: {
        const char* op = step.kind == StepKind::relu ? "relu" : "relu6";
        auto plan = std::make_shared<const EltwisePlan>(plan_clamp(input, activation_clamp(op, op), std::nullopt, op));
        steps_.push_back(planned_op(path, {op, {&input}, std::nullopt}, output, [&input, &output, plan] {
          run_clamp_plan(*plan, input, output);
        }));
        break;
      }
      case StepKind::global_avg_pool2d: {
        const Shape& in = graph.nodes[step.node].input_shapes.at(0);  // NCHW
        auto plan = std::make_shared<const GlobalAveragePlan>(
            plan_global_avg_pool2d(input, in[0], in[2], in[3], std::nullopt, std::nullopt));
        // The input as float rows where its writer stores it so (the head conv), else as its tensor.
        const size_t value = step.inputs.at(0);
        std::optional<FloatRowsView> rows;
        if (passed[value].how == Passed::float_rows)
          rows.emplace(spec_of(specs, value), input.buffer()->size_bytes(), OperandCut{});
        steps_.push_back(planned_op(path, {"global_avg_pool2d", {&input}, std::nullopt}, output,
                                    [&input, &output, plan, rows] {
                                      if (!rows) return run_global_average_plan(*plan, input, output);
                                      const FloatRows floats = rows->at(input.bytes("global_avg_pool2d"));
                                      run_global_average_plan(*plan, floats.values, floats.cols, output);
                                    }));
        break;
      }
      case StepKind::linear: {
        auto plan = std::make_shared<const MatmulPlan>(
            plan_linear(input, step.linear_weight, step.linear_bias, step.linear_options));
        const OpRecord record{"linear", {&input, &plan->weights_tensor, plan->bias_tensor ? &*plan->bias_tensor : nullptr},
                              plan->compute.math_fidelity};
        steps_.push_back(planned_op(path, record, output, [&input, &output, plan] {
          run_matmul_plan(*plan, input, output);
        }));
        break;
      }
      case StepKind::flatten:  // a view of the input's region: nothing to run, but the profiler sees the op
        check(buffer_bytes(output.spec()) <= output.buffer()->size_bytes(),
              "model plan: reshape '{}' to {} needs more bytes than its input holds", path, output.logical_shape());
        steps_.push_back([&input, &output, path] {  // no zeroing: the view shares its input's bytes
          const profiler::ModuleScope module(path);
          profiler::OpScope profile("reshape", {&input});
          profile.output(output);
        });
        break;
      case StepKind::identity: break;
      case StepKind::max_pool2d: fail<Unsupported>("model plan: MaxPool2d '{}' is not lowered yet", path);
    }
  }
  input_layout_ = BufferLayout::of(values_[0].spec(), "model input");
  input_padding_ = PaddingTiles(values_[0].spec());
  output_layout_ = BufferLayout::of(values_[output_node_].spec(), "model output");
  host_memory::trim();  // the first pass's blocks: this pass never asks for them
}

void PlannedPass::write_input(std::span<const float> nchw, const Shape& input_shape) const {
  const Tensor& input = values_[0];
  profiler::OpScope profile("from_host", {});
  profile.output(input);
  std::byte* bytes = input.bytes("model input");
  input_padding_.zero(bytes, device_);
  write_nchw_image(nchw, input_shape, input_layout_, bytes, device_);
}

void PlannedPass::read_output(std::span<float> output) const {
  const Tensor& result = values_[output_node_];
  profiler::OpScope profile("to_host", {&result});
  const BufferLayout& layout = output_layout_;
  const RowMap map(result.spec());
  const uint64_t width = result.logical_shape().width(), rows = width ? output.size() / width : 0;
  const std::byte* bytes = result.bytes("model output");
  for (uint64_t row = 0; row < rows; ++row) {
    const uint64_t physical = map.physical(row);
    read_rows(layout, bytes, physical, physical + 1, 0, width, output.data() + row * width, width);
  }
}

void PlannedPass::run(std::span<const float> nchw, const Shape& input_shape, std::span<float> output) const {
  check(output.size() == output_volume(), "model: output has room for {} values, the model gives {}", output.size(),
        output_volume());
  run_steps(nchw, input_shape);
  read_output(output);
}

void PlannedPass::run_steps(std::span<const float> nchw, const Shape& input_shape) const {
  write_input(nchw, input_shape);
  for (const auto& step : steps_) step();
}

void PlannedPass::prepare_threads(std::span<const float> nchw, const Shape& input_shape) const {
  device_.run_on_each_thread([&] { run_steps(nchw, input_shape); });
}

}  // namespace ttnn::model
