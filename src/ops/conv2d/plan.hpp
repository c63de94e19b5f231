// conv2d in two halves: the plan, everything a call derives from its arguments and the input's spec
// (geometry, prepared weights, sharding, output spec, work items), and running a plan on buffers.
// conv2d() does both; a model that runs the same convs pass after pass keeps the plans and runs only the
// second half, which allocates nothing on the heap.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/buffer_layout.hpp"
#include "ops/common/decode_activations.hpp"
#include "ops/conv2d/prepare_weights.hpp"
#include "ops/conv2d/program.hpp"
#include "ops/conv2d/sharding.hpp"

namespace ttnn {

struct Conv2dPlan {
  Device* device = nullptr;
  Conv2dGeometry geometry;
  Conv2dMath math;
  PreparedConv prepared;
  std::optional<MemoryConfig> reshard_to;  // reshard_if_not_optimal: the input is resharded to this first
  TensorSpec input_spec;                   // after resharding
  TensorSpec output_spec;
  ActivationSource source;  // the input as the kernels read it; its bytes are set per run
  BufferLayout output_layout;
  // Pointwise convs read each input row once (in their block) and depthwise convs read only the rows of
  // their block: both decode on demand, as do the bfloat8_b int8 path (reading tiles as they are) and convs
  // on interleaved bfloat16 or float32 rows (patches gathered from storage, gathers_from_storage). The
  // others (and tt_metal) decode the whole input first.
  bool streamed = false;
  bool bf16_operands = false;
  bool bfp8_operands = false;
  bool bfp8_wide = false;  // Conv2dProgram::bfp8_wide
  bool dwconv_pairs = false;  // Conv2dProgram::dwconv_pairs
  bool conv_rows = false;  // Conv2dProgram::conv_rows
  uint32_t block_rows = 0;
  std::vector<ConvWorkItem> items;
  // Items in the order threads take them, in runs: a streamed depthwise conv hands each thread a run of
  // neighbouring items (same channels, consecutive rows) so that rows decoded for one serve the next.
  std::vector<size_t> item_run_ends;  // run r is items [end of run r - 1, item_run_ends[r])
};

// Plans the call `args` describes (args.input_tensor's spec; its contents are not read). Prepares the
// weights unless they already are (or the op cache has them).
Conv2dPlan plan_conv2d(const Conv2dArgs& args);

// Runs `plan` on an input of plan.input_spec (after any resharding) into `output` (plan.output_spec bytes).
void run_conv2d_plan(const Conv2dPlan& plan, const std::byte* input, std::byte* output);

// What the model's planned pass fuses into one run of a conv plan; each part optional.
struct Conv2dFusion {
  // A residual add in the epilogue (Conv2dResidual): `output` is then the add's, of residual_output_layout,
  // whose whole tiles the conv's items fall on (shards and bands are tile-aligned).
  const Conv2dResidual* residual = nullptr;
  const BufferLayout* residual_output_layout = nullptr;
  // A conv (pointwise, or the stem) making this depthwise conv's input as it is read (Conv2dProducer;
  // can_fuse_producer holds): `input` is not read, the producer reads producer_input, and its output is
  // never stored.
  const Conv2dPlan* producer = nullptr;
  const std::byte* producer_input = nullptr;
  // The input held, or the output written, as int8 GEMM rows instead of tiles (can_pass_int8_rows holds);
  // and the producer's input so held.
  const Int8Rows* input_rows = nullptr;
  const Int8Rows* output_rows = nullptr;
  const Int8Rows* producer_input_rows = nullptr;
  // The same as float rows (can_pass_float_rows holds).
  const FloatRows* input_floats = nullptr;
  const FloatRows* output_floats = nullptr;
  const FloatRows* producer_input_floats = nullptr;
  // The same as bfloat16 words (can_pass_word_rows holds).
  const Bf16Rows* input_words = nullptr;
  const Bf16Rows* output_words = nullptr;
  const Bf16Rows* producer_input_words = nullptr;
  // A pointwise conv reading this depthwise conv's output as it is made (Conv2dConsumer; can_fuse_consumer
  // holds): `output` is not written; the consumer writes consumer_output, with what consumer_fusion says of
  // its output (residual, residual_output_layout, output_rows, output_floats, output_words; nothing else).
  const Conv2dPlan* consumer = nullptr;
  std::byte* consumer_output = nullptr;
  const Conv2dFusion* consumer_fusion = nullptr;
};
void run_conv2d_plan(const Conv2dPlan& plan, const std::byte* input, std::byte* output, const Conv2dFusion& fusion);

// Whether run_conv2d_plan has the threads make a fused producer's output once between them before a
// streamed depthwise conv split into `stretches` of output pixels reads it, rather than each stretch's ring
// of input rows making the rows its windows read (neighbouring stretches both make the rows they share).
bool shares_producer_output(const Conv2dGeometry& depthwise, std::span<const ConvWorkItem> stretches);

// Whether `producer` (a pointwise conv, or one gathering from stored image rows: the stem) can run inside
// `plan` (a depthwise conv reading its output): both accurate, the producer reading its input rows as
// stored, and `plan`'s items on whole tiles of channels.
bool can_fuse_producer(const Conv2dPlan& plan, const Conv2dPlan& producer);

// Whether `consumer` (a pointwise conv reading `plan`'s output) can run inside `plan` (a depthwise conv):
// `plan` streamed, and its output one that could be passed to `consumer` as rows (can_pass_int8_rows or
// can_pass_float_rows).
bool can_fuse_consumer(const Conv2dPlan& plan, const Conv2dPlan& consumer);

// Whether `writer`'s output can be passed to `reader` as int8 GEMM rows (Int8Rows): both accurate, the
// reader a pointwise conv on the int8 GEMM, the writer's output bfloat8_b and its items on whole blocks of
// channels (a last block of fewer channels, 24 say, held whole: zero codes past them, as in its tile).
bool can_pass_int8_rows(const Conv2dPlan& writer, const Conv2dPlan& reader);
// The form of the rows `writer` passes: nonnegative where its activation clamps at 0, else biased.
kernels::Int8Activations int8_rows_form(const Conv2dPlan& writer);

// Whether `writer`'s float32 or bfloat16 output can be passed to `reader` as float rows (FloatRows: a
// bfloat16 output's values rounded as stored, then cut to the reader's fidelity by the writer, or by the
// reader as it reads them where a residual add needs them uncut): both
// accurate, the reader a pointwise conv whose GEMM reads its input rows in place (float32 or bfloat16
// operands, not int8).
bool can_pass_float_rows(const Conv2dPlan& writer, const Conv2dPlan& reader);
// Whether `writer`'s output can be passed to `reader` as bfloat16 words (Bf16Rows) instead: as float rows,
// the reader's GEMM on vdpbf16ps reading words, an even number of channels (the GEMM reads pairs), and the
// words what every reader reads: a bfloat16 output (its values as stored, for the GEMM and any residual add),
// or a float32 one that the GEMM reads rounded to bfloat16 (LoFi) and no residual add reads.
bool can_pass_word_rows(const Conv2dPlan& writer, const Conv2dPlan& reader, bool read_by_residual_adds);
// Whether `writer` can write its output as float rows for a reader that is not a conv (global pooling): the
// values as stored (bfloat16 and bfloat8_b ones rounded so, no cut), accurate numerics, items on whole
// blocks of channels (a bfloat8_b block's values are rounded together).
bool can_write_float_rows(const Conv2dPlan& writer);

}  // namespace ttnn
