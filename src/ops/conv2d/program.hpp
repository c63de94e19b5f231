// The conv2d program: one work item per output shard (a core's share), each computing its rows and
// columns of the output in cache-sized blocks and writing only inside its shard.
#pragma once

#include <cstdint>
#include <vector>

#include "core/buffer_layout.hpp"
#include "kernels/bfp8_gemm.hpp"
#include "ops/common/activation.hpp"
#include "ops/common/bfp8_blocks.hpp"
#include "ops/common/decode_activations.hpp"
#include "ops/conv2d/prepare_weights.hpp"

namespace ttnn {

struct ConvWorkItem {
  CoreCoord core;                 // the core whose shard this is (interleaved outputs: a row range)
  uint64_t row_begin = 0, row_end = 0;  // output pixels
  uint32_t col_begin = 0, col_end = 0;  // output channels
};

// Work items for an output of `layout` holding `pixels` x `channels` logical values.
std::vector<ConvWorkItem> conv2d_work_items(const BufferLayout& layout, uint64_t pixels, uint32_t channels,
                                            uint32_t interleaved_items);

// Output rows a work item computes per block: the override, or what keeps the block in the cache.
uint32_t conv2d_block_rows(uint32_t act_block_h_override, uint32_t k, uint32_t n);

// bfloat8_b activations held as the int8 GEMM reads them instead of in tiles (the model's planned pass
// keeps a value so when one pointwise conv's int8 GEMM reads it, and at most residual adds besides, which
// decode the rows): [rows][cols] two's-complement codes, biased by +128 unless every value is >= 0, then
// [rows][cols / 16] exponent bytes, in the bytes the tiles would take.
struct Int8Rows {
  int8_t* codes;
  uint8_t* exponents;
  size_t cols;  // the row stride of codes (exponents: cols / 16)
  kernels::Int8Activations form;  // nonnegative or biased
  uint64_t first_row = 0;  // the row `codes` starts at (a fused depthwise block's rows: Conv2dConsumer)

  int8_t* codes_at(uint64_t row, uint32_t col) const { return codes + (row - first_row) * cols + col; }
  uint8_t* exponents_at(uint64_t row, uint32_t col) const {
    return exponents + (row - first_row) * exponents_stride() + col / 16;
  }
  size_t exponents_stride() const { return cols / 16; }
  // What each code is XOR-ed with (kernels' code_bias).
  uint8_t code_bias() const { return form == kernels::Int8Activations::biased ? kSignedBias : 0; }
};

// float32 or bfloat16 activations held as rows of floats (the model's planned pass keeps a value so when one
// pointwise conv's GEMM reads it in place, and at most residual adds besides): [rows][cols] floats,
// bfloat16 ones rounded as stored, then cut to the GEMM's fidelity when no add reads them, in a region sized
// for floats; the GEMM reads them where they are instead of decoding tiles.
struct FloatRows {
  float* values;
  size_t cols;      // the row stride
  // The reading GEMM's cut, applied by the writer: the rows hold what that GEMM reads. None where a residual
  // add reads the rows too (it needs them uncut): the GEMM then cuts a copy of each block it reads.
  OperandCut cut;
  uint64_t first_row = 0;  // the row `values` starts at (a fused depthwise block's rows: Conv2dConsumer)

  float* at(uint64_t row, uint32_t col) const { return values + (row - first_row) * cols + col; }
};

// bfloat16 activations as the words a bfloat16 GEMM on vdpbf16ps reads in place: one fused depthwise block's
// outputs (its consumer's input), or a value the model's planned pass keeps so when one pointwise conv's GEMM
// reads it, and at most residual adds besides (can_pass_word_rows: the words are the values as stored, which
// both read). No float rows converted by each call of the GEMM, and half their bytes.
struct Bf16Rows {
  uint16_t* words;
  size_t cols;       // the row stride, even (the GEMM reads pairs)
  OperandCut cut;    // the reading GEMM's, applied by the writer
  uint64_t first_row = 0;  // the row `words` starts at

