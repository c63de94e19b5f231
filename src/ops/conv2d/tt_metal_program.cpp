// conv2d under the tt_metal numerics (NUMERICS.md): products of truncated operands, summed per 32-wide
// chunk of TT-NN's reduction order (tap-major, all input channels), chunks accumulated in the destination
// register's format. Exactness over speed: the GEMM convs go through the chunked product, depthwise convs
// through a direct loop (one tap per chunk once a conv has 32 channels).
#include <algorithm>
#include <vector>

#include "formats/bfloat16.hpp"
#include "ops/common/tt_metal_gemm.hpp"
#include "ops/conv2d/program.hpp"

namespace ttnn {
namespace {

// Chunk of TT-NN's reduction index for tap `tap`, input channel `channel` (global).
uint32_t chunk_of(const Conv2dGeometry& g, uint32_t tap, uint32_t channel) { return (tap * g.in_channels + channel) / 32; }

// Where the chunks end within group `group`'s local reduction (tap-major, in/groups channels a tap).
const std::vector<uint32_t>& group_chunk_ends(const Conv2dGeometry& g, uint32_t group) {
  thread_local std::vector<uint32_t> ends;
  ends.clear();
  const uint32_t channels = g.in_per_group();
  uint32_t local = 0;
  for (uint32_t tap = 0; tap < g.taps(); ++tap)
    for (uint32_t c = 0; c < channels; ++c, ++local) {
      const uint32_t chunk = chunk_of(g, tap, group * channels + c);
      const bool last = tap + 1 == g.taps() && c + 1 == channels;
      const uint32_t next = last ? chunk + 1 : c + 1 < channels ? chunk_of(g, tap, group * channels + c + 1)
                                                                : chunk_of(g, tap + 1, group * channels);
      if (next != chunk) ends.push_back(local + 1);
    }
  return ends;
}

float* sized(std::vector<float>& buffer, size_t count) {
  if (buffer.size() < count) buffer.resize(count);
  return buffer.data();
}

void run_gemm(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out) {
  const Conv2dGeometry& g = *program.geometry;
  const PreparedConvWeights& weights = *program.prepared->weights;
  const uint32_t k = weights.reduction.k_per_group, width = item.col_end - item.col_begin;
  const uint32_t out_per_group = g.out_per_group();
  const bool in_place = g.pointwise();
  thread_local std::vector<float> patches, patches_low;
  for (uint32_t group = item.col_begin / out_per_group; group * out_per_group < item.col_end; ++group) {
    const uint32_t n0 = std::max(item.col_begin, group * out_per_group);
    const uint32_t n1 = std::min(item.col_end, (group + 1) * out_per_group);
    TtMetalGemmArgs gemm;
    kernels::GemmArgs& product = gemm.product;
    product.m = p1 - p0;
    product.n = n1 - n0;
    product.k = k;
    if (in_place) {
      product.a = program.input->values.data() + p0 * program.input->cols;
      product.a_row_stride = program.input->cols;
      if (program.input_low) gemm.a_low = program.input_low->values.data() + p0 * program.input->cols;
    } else {
      float* rows = sized(patches, product.m * k);
      gather_patches(g, weights.reduction, *program.input, group, p0, p1, rows);
      product.a = rows;
      product.a_row_stride = k;
      if (program.input_low) {
        gather_patches(g, weights.reduction, *program.input_low, group, p0, p1, sized(patches_low, product.m * k));
        gemm.a_low = patches_low.data();
      }
    }
    product.w = weights.matrix.data() + size_t(n0) * k;
    product.w_row_stride = k;
    if (!weights.matrix_top.empty()) gemm.w_top = weights.matrix_top.data() + size_t(n0) * k;
    gemm.chunk_ends = group_chunk_ends(g, group);
    gemm.bf16_dest = !program.math->fp32_dest_acc;
    product.c = out + (n0 - item.col_begin);
    product.c_row_stride = width;
    tt_metal_gemm(gemm);
  }
}

// The input pixel (row of the decoded input) output pixel p reads at tap (ky, kx), or -1 in the padding.
long input_pixel(const Conv2dGeometry& g, uint64_t p, uint32_t ky, uint32_t kx) {
  const uint64_t image = p / (uint64_t(g.output_height) * g.output_width);
  const long oh = long(p / g.output_width % g.output_height), ow = long(p % g.output_width);
  const long ih = oh * g.stride_h - long(g.padding.top) + long(ky) * g.dilation_h;
  const long iw = ow * g.stride_w - long(g.padding.left) + long(kx) * g.dilation_w;
  if (ih < 0 || ih >= long(g.input_height) || iw < 0 || iw >= long(g.input_width)) return -1;
  return long((image * g.input_height + uint64_t(ih)) * g.input_width + uint64_t(iw));
}

// With 32 or more channels every tap of a channel falls in a chunk of its own, so the destination takes
// one product at a time: the same sums as run_depthwise below, with channels innermost.
void run_depthwise_wide(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out) {
  const Conv2dGeometry& g = *program.geometry;
  const PreparedConvWeights& weights = *program.prepared->weights;
  const DecodedActivations& input = *program.input;
  const DecodedActivations* input_low = program.input_low;
  const bool bf16_dest = !program.math->fp32_dest_acc;
  const uint32_t width = item.col_end - item.col_begin;
  for (uint64_t p = p0; p < p1; ++p) {
    float* dest = out + (p - p0) * width;
    std::fill(dest, dest + width, 0.0f);
    for (uint32_t ky = 0; ky < g.kernel_h; ++ky)
      for (uint32_t kx = 0; kx < g.kernel_w; ++kx) {
        const long pixel = input_pixel(g, p, ky, kx);
        if (pixel < 0) continue;
        const size_t at = size_t(pixel) * input.cols + item.col_begin;
        const size_t tap = (ky * g.kernel_w + kx) * size_t(g.out_channels) + item.col_begin;
        const float* x = input.values.data() + at;
        const float* w = weights.depthwise.data() + tap;
        if (input_low) {
          const float* x_low = input_low->values.data() + at;
          const float* w_top = weights.depthwise_top.data() + tap;
          for (uint32_t c = 0; c < width; ++c) {
            const float product = w[c] * x[c] + w_top[c] * x_low[c];
            dest[c] = bf16_dest ? formats::round_to_bfloat16(dest[c] + product) : dest[c] + product;
          }
        } else if (bf16_dest) {
          for (uint32_t c = 0; c < width; ++c) dest[c] = formats::round_to_bfloat16(dest[c] + w[c] * x[c]);
        } else {
          for (uint32_t c = 0; c < width; ++c) dest[c] += w[c] * x[c];
        }
      }
  }
}

void run_depthwise(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out) {
  const Conv2dGeometry& g = *program.geometry;
  const PreparedConvWeights& weights = *program.prepared->weights;
  const DecodedActivations& input = *program.input;
  const DecodedActivations* input_low = program.input_low;
  const bool bf16_dest = !program.math->fp32_dest_acc;
  const uint32_t width = item.col_end - item.col_begin;
  for (uint64_t p = p0; p < p1; ++p) {
    for (uint32_t c = item.col_begin; c < item.col_end; ++c) {
      float dest = 0.0f, chunk_sum = 0.0f;
      uint32_t chunk = chunk_of(g, 0, c);
      for (uint32_t ky = 0; ky < g.kernel_h; ++ky)
        for (uint32_t kx = 0; kx < g.kernel_w; ++kx) {
          const uint32_t tap = ky * g.kernel_w + kx;
          if (const uint32_t next = chunk_of(g, tap, c); next != chunk) {
            dest = bf16_dest ? formats::round_to_bfloat16(dest + chunk_sum) : dest + chunk_sum;
            chunk_sum = 0.0f;
            chunk = next;
          }
          const long pixel = input_pixel(g, p, ky, kx);
          if (pixel < 0) continue;
          const size_t at = size_t(pixel) * input.cols + c;
          const size_t w = size_t(tap) * g.out_channels + c;
          float product = weights.depthwise[w] * input.values[at];
          if (input_low) product += weights.depthwise_top[w] * input_low->values[at];
          chunk_sum += product;
        }
      dest = bf16_dest ? formats::round_to_bfloat16(dest + chunk_sum) : dest + chunk_sum;
      out[(p - p0) * width + (c - item.col_begin)] = dest;
    }
  }
}

}  // namespace

void run_tt_metal_block(const Conv2dProgram& program, const ConvWorkItem& item, uint64_t p0, uint64_t p1, float* out) {
  if (program.geometry->depthwise() && program.geometry->in_channels >= 32) run_depthwise_wide(program, item, p0, p1, out);
  else if (program.geometry->depthwise()) run_depthwise(program, item, p0, p1, out);
  else run_gemm(program, item, p0, p1, out);
  const float* bias = program.prepared->bias ? program.prepared->bias->values.data() + item.col_begin : nullptr;
  tt_metal_finish(out, p1 - p0, item.col_end - item.col_begin, item.col_end - item.col_begin, bias,
                  !program.math->fp32_dest_acc, program.math->clamp);
}

}  // namespace ttnn
