#include "ops/conv2d/program.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "core/aligned_vector.hpp"
#include "core/check.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/bfloat16_operands.hpp"
#include "ops/common/bfp8_blocks.hpp"
#include "ops/common/stored_rounding.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ops/eltwise/eltwise_kernels.hpp"

namespace ttnn {
namespace {

// Per-thread scratch, grown on demand and reused across calls.
AlignedVector<float>& scratch(int which) {
  thread_local AlignedVector<float> buffers[4];
  return buffers[which];
}

float* sized(AlignedVector<float>& buffer, size_t count) {
  if (buffer.size() < count) buffer.resize(count);
  return buffer.data();
}

}  // namespace

namespace {

// Pixels of the conv's input as gather_patches reads them: `count` values of pixel `pixel` from channel
// `channel` on, as floats.
struct DecodedPixels {  // decoded pixels [first_pixel, ...) of the tensor (all of it, or a block's rows)
  const float* values;
  size_t cols;
  uint64_t first_pixel = 0;
  void copy(uint64_t pixel, size_t channel, size_t count, float* to) const {
    const float* from = values + (pixel - first_pixel) * cols + channel;
    // A 3x3 kernel row of a 3-channel image: a fixed-size copy the compiler inlines. Other short copies are
    // plain loops: a libc call for a few values costs more than the copy.
    if (count == 9) return (void)std::memcpy(to, from, 9 * sizeof(float));
    for (size_t i = 0; i < count; ++i) to[i] = from[i];
  }
};

void gather(const Conv2dGeometry& g, const ConvReductionLayout& reduction, const DecodedPixels& input, uint32_t group,
            uint64_t p0, uint64_t p1, float* patches) {
  const uint32_t channels = g.in_per_group(), k = reduction.k_per_group;
  const size_t channel_offset = size_t(group) * channels;
  const size_t row_floats = size_t(g.kernel_w) * channels;  // a whole kernel row's values
  const size_t taps_floats = size_t(g.kernel_h) * row_floats;
  // The pixel's coordinates step along with it: three 64-bit divisions a pixel cost more than its copies.
  uint64_t image = p0 / (uint64_t(g.output_height) * g.output_width);
  uint32_t oh = uint32_t(p0 / g.output_width % g.output_height), ow = uint32_t(p0 % g.output_width);
  for (uint64_t p = p0; p < p1; ++p, ++ow) {
    if (ow == g.output_width) {
      ow = 0;
      if (++oh == g.output_height) oh = 0, ++image;
    }
    float* row = patches + (p - p0) * k;
    const long iw0 = long(ow) * g.stride_w - long(g.padding.left);
    const long ih0 = long(oh) * g.stride_h - long(g.padding.top);
    // A kernel row whose taps are adjacent pixels, all inside the image, with the patch's taps as packed as
    // the input's pixels (the stem: 3 channels, 9 taps): one copy of kernel_w pixels.
    const bool whole_rows = g.dilation_w == 1 && reduction.tap_stride == channels && input.cols == channels &&
                            iw0 >= 0 && iw0 + long(g.kernel_w) <= long(g.input_width);
    const bool inside = ih0 >= 0 && ih0 + long(g.kernel_h - 1) * g.dilation_h < long(g.input_height);
    // Every tap present (whole rows, k >= taps_floats): the copies leave only the tail to zero.
    std::fill(row + (whole_rows && inside ? taps_floats : 0), row + k, 0.0f);
    for (uint32_t ky = 0; ky < g.kernel_h; ++ky) {
      const long ih = ih0 + long(ky) * g.dilation_h;
      if (ih < 0 || ih >= long(g.input_height)) continue;
      if (whole_rows) {
        const uint64_t pixel = (image * g.input_height + uint64_t(ih)) * g.input_width + uint64_t(iw0);
        input.copy(pixel, 0, row_floats, row + ky * row_floats);
        continue;
      }
      for (uint32_t kx = 0; kx < g.kernel_w; ++kx) {
        const long iw = long(ow) * g.stride_w - long(g.padding.left) + long(kx) * g.dilation_w;
        if (iw < 0 || iw >= long(g.input_width)) continue;
        const uint64_t pixel = (image * g.input_height + uint64_t(ih)) * g.input_width + uint64_t(iw);
        input.copy(pixel, channel_offset, channels, row + (ky * g.kernel_w + kx) * reduction.tap_stride);
      }
    }
  }
}

}  // namespace

void gather_patches(const Conv2dGeometry& g, const ConvReductionLayout& reduction, const DecodedActivations& input,
                    uint32_t group, uint64_t p0, uint64_t p1, float* patches) {
  gather(g, reduction, DecodedPixels{input.values.data(), input.cols}, group, p0, p1, patches);
}

bool gathers_from_storage(const TensorSpec& input) {
  return input.layout == Layout::ROW_MAJOR && !input.memory_config.is_sharded() &&
         (input.dtype == DataType::BFLOAT16 || input.dtype == DataType::FLOAT32);
}

bool uses_conv_rows(const Conv2dGeometry& g, const ConvReductionLayout& reduction) {
  return g.groups == 1 && !g.pointwise() && g.dilation_h == 1 && g.dilation_w == 1 &&
         reduction.tap_stride == g.in_channels && reduction.k_per_group <= kernels::kConvRowsMaxK;
}

namespace {

// The input pixels [first, end) that output pixels [p0, p1) read: whole input rows, from the first row the
// first output row's window touches to the last row of the last one's (rows of the images in between too).
std::pair<uint64_t, uint64_t> input_pixels(const Conv2dGeometry& g, uint64_t p0, uint64_t p1) {
  const uint64_t image_pixels = uint64_t(g.output_height) * g.output_width;
  const uint64_t first_image = p0 / image_pixels, last_image = (p1 - 1) / image_pixels;
  const long first_oh = long(p0 / g.output_width % g.output_height);
  const long last_oh = long((p1 - 1) / g.output_width % g.output_height);
  const long first_ih = std::clamp(first_oh * long(g.stride_h) - long(g.padding.top), 0L, long(g.input_height) - 1);
  const long last_ih = std::clamp(last_oh * long(g.stride_h) - long(g.padding.top) + long(g.kernel_h - 1) * g.dilation_h,
                                  0L, long(g.input_height) - 1);
  const uint64_t first = (first_image * g.input_height + uint64_t(first_ih)) * g.input_width;
  const uint64_t end = (last_image * g.input_height + uint64_t(last_ih) + 1) * g.input_width;
  return {first, std::max(first, end)};
}

// The input rows of one block and group as the GEMM reads them: [m][k] floats at a row stride.
struct GemmRows {
  const float* values;
  size_t row_stride;
};

GemmRows gemm_rows(const Conv2dProgram& program, uint32_t group, uint64_t p0, uint64_t p1) {
  const Conv2dGeometry& g = *program.geometry;
  const PreparedConvWeights& weights = *program.prepared->weights;
  const size_t m = p1 - p0;
  // A pointwise conv whose reduction rows are its input rows reads them in place (decoded whole, or
  // streamed block by block); the others gather patches (from the decoded input, or streamed from the
  // stored image rows: gathers_from_storage).
  const bool in_place = g.pointwise() && weights.reduction.tap_stride == g.in_channels;
  if (in_place && program.input) return {program.input->values.data() + p0 * program.input->cols, program.input->cols};
  if (in_place && program.input_floats) {
    const FloatRows& floats = *program.input_floats;
    const OperandCut cut = program.source->cut;
    if (floats.cut == cut) return {floats.at(p0, 0), floats.cols};
    // Rows kept uncut for a residual add: this block's rows cut as this conv reads them.
    const size_t cols = program.source->cols;
    float* rows = sized(scratch(3), m * cols);
    for (size_t row = 0; row < m; ++row) std::memcpy(rows + row * cols, floats.at(p0 + row, 0), cols * sizeof(float));
    apply_cut(cut, rows, m * cols);
    return {rows, cols};
  }
  if (in_place) {  // streamed: this block's input rows, decoded while they fit the cache
    float* rows = sized(scratch(3), m * program.source->cols);
    program.source->read(p0, p1, rows, program.source->cols);
    return {rows, program.source->cols};
  }
  const uint32_t k = weights.reduction.k_per_group;
  float* patches = sized(scratch(1), m * k);
  if (program.input) {
    gather_patches(g, weights.reduction, *program.input, group, p0, p1, patches);
    return {patches, k};
  }
  // Streamed: the input rows this block's patches read, decoded (and cut) once into scratch, then gathered
  // by plain copies. (Converting each patch value as it was gathered cost as much as the GEMM: a stride-2
  // 3x3 stem reads each input value about twice.)
  const ActivationSource& source = *program.source;
  // Input pixel i must be row i of the source's view: true of ROW_MAJOR [1, 1, N*H*W, C] rows (what
  // gathers_from_storage admits), not of TILE views that pad each slice.
  check(!source.layout->tiled, "conv2d: patches are gathered from streamed rows only for ROW_MAJOR inputs");
  const auto [first, end] = input_pixels(g, p0, p1);
  float* rows = sized(scratch(3), size_t(end - first) * source.cols);
  source.read(first, end, rows, source.cols);
  gather(g, weights.reduction, DecodedPixels{rows, source.cols, first}, group, p0, p1, patches);
  return {patches, k};
}

// The conv-rows kernels' input: per image, the input rows a run of output rows reads, each padded with zero
// pixels to where the taps reach (pad_left before, up to the last tap after), and one row of zeros for the
// rows above and below the image.
struct PaddedRows {
  size_t pixels = 0;  // a padded row's pixels
  size_t floats = 0;  // a padded row's floats
  explicit PaddedRows(const Conv2dGeometry& g)
      : pixels(std::max<size_t>(size_t(g.padding.left) + g.input_width,
                                size_t(g.output_width - 1) * g.stride_w + g.kernel_w)),
        floats(pixels * g.in_channels) {}
  // Scratch floats for any m output pixels (the same for every block of m, so a pass that ran every block
  // once never grows it).
  size_t scratch_floats(const Conv2dGeometry& g, uint64_t m) const {
    const uint64_t output_rows = (m + g.output_width - 1) / g.output_width + 1;
    return size_t((output_rows - 1) * g.stride_h + g.kernel_h + 1) * floats;
  }
};

// Output pixels [p0, p1) of a conv_rows program, output channels from panel0 (n of them) into c, rounded
// as bfloat8_b stores them when round_to_bfp8.
void run_conv_rows(const Conv2dProgram& program, uint64_t p0, uint64_t p1, uint32_t panel0, size_t n,
                   const float* bias, bool round_to_bfp8, bool round_to_bf16, float* c, size_t c_row_stride) {
  const Conv2dGeometry& g = *program.geometry;
  const PreparedConvWeights& weights = *program.prepared->weights;
  const ActivationSource& source = *program.source;
  const uint32_t k = weights.reduction.k_per_group;
  const PaddedRows padded(g);
  float* scratch_rows = sized(scratch(3), padded.scratch_floats(g, p1 - p0));
  const float* rows[kernels::kConvRowsMaxK];
  kernels::ConvRowsArgs conv;
  conv.input_rows = rows;
  conv.channels = g.in_channels, conv.kernel_h = g.kernel_h, conv.kernel_w = g.kernel_w, conv.stride = g.stride_w;
  conv.n = n, conv.k = k;
  if (program.bf16_operands)
    conv.packed_w_bf16 = weights.packed_bf16().data() + kernels::packed_gemm_weights_bf16_panel(panel0, k);
  else
    conv.packed_w = weights.packed_f32().data() + size_t(panel0) * k;
  conv.bias = bias;
  conv.clamp_min = program.math->clamp.min, conv.clamp_max = program.math->clamp.max;
  conv.round_to_bfp8 = round_to_bfp8;
  conv.round_to_bf16 = round_to_bf16;  // asked of bf16_conv_rows only (run_gemm_block's bf16_epilogue)
  conv.c_row_stride = c_row_stride;
  const kernels::ConvRowsFn kernel =
      program.bf16_operands ? kernels::kernel_table().bf16_conv_rows : kernels::kernel_table().f32_conv_rows;
  const uint64_t image_pixels = uint64_t(g.output_height) * g.output_width;
  for (uint64_t p = p0; p < p1;) {  // a run of output rows within one image
    const uint64_t image = p / image_pixels;
    const uint64_t run_end = std::min<uint64_t>(p1, (image + 1) * image_pixels);
    const long oh0 = long(p / g.output_width % g.output_height);
    const long oh1 = long((run_end - 1) / g.output_width % g.output_height) + 1;
    const long first = oh0 * g.stride_h - long(g.padding.top);
    const long end = (oh1 - 1) * g.stride_h - long(g.padding.top) + long(g.kernel_h);
    float* const zeros = scratch_rows + size_t(end - first) * padded.floats;
    std::fill_n(zeros, padded.floats, 0.0f);
    auto row = [&](long ih) -> const float* {
      return ih < 0 || ih >= long(g.input_height) ? zeros : scratch_rows + size_t(ih - first) * padded.floats;
    };
    for (long ih = std::max(first, 0L); ih < std::min(end, long(g.input_height)); ++ih) {
      float* slot = scratch_rows + size_t(ih - first) * padded.floats;
      const size_t left = size_t(g.padding.left) * g.in_channels, width = size_t(g.input_width) * g.in_channels;
      std::fill_n(slot, left, 0.0f);
      const uint64_t pixel = (image * g.input_height + uint64_t(ih)) * g.input_width;
      source.read(pixel, pixel + g.input_width, slot + left, g.in_channels);
      std::fill(slot + left + width, slot + padded.floats, 0.0f);
    }
    while (p < run_end) {  // one output row's pixels at a time
      const long oh = long(p / g.output_width % g.output_height);
      const uint64_t ow = p % g.output_width;
      const uint64_t segment_end = std::min<uint64_t>(run_end, p + (g.output_width - ow));
      for (uint32_t ky = 0; ky < g.kernel_h; ++ky)
        rows[ky] = row(oh * g.stride_h - long(g.padding.top) + long(ky)) + ow * g.stride_w * g.in_channels;
      conv.pixels = segment_end - p;
      conv.c = c + (p - p0) * c_row_stride;
      kernel(conv);
      p = segment_end;
    }
  }
}

// Per-thread block rows for the int8 GEMM.
struct Bfp8Rows {
  AlignedVector<int8_t> codes;
  AlignedVector<uint8_t> exponents;
};
Bfp8Rows& bfp8_scratch(size_t rows, size_t k) {
  thread_local Bfp8Rows buffer;
  if (buffer.codes.size() < rows * k) buffer.codes.resize(rows * k);
  if (buffer.exponents.size() < rows * (k / 16)) buffer.exponents.resize(rows * (k / 16));
  return buffer;
}

// What a block's outputs must be before they are kept: rounded as `stored` stores them, then truncated as
// their reader reads its operand (tt_metal). A reader's rounding to bfloat16 is folded into `stored`: for a
// float32 output it is bfloat16's storage rounding, and bfloat16 and bfloat8_b values are bfloat16 values.
struct OutputFinish {
  DataType stored = DataType::FLOAT32;
  OperandCut cut;  // truncation only
  OutputFinish() = default;
  OutputFinish(DataType stored_dtype, OperandCut reader_cut) : stored(stored_dtype), cut(reader_cut) {
    if (cut.to_bfloat16 && stored == DataType::FLOAT32) stored = DataType::BFLOAT16;
    cut.to_bfloat16 = false;
  }
  bool nothing() const { return stored == DataType::FLOAT32 && cut.none(); }
  // What a float kernel's epilogue does: round to bfloat16, or nothing (never a truncation, tt_metal's).
  bool in_float_epilogue() const {
    return (stored == DataType::FLOAT32 || stored == DataType::BFLOAT16) && cut.none();
  }
};

// The int8 GEMM of a pointwise conv on bfloat8_b operands: output channels [n0, n0 + n) (n0 a panel start)
// of rows [p0, p1) into c.
void run_bfp8_gemm(const Conv2dProgram& program, uint64_t p0, uint64_t p1, uint32_t n0, size_t n, float* c,
                   size_t c_row_stride, bool round_to_bfp8) {
  const PreparedConvWeights& weights = *program.prepared->weights;
  const uint32_t k = weights.reduction.k_per_group;
  const size_t m = p1 - p0;
  kernels::GemmBfp8Args gemm;
  if (const Int8Rows* input = program.input_rows) {  // already as the GEMM reads them
    gemm.activations = input->form;
    gemm.a = input->codes_at(p0, 0), gemm.a_row_stride = input->cols;
    gemm.a_exponents = input->exponents_at(p0, 0), gemm.a_exponents_row_stride = input->exponents_stride();
  } else {
    Bfp8Rows& rows = bfp8_scratch(m, k);
    gemm.activations = read_bfp8_blocks(*program.source->layout, program.source->bytes, p0, p1, k / 16,
                                        rows.codes.data(), k, rows.exponents.data(), k / 16);
    gemm.a = rows.codes.data(), gemm.a_row_stride = k;
    gemm.a_exponents = rows.exponents.data(), gemm.a_exponents_row_stride = k / 16;
  }
  gemm.m = m, gemm.n = n, gemm.k = k;
  // A 1x1 conv of 16b + 8 channels (24, say): the last block's second half is padding, zero weights.
  gemm.last_block_half = program.geometry->pointwise() && k >= program.geometry->in_per_group() + 8;
  gemm.packed_w = weights.packed_bfp8.data() + size_t(n0) / kernels::kBfp8PanelWidth * (k / 16) *
                                                   kernels::kBfp8BlockRecordBytes;
  if (program.bfp8_wide)
    gemm.packed_w_bf16 = weights.packed_bf16().data() + kernels::packed_gemm_weights_bf16_panel(n0, k);
  gemm.bias = program.prepared->bias ? program.prepared->bias->values.data() + n0 : nullptr;
  gemm.clamp_min = program.math->clamp.min, gemm.clamp_max = program.math->clamp.max;
  gemm.round_to_bfp8 = round_to_bfp8;
  gemm.c = c, gemm.c_row_stride = c_row_stride;
  const kernels::KernelTable& table = kernels::kernel_table();
  (program.bfp8_wide ? table.bfp8_gemm_wide : table.bfp8_gemm_packed)(gemm);
}

// Whether a conv's GEMM is the bfloat16 one (a conv can have both bfloat8_b and bfloat16 operands: the int8
// GEMM runs; the stem's conv-rows kernels read their rows themselves).
bool runs_bf16_gemm(const Conv2dProgram& program) {
  return program.bf16_operands && !program.bfp8_operands && !program.conv_rows;
}

// Whether a conv's GEMM writes an item's bfloat16 words itself (GemmBf16Args::c_words): the bfloat16 GEMM
// of one group, on a tier whose GEMM writes words, from a panel start, with no residual add to make first.
bool gemm_writes_words(const Conv2dProgram& program, const ConvWorkItem& item) {
  return runs_bf16_gemm(program) && kernels::kernel_table().bf16_gemm_writes_words && !program.residual &&
         program.geometry->groups == 1 && item.col_begin % kernels::kGemmPanelWidth == 0;
}

// The packed micro-kernel over output channels [n0, n1) of one group. Packed panels start at multiples of
// 16 within a group, so a range that starts mid-panel runs from the panel start into scratch and copies:
// every output element is computed the same way whatever the sharding. Returns whether the outputs are
// finished as `finish` asks: the bfloat16 GEMM rounds and cuts in its epilogue, the int8 GEMM and the
// conv-rows kernels round to bfloat8_b (blocks from the item's first column, a panel's). With out_words
// (gemm_writes_words) the outputs go there as bfloat16 words instead, at out_stride.
bool run_gemm_block(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out,
                    size_t out_stride, const OutputFinish& finish, uint16_t* out_words = nullptr) {
  const Conv2dGeometry& g = *program.geometry;
  const PreparedConvWeights& weights = *program.prepared->weights;
  const uint32_t k = weights.reduction.k_per_group;
  const uint32_t out_per_group = g.out_per_group();
  const float* bias = program.prepared->bias ? program.prepared->bias->values.data() : nullptr;
  const kernels::KernelTable& table = kernels::kernel_table();
  const size_t m = p1 - p0;
  // The branch below that runs decides what its kernel finishes.
  const bool bf16_epilogue = (runs_bf16_gemm(program) || (program.conv_rows && program.bf16_operands)) &&
                             finish.in_float_epilogue();
  const bool round_to_bfp8 = (program.bfp8_operands || program.conv_rows) && finish.stored == DataType::BFLOAT8_B &&
                             finish.cut.bits <= 0 && item.col_begin % kernels::kGemmPanelWidth == 0;
  check(!out_words || (gemm_writes_words(program, item) && bf16_epilogue && finish.stored == DataType::BFLOAT16),
        "conv2d: only a bfloat16 GEMM rounding its outputs to bfloat16 writes them as words (gemm_writes_words)");
  for (uint32_t group = item.col_begin / out_per_group; group * out_per_group < item.col_end; ++group) {
    const uint32_t n0 = std::max(item.col_begin, group * out_per_group);
    const uint32_t n1 = std::min(item.col_end, (group + 1) * out_per_group);
    const uint32_t local0 = n0 - group * out_per_group;
    const uint32_t panel0 = local0 / kernels::kGemmPanelWidth * kernels::kGemmPanelWidth;
    const uint32_t skip = local0 - panel0;
    const size_t n = n1 - n0 + skip;
    float* c = out + (n0 - item.col_begin);
    size_t c_row_stride = out_stride;
    if (skip != 0) {  // staged, then the wanted columns copied out
      c = sized(scratch(2), m * n);
      c_row_stride = n;
    }
    const float* gemm_bias = bias ? bias + (n0 - skip) : nullptr;
    if (program.bfp8_operands) {  // one group (dense pointwise)
      run_bfp8_gemm(program, p0, p1, panel0, n, c, c_row_stride, round_to_bfp8);
    } else if (program.conv_rows) {  // one group
      run_conv_rows(program, p0, p1, panel0, n, gemm_bias, round_to_bfp8,
                    bf16_epilogue && finish.stored == DataType::BFLOAT16, c, c_row_stride);
    } else if (program.bf16_operands) {
      kernels::GemmBf16Args gemm;
      gemm.m = m, gemm.n = n, gemm.k = k;
      if (const Bf16Rows* words = program.input_words) {  // one group: a fused consumer
        gemm.a = words->at(p0, 0), gemm.a_row_stride = words->cols;
      } else {
        const GemmRows rows = gemm_rows(program, group, p0, p1);
        set_bf16_gemm_rows(gemm, rows.values, rows.row_stride);
      }
      gemm.packed_w = weights.packed_bf16().data() + group * weights.packed_bf16_group_elems +
                      kernels::packed_gemm_weights_bf16_panel(panel0, k);
      gemm.bias = gemm_bias;
      gemm.clamp_min = program.math->clamp.min, gemm.clamp_max = program.math->clamp.max;
      gemm.round_to_bf16 = bf16_epilogue && finish.stored == DataType::BFLOAT16;
      gemm.c = c, gemm.c_row_stride = c_row_stride;
      if (out_words) gemm.c = nullptr, gemm.c_words = out_words + (n0 - item.col_begin);  // skip is 0: a panel start
      table.bf16_gemm_packed(gemm);
    } else {
      const GemmRows rows = gemm_rows(program, group, p0, p1);
      kernels::GemmPackedArgs gemm;
      gemm.m = m, gemm.n = n, gemm.k = k;
      gemm.a = rows.values, gemm.a_row_stride = rows.row_stride;
      gemm.packed_w = weights.packed_f32().data() + group * weights.packed_group_elems + size_t(panel0) * k;
      gemm.bias = gemm_bias;
      gemm.clamp_min = program.math->clamp.min, gemm.clamp_max = program.math->clamp.max;
      gemm.c = c, gemm.c_row_stride = c_row_stride;
      table.f32_gemm_packed(gemm);
    }
    if (skip != 0)
      for (size_t row = 0; row < m; ++row)
        std::memcpy(out + row * out_stride + (n0 - item.col_begin), c + row * n + skip, (n1 - n0) * sizeof(float));
  }
  return finish.nothing() || bf16_epilogue || round_to_bfp8;
}

// Rows [p0, p1) of a fused producer's output, the item's channels, into `out` ([p1 - p0][item width]) as
// `program` would read them stored: the producer's GEMM values rounded as its output tensor stores them
// (blocks start at the item's first column), then cut to the fidelity's operand width as `program` reads.
void produce_rows(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out) {
  const Conv2dProducer& producer = *program.producer;
  const size_t width = item.col_end - item.col_begin;
  const OutputFinish finish{producer.stored_dtype, program.source->cut};
  if (!run_gemm_block(*producer.program, item, p0, p1, out, width, finish)) {
    round_as_stored(out, p1 - p0, width, width, finish.stored);
    apply_cut(finish.cut, out, (p1 - p0) * width);
  }
}

// Grows the scratch a fused producer's GEMM uses to what `rows` pixel rows of the item's channels need: how
// many rows one call makes depends on where a thread's ring starts, which differs between the pass each
// thread runs alone (prepare_threads) and a shared one, and a planned pass must not allocate after the former.
void reserve_producer_scratch(const Conv2dProgram& program, const ConvWorkItem& item, size_t rows) {
  const Conv2dProgram& producer = *program.producer->program;
  const uint32_t k = producer.prepared->weights->reduction.k_per_group;
  if (producer.bfp8_operands && !producer.input_rows) bfp8_scratch(rows, k);
  const Conv2dGeometry& g = *producer.geometry;
  if (producer.bf16_operands && !producer.conv_rows) reserve_bf16_gemm_rows(rows, k);
  if (producer.conv_rows) {
    sized(scratch(3), PaddedRows(g).scratch_floats(g, rows));
  } else if (!g.pointwise()) {  // patches gathered from the input rows the output rows read
    const uint64_t out_rows = (rows + g.output_width - 1) / g.output_width + 1;
    const uint64_t in_rows = (out_rows - 1) * g.stride_h + uint64_t(g.kernel_h - 1) * g.dilation_h + 1;
    sized(scratch(3), in_rows * g.input_width * producer.source->cols);
    sized(scratch(1), rows * k);
  } else if (!producer.bfp8_operands) {  // streamed rows, or float rows cut as read
    sized(scratch(3), rows * producer.source->cols);
  }
  sized(scratch(2), rows * (item.col_end - item.col_begin + kernels::kGemmPanelWidth));  // a range from mid-panel
}

// The input rows a depthwise block reads: the whole decoded tensor, or (streamed) the rows of one image that
// a run of output rows needs, decoded for the item's channels into a per-thread ring of rows. Consecutive
// blocks and work items of a thread (run_conv2d_plan hands each thread runs of neighbouring items) share
// rows: each input row is decoded about once, not once per block that reads it.
struct DepthwiseInput {
  const float* base = nullptr;  // whole decoded tensor: pixel 0 of the image at the item's first channel
  const float* ring = nullptr;  // streamed: row ih at ring + (ih % ring_rows) * row_floats
  size_t ring_rows = 0, row_floats = 0;
  size_t first_slot = 0;  // first_row % ring_rows: the rows available fit the ring (no division per row: 1%)
  size_t pixel_stride = 0;
  long first_row = 0, end_row = 0;  // input rows available: [first_row, end_row)
  const float* row(long ih, uint32_t input_width) const {
    if (ih < first_row || ih >= end_row) return nullptr;
    if (base) return base + size_t(ih) * input_width * pixel_stride;
    size_t slot = first_slot + size_t(ih - first_row);
    if (slot >= ring_rows) slot -= ring_rows;
    return ring + slot * row_floats;
  }
};

// What a thread's ring holds; rows of another run (conv call, image or channels) are never reused.
struct DepthwiseRing {
  AlignedVector<float> rows;
  uint64_t run = 0;
  uint64_t image = 0;
  uint32_t col_begin = 0, col_end = 0;
  long first_row = 0, end_row = 0;
};

DepthwiseInput depthwise_input(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t image, uint32_t oh0,
                               uint32_t oh1) {
  const Conv2dGeometry& g = *program.geometry;
  const uint64_t row_pixels = g.input_width;
  if (program.input) {
    const DecodedActivations& input = *program.input;
    DepthwiseInput whole;
    whole.base = input.values.data() + image * g.input_height * row_pixels * input.cols + item.col_begin;
    whole.pixel_stride = input.cols;
    whole.end_row = long(g.input_height);
    return whole;
  }
  const auto [first, end] = g.input_rows_read(oh0, oh1);
  const size_t width = item.col_end - item.col_begin;
  DepthwiseInput input;
  input.pixel_stride = width;
  input.row_floats = row_pixels * width;
  input.first_row = first;
  input.end_row = end;
  if (end == first) return input;
  thread_local DepthwiseRing ring;
  const size_t needed = size_t(end - first);
  const bool same_run = ring.run == program.run_id && ring.image == image && ring.col_begin == item.col_begin &&
                        ring.col_end == item.col_end;
  if (!same_run || ring.rows.size() < needed * input.row_floats || first < ring.first_row) {
    // Room for the most rows any block of this conv reads (so the size does not depend on which block a
    // thread starts at: a thread that ran every block once never grows it again).
    const uint64_t most_output_rows =
        std::min<uint64_t>(g.output_height, (program.block_rows + g.output_width - 1) / g.output_width + 1);
    const size_t rows = std::max<size_t>(
        needed, size_t(most_output_rows - 1) * g.stride_h + size_t(g.kernel_h - 1) * g.dilation_h + 1);
    if (ring.rows.size() < rows * input.row_floats) ring.rows.resize(rows * input.row_floats);
    // A producer call makes at most `rows` rows (a block's), however large the ring is from earlier convs.
    if (program.producer) reserve_producer_scratch(program, item, rows * row_pixels);
    ring.run = program.run_id, ring.image = image, ring.col_begin = item.col_begin, ring.col_end = item.col_end;
    ring.first_row = ring.end_row = first;
  }
  input.ring = ring.rows.data();
  input.ring_rows = ring.rows.size() / input.row_floats;
  // Rows held from the last block stay where they are; rows before `first` are given up. Rows whose slots
  // follow one another are made in one call: a fused producer's GEMM then runs over all their pixels (one
  // row at a time left a partial tile of rows in every call, a fifth of its time at 14 pixels a row).
  for (long ih = std::max(first, std::min(ring.end_row, end)); ih < end;) {
    const size_t slot_index = size_t(ih) % input.ring_rows;
    const long count = std::min<long>(end - ih, long(input.ring_rows - slot_index));
    const uint64_t pixel = (image * g.input_height + uint64_t(ih)) * row_pixels;
    const uint64_t pixel_end = pixel + uint64_t(count) * row_pixels;
    float* slot = ring.rows.data() + slot_index * input.row_floats;
    if (program.producer) produce_rows(program, item, pixel, pixel_end, slot);
    else program.source->read(pixel, pixel_end, item.col_begin, item.col_end, slot, width);
    ih += count;
  }
  ring.first_row = first;
  ring.end_row = std::max(ring.end_row, end);
  input.first_slot = size_t(first) % input.ring_rows;
  return input;
}

// Returns whether the outputs are finished as `finish` asks (the kernel rounds to bfloat16). With out_words
// the outputs go there as bfloat16 words instead (kernels::DwconvArgs::output_words: the kernel must round
// them to bfloat16).
bool run_depthwise_block(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out,
                         size_t out_stride, const OutputFinish& finish, uint16_t* out_words = nullptr) {
  const Conv2dGeometry& g = *program.geometry;
  std::vector<const float*>& rows = *[] {
    thread_local std::vector<const float*> pointers;
    return &pointers;
  }();
  // Room for the input rows of the most output rows a block holds, whichever block a thread starts at (a
  // planned pass allocates nothing after its first).
  const size_t most_rows = program.block_rows / g.output_width + 2;
  rows.resize(std::max(rows.size(), g.kernel_h + (most_rows - 1) * g.stride_h));
  kernels::DwconvArgs dw;
  dw.input_rows = rows.data();
  dw.input_width = g.input_width;
  dw.channels = item.col_end - item.col_begin;
  dw.kernel_h = g.kernel_h;
  dw.kernel_w = g.kernel_w;
  dw.stride = g.stride_w;
  dw.pad_left = g.padding.left;
  dw.dilation = g.dilation_w;
  dw.weights = program.prepared->weights->depthwise.data() + item.col_begin;
  dw.weights_tap_stride = g.out_channels;
  dw.bias = program.prepared->bias ? program.prepared->bias->values.data() + item.col_begin : nullptr;
  dw.clamp_min = program.math->clamp.min;
  dw.clamp_max = program.math->clamp.max;
  const bool in_kernel = finish.in_float_epilogue();
  dw.round_to_bf16 = in_kernel && finish.stored == DataType::BFLOAT16;
  check(!out_words || dw.round_to_bf16, "conv2d: a depthwise conv writes bfloat16 words only where its kernel "
                                        "rounds its outputs to bfloat16 (passes_words)");
  dw.output_pixel_stride = out_stride;
  dw.bf16_pairs = program.dwconv_pairs;
  const uint64_t image_pixels = uint64_t(g.output_height) * g.output_width;
  for (uint64_t p = p0; p < p1;) {
    // A run of output rows within one image, and the input rows it reads.
    const uint64_t image = p / image_pixels;
    const uint64_t run_end = std::min<uint64_t>(p1, (image + 1) * image_pixels);
    const uint32_t oh0 = uint32_t(p / g.output_width % g.output_height);
    const uint32_t oh1 = uint32_t((run_end - 1) / g.output_width % g.output_height) + 1;
    const DepthwiseInput input = depthwise_input(program, item, image, oh0, oh1);
    dw.input_pixel_stride = input.pixel_stride;
    // The run's rows in order: the first may start mid-row, the last end mid-row; whole rows between them go
    // to the kernel in one call (one row at a time where the kernel's rows are dilated).
    uint32_t oh = uint32_t(p / g.output_width % g.output_height), ow = uint32_t(p % g.output_width);
    while (p < run_end) {
      const uint64_t whole_rows = ow == 0 && g.dilation_h == 1 ? (run_end - p) / g.output_width : 0;
      const uint64_t count = std::max<uint64_t>(1, whole_rows);
      const uint64_t segment_end = count > 1 ? p + count * g.output_width
                                             : std::min<uint64_t>(run_end, p + (g.output_width - ow));
      const long first = long(oh) * g.stride_h - long(g.padding.top);
      for (size_t i = 0; i < g.kernel_h + size_t(count - 1) * g.stride_h; ++i)
        rows[i] = input.row(first + long(i) * g.dilation_h, g.input_width);
      dw.rows = size_t(count), dw.input_row_step = g.stride_h, dw.output_row_stride = g.output_width * out_stride;
      dw.input_row0 = first;
      dw.out_begin = ow;
      dw.out_end = count > 1 ? g.output_width : ow + (segment_end - p);
      if (out_words) dw.output_words = out_words + (p - p0) * out_stride;
      else dw.output = out + (p - p0) * out_stride;
      kernels::kernel_table().f32_dwconv(dw);
      oh += uint32_t(count), ow = 0;
      p = segment_end;
    }
  }
  return in_kernel;
}

// The fused residual add on one block ([p1 - p0][item width] in `out`, row stride out_stride): the conv's
// values as stored (conv_rounded: they are already), plus the residual's, clamped.
void add_residual(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out,
                  size_t out_stride, bool conv_rounded) {
  const Conv2dResidual& residual = *program.residual;
  const size_t width = item.col_end - item.col_begin, count = size_t(p1 - p0) * width;
  if (!conv_rounded) round_as_stored(out, p1 - p0, width, out_stride, residual.stored_dtype);
  const float* rows = nullptr;
  size_t rows_stride = width;
  if (residual.floats) {  // read where they are
    rows = residual.floats->at(p0, item.col_begin);
    rows_stride = residual.floats->cols;
  } else if (const Int8Rows* int8 = residual.int8_rows) {  // whole blocks: the items start and end on them
    rows_stride = bfp8_blocks_width(width);  // a last block of fewer channels decoded whole (its padding: zeros)
    float* decoded = sized(scratch(3), (p1 - p0) * rows_stride);
    kernels::kernel_table().bfp8_decode_int8_rows(int8->codes_at(p0, item.col_begin), int8->cols,
                                                  int8->exponents_at(p0, item.col_begin), int8->exponents_stride(),
                                                  p1 - p0, rows_stride, int8->code_bias(), decoded, rows_stride);
    rows = decoded;
  } else if (const Bf16Rows* words = residual.words) {  // the item's columns: one call where they are whole rows
    float* decoded = sized(scratch(3), count);
    const kernels::KernelTable& table = kernels::kernel_table();
    if (width == words->cols) table.bf16_decode(words->at(p0, 0), count, decoded);
    else
      for (size_t row = 0; row < p1 - p0; ++row)
        table.bf16_decode(words->at(p0 + row, item.col_begin), width, decoded + row * width);
    rows = decoded;
  } else {
    float* decoded = sized(scratch(3), count);
    residual.source.read(p0, p1, item.col_begin, item.col_end, decoded, width);
    rows = decoded;
  }
  if (out_stride == width && rows_stride == width)
    return kernels::f32_add_clamp(out, rows, out, count, residual.clamp.min, residual.clamp.max);
  for (size_t row = 0; row < p1 - p0; ++row)
    kernels::f32_add_clamp(out + row * out_stride, rows + row * rows_stride, out + row * out_stride, width,
                           residual.clamp.min, residual.clamp.max);
}

// The fused residual add where its other operand and its output are bfloat16 words (the planned pass's
// block outputs): the conv's values as stored, plus the operand's, clamped and rounded into the output words
// (the sums as the add's output, stored or read as bfloat16, holds them: run_conv2d_work_item checks).
void add_residual_words(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out,
                        size_t out_stride, bool conv_rounded, const Bf16Rows& words) {
  const Conv2dResidual& residual = *program.residual;
  const size_t width = item.col_end - item.col_begin;
  if (!conv_rounded) round_as_stored(out, p1 - p0, width, out_stride, residual.stored_dtype);
  kernels::kernel_table().bf16_add_rows(out, out_stride, residual.words->at(p0, item.col_begin), residual.words->cols,
                                        p1 - p0, width, residual.clamp.min, residual.clamp.max,
                                        words.at(p0, item.col_begin), words.cols);
}

// Per-thread rows of one depthwise block as a fused consumer reads them.
struct ConsumedRows {
  AlignedVector<float> floats;
  AlignedVector<uint16_t> words;
  AlignedVector<int8_t> codes;
  AlignedVector<uint8_t> exponents;
};

// Whether a depthwise conv passes its consumer bfloat16 words: the consumer's GEMM reads them (vdpbf16ps,
// not floats widened) and the depthwise kernel's epilogue makes them (the values as stored and read are
// bfloat16 values), pairs of whole rows.
bool passes_words(const Conv2dProgram& depthwise, const Conv2dProgram& reader, size_t width) {
  const OutputFinish finish{depthwise.output_layout->dtype, reader.source->cut};
  return runs_bf16_gemm(reader) && !kernels::kernel_table().bf16_gemm_reads_floats &&
         depthwise.math->numerics == Numerics::accurate && finish.in_float_epilogue() &&
         finish.stored == DataType::BFLOAT16 && width % 2 == 0;
}

// A depthwise item over every channel, block by block: each block written as the rows the consumer reads
// (int8 rows, bfloat16 words, or float rows rounded as stored and cut to its fidelity: what the conv writes
// for a reader it passes rows to), then the consumer's work over the block's pixels and all its channels.
void run_into_consumer(const Conv2dProgram& program, const ConvWorkItem& item) {
  Conv2dProgram reader = *program.consumer->program;
  const bool int8 = reader.bfp8_operands;
  const size_t width = item.col_end - item.col_begin, block = program.block_rows;
  const size_t stride = int8 ? bfp8_blocks_width(width) : width;  // whole blocks, zeros past the channels
  const bool words = !int8 && passes_words(program, reader, width);
  thread_local ConsumedRows held;
  if (int8 && held.codes.size() < block * stride) {
    held.codes.resize(block * stride);
    held.exponents.resize(block * stride / 16);
  }
  if (words && held.words.size() < block * stride) held.words.resize(block * stride);
  if (!int8 && !words && held.floats.size() < block * stride) held.floats.resize(block * stride);
  Int8Rows int8_rows{held.codes.data(), held.exponents.data(), stride, program.consumer->form};
  FloatRows float_rows{held.floats.data(), stride, reader.source->cut};
  Bf16Rows word_rows{held.words.data(), stride, reader.source->cut};
  Conv2dProgram depthwise = program;  // writes nothing else (run_conv2d_plan checks)
  depthwise.consumer = nullptr;
  if (int8) depthwise.output_rows = reader.input_rows = &int8_rows;
  else if (words) depthwise.output_words = reader.input_words = &word_rows;
  else depthwise.output_floats = reader.input_floats = &float_rows;
  ConvWorkItem rows = item, reader_item = item;
  reader_item.col_begin = 0, reader_item.col_end = reader.geometry->out_channels;
  for (uint64_t p0 = item.row_begin; p0 < item.row_end; p0 += block) {
    const uint64_t p1 = std::min<uint64_t>(item.row_end, p0 + block);
    int8_rows.first_row = float_rows.first_row = word_rows.first_row = p0;
    rows.row_begin = reader_item.row_begin = p0, rows.row_end = reader_item.row_end = p1;
    run_conv2d_work_item(depthwise, rows);
    run_conv2d_work_item(reader, reader_item);
  }
}

}  // namespace

void produce_input_rows(const Conv2dProgram& program, uint64_t p0, uint64_t p1, float* out) {
  const uint32_t channels = program.geometry->in_channels;
  ConvWorkItem item;
  item.col_begin = 0, item.col_end = channels;
  for (uint64_t b0 = p0; b0 < p1; b0 += program.block_rows) {
    const uint64_t b1 = std::min<uint64_t>(p1, b0 + program.block_rows);
    produce_rows(program, item, b0, b1, out + (b0 - p0) * channels);
  }
}

uint64_t next_conv2d_run_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::vector<ConvWorkItem> conv2d_work_items(const BufferLayout& layout, uint64_t pixels, uint32_t channels,
                                            uint32_t interleaved_items) {
  std::vector<ConvWorkItem> items;
  if (layout.sharded()) {
    for (uint32_t shard = 0; shard < layout.num_shards(); ++shard) {
      ConvWorkItem item;
      item.core = layout.shard_cores[shard];
      item.row_begin = std::min<uint64_t>(layout.shard_row_begin(shard), pixels);
      item.row_end = std::min<uint64_t>(item.row_begin + layout.shard_height, pixels);
      item.col_begin = uint32_t(std::min<uint64_t>(layout.shard_col_begin(shard), channels));
      item.col_end = uint32_t(std::min<uint64_t>(item.col_begin + layout.shard_width, channels));
      if (item.row_begin < item.row_end && item.col_begin < item.col_end) items.push_back(item);
    }
    return items;
  }
  // Interleaved output: split the rows in whole tiles so no two items touch the same tile.
  const uint64_t tiles = (pixels + 31) / 32;
  const uint64_t tiles_per_item = std::max<uint64_t>(1, (tiles + interleaved_items - 1) / interleaved_items);
  for (uint64_t begin = 0; begin < pixels; begin += tiles_per_item * 32) {
    ConvWorkItem item;
    item.core = {uint32_t(items.size()), 0};
    item.row_begin = begin;
    item.row_end = std::min(pixels, begin + tiles_per_item * 32);
    item.col_begin = 0;
    item.col_end = channels;
    items.push_back(item);
  }
  return items;
}

uint32_t conv2d_block_rows(uint32_t act_block_h_override, uint32_t k, uint32_t n) {
  if (act_block_h_override > 0) return act_block_h_override;
  constexpr size_t kTargetBytes = 256 * 1024;  // patches + outputs of a block stay in L2
  const size_t rows = kTargetBytes / (sizeof(float) * (size_t(k) + n));
  return uint32_t(std::clamp<size_t>(rows / 32 * 32, 32, 2048));
}

void run_conv2d_work_item(const Conv2dProgram& program, const ConvWorkItem& item) {
  if (program.consumer) return run_into_consumer(program, item);
  const uint32_t width = item.col_end - item.col_begin;
  // Int8 rows are encoded whole blocks at a time: a last block of fewer channels (24, say) is staged with
  // zeros in its padding columns, as its tile holds them.
  const Int8Rows* int8_out = program.output_rows;
  const size_t scratch_stride = int8_out ? bfp8_blocks_width(width) : width;
  float* scratch_rows = sized(scratch(0), size_t(program.block_rows) * scratch_stride);
  const kernels::KernelTable& table = kernels::kernel_table();
  // bfloat16 words are made by a depthwise kernel's epilogue, which finishes them (passes_words), by the
  // bfloat16 GEMM's (gemm_writes_words), or else from a block as stored (with any residual add).
  const Bf16Rows* words = program.output_words;
  const bool words_from_kernel = words && (program.geometry->depthwise() || gemm_writes_words(program, item));
  check(!words || (program.math->numerics == Numerics::accurate && words->cut.bits <= 0 &&
                   OutputFinish(program.output_layout->dtype, words->cut).stored == DataType::BFLOAT16),
        "conv2d: only an accurate conv whose outputs are stored or read as bfloat16 writes bfloat16 words");
  check(!words_from_kernel || !program.residual, "conv2d: a conv whose kernel writes bfloat16 words adds no residual");
  for (uint64_t p0 = item.row_begin; p0 < item.row_end; p0 += program.block_rows) {
    const uint64_t p1 = std::min<uint64_t>(item.row_end, p0 + program.block_rows);
    // Float rows and a depthwise kernel's words take the block where it goes (nothing to convert); the other
    // outputs are converted from the item's scratch.
    const FloatRows* floats = program.output_floats;
    float* out = floats ? floats->at(p0, item.col_begin) : scratch_rows;
    const size_t out_stride = floats ? floats->cols : words_from_kernel ? words->cols : scratch_stride;
    // The conv's values are rounded as stored where a residual add reads them, and where float rows or words
    // hold them also cut as their reader reads them; the other outputs are rounded as they are encoded.
    OutputFinish finish;
    if (program.residual) finish.stored = program.residual->stored_dtype;
    else if (floats) finish = {program.output_layout->dtype, floats->cut};
    else if (words) finish = {program.output_layout->dtype, words->cut};
    bool finished = finish.nothing();
    if (program.math->numerics == Numerics::tt_metal) run_tt_metal_block(program, item, p0, p1, out);
    else if (program.geometry->depthwise())
      finished = run_depthwise_block(program, item, p0, p1, out, out_stride, finish,
                                     words_from_kernel ? words->at(p0, item.col_begin) : nullptr);
    else
      finished = run_gemm_block(program, item, p0, p1, out, out_stride, finish,
                                words_from_kernel ? words->at(p0, item.col_begin) : nullptr);
    if (words_from_kernel) continue;  // finished by the kernel (run_depthwise_block and run_gemm_block check)
    if (program.residual && words && program.residual->words) {  // words in, words out: one pass
      add_residual_words(program, item, p0, p1, out, out_stride, finished, *words);
      continue;
    }
    if (program.residual) add_residual(program, item, p0, p1, out, out_stride, finished);
    // Float rows and words hold the values as the output (the conv's, or with a residual the add's) stores them.
    if ((floats || words) && (program.residual || !finished)) {
      round_as_stored(out, p1 - p0, width, out_stride, program.output_layout->dtype);
      const OperandCut cut = floats ? floats->cut : words->cut;
      if (!cut.none())
        for (size_t row = 0; row < p1 - p0; ++row) apply_cut(cut, out + row * out_stride, width);
    }
    if (words) {  // exact: the block holds bfloat16 values
      table.bf16_top_halves_rows(out, out_stride, p1 - p0, width, words->at(p0, item.col_begin), words->cols);
    } else if (int8_out) {
      for (size_t row = 0; row < p1 - p0 && scratch_stride > width; ++row)
        std::fill(out + row * out_stride + width, out + row * out_stride + scratch_stride, 0.0f);
      table.bfp8_encode_int8_rows(out, out_stride, p1 - p0, scratch_stride, int8_out->codes_at(p0, item.col_begin),
                                  int8_out->cols, int8_out->exponents_at(p0, item.col_begin),
                                  int8_out->exponents_stride(), int8_out->code_bias());
    } else if (!floats)
      write_rows(*program.output_layout, program.output_bytes, p0, p1, item.col_begin, item.col_end, out, width);
  }
}

}  // namespace ttnn