  uint16_t* at(uint64_t row, uint32_t col) const { return words + (row - first_row) * cols + col; }
};

// A residual add fused into the conv (the model's planned pass): each block's results are rounded as the
// conv's output would be stored, the residual's rows added (and clamped), and the sums written to the
// add's output instead: the same bits as the conv, then the add, without the conv's output tensor.
struct Conv2dResidual {
  ActivationSource source;  // the add's other operand; its bytes set per run
  const FloatRows* floats = nullptr;   // or that operand held as float rows (set per run)
  const Int8Rows* int8_rows = nullptr;  // or as int8 GEMM rows (set per run)
  const Bf16Rows* words = nullptr;      // or as bfloat16 words (set per run)
  ClampRange clamp;         // the add's activation
  DataType stored_dtype = DataType::FLOAT32;  // the conv's output dtype
};

struct Conv2dProgram;

// A conv fused into the depthwise conv that alone reads its output (the model's planned pass: each expand
// conv, and the stem): each input row the depthwise blocks read is computed by the fused conv's GEMM for
// the block's channels and rounded as that output would be stored: the same bits as the two convs one after
// the other, without the fused conv's output tensor (MobileNetV2's largest) being encoded, stored and decoded.
struct Conv2dProducer {
  const Conv2dProgram* program;  // the fused conv's (its input and weights)
  DataType stored_dtype;         // its output's dtype
};

// A pointwise conv fused into the depthwise conv whose output it alone reads (the model's planned pass: each
// project conv): every block of depthwise outputs, held as the pointwise conv reads its input (int8 rows, or
// float rows rounded as stored and cut to its fidelity), is at once that conv's input for the block's
// pixels: the same bits as the two convs one after the other, without the depthwise output leaving the
// core's cache. The depthwise items take every channel (run_conv2d_plan makes them).
struct Conv2dConsumer {
  const Conv2dProgram* program;  // the fused conv's (its weights, output and residual; its input set per block)
  kernels::Int8Activations form;  // its int8 rows' form, where it reads int8 rows (bfp8_operands)
};

struct Conv2dProgram {
  const Conv2dGeometry* geometry;
  const Conv2dMath* math;
  const PreparedConv* prepared;
  const DecodedActivations* input;  // [input pixels][in_channels], cut for the fidelity; null when streamed
  const ActivationSource* source;   // the same rows on demand (what streamed convs read)
  const DecodedActivations* input_low;  // tt_metal HiFi3: the bits its second phase reads, else null
  const BufferLayout* output_layout;
  std::byte* output_bytes;
  uint32_t block_rows;
  // Both operands are bfloat16 values (prepared weights packed as bfloat16, activations stored or cut to
  // 8 significant bits or fewer): the GEMM runs on bfloat16 pairs (vdpbf16ps where the CPU has it), and a
  // depthwise conv sums its taps in pairs where the tier runs that faster (dwconv_pairs).
  bool bf16_operands = false;
  // bfloat8_b input and int8-packed weights (PreparedConvWeights::packed_bfp8): the GEMM reads the input
  // tiles' codes and exponents and runs on int8 dot products.
  bool bfp8_operands = false;
  // Of those, a conv whose shape takes the table's GEMM for wide convs (kernels::uses_bfp8_gemm_wide: AMX
  // tiles on expanded codes), decided once per plan so that every call of it runs the same kernel.
  bool bfp8_wide = false;
  // A depthwise conv summing its taps as vdpbf16ps pairs (kernels::DwconvArgs::bf16_pairs): bfloat16
  // operands, 3x3 windows of rows one image row apart, on a tier that runs them faster; decided per plan.
  bool dwconv_pairs = false;
  // A streamed conv gathering patches of whole input pixels (the stem; uses_conv_rows): the GEMM's values
  // come from the conv-rows kernels reading the input rows in place (kernels::ConvRowsArgs), not patches.
  bool conv_rows = false;
  const Conv2dResidual* residual = nullptr;
  // A depthwise conv's input made as it is read (Conv2dProducer): null when it is read from storage.
  const struct Conv2dProducer* producer = nullptr;
  // A depthwise conv's output read as it is made (Conv2dConsumer): null when it is stored.
  const struct Conv2dConsumer* consumer = nullptr;
  const Int8Rows* input_rows = nullptr;   // the input as int8 GEMM rows (bfp8_operands), not tiles
  const Int8Rows* output_rows = nullptr;  // the output written as int8 GEMM rows, not tiles
  const FloatRows* input_floats = nullptr;   // the input as float rows (read in place), not tiles
  const FloatRows* output_floats = nullptr;  // the output written as float rows, not tiles
  const Bf16Rows* input_words = nullptr;     // the input as bfloat16 words (read in place), not tiles
  // The output written as bfloat16 words, not tiles: by a depthwise kernel's epilogue, or from each block
  // rounded as stored (a GEMM's, with any residual add).
  const Bf16Rows* output_words = nullptr;
  // Names this run of the program: per-thread scratch that holds its decoded input rows (streamed
  // depthwise convs) is reused only within the same run.
  uint64_t run_id = 0;
};

// A fresh run_id.
uint64_t next_conv2d_run_id();

void run_conv2d_work_item(const Conv2dProgram& program, const ConvWorkItem& item);

// Input pixels [p0, p1) of a depthwise conv with a fused producer (program.producer), every channel, into
// `out` ([p1 - p0][in_channels]): made by the producer and rounded as the depthwise conv's ring holds them.
void produce_input_rows(const Conv2dProgram& program, uint64_t p0, uint64_t p1, float* out);

// Rows of the reduction matrix (layout of conv2d_geometry.hpp) for output pixels [p0, p1) of group `group`.
void gather_patches(const Conv2dGeometry& g, const ConvReductionLayout& reduction, const DecodedActivations& input,
                    uint32_t group, uint64_t p0, uint64_t p1, float* patches);

// Whether a conv gathering patches can stream `input` (interleaved ROW_MAJOR bfloat16 or float32, the
// image): each block decodes only the input rows its patches read, instead of the whole tensor decoded first.
bool gathers_from_storage(const TensorSpec& input);

// Whether a streamed conv's patches are runs of whole input pixels the conv-rows kernels read in place: one
// group, not pointwise, no dilation, taps dense along the reduction, k within kernels::kConvRowsMaxK.
bool uses_conv_rows(const Conv2dGeometry& g, const ConvReductionLayout& reduction);

// The tt_metal numerics' block (tt_metal_program.cpp): output pixels [p0, p1) and the item's channels into
// `out` ([p1 - p0][item width]), bias and activation applied.
void run_tt_metal_block(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out);

}  // namespace ttnn
