#include "ops/conv2d/prepare_weights.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <span>

#include "core/check.hpp"
#include "formats/bfloat16.hpp"
#include "formats/block_float.hpp"
#include "formats/fidelity.hpp"
#include "formats/sum_preserving_rounding.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/bfp8_blocks.hpp"
#include "ops/common/fidelity_widths.hpp"
#include "ops/common/stored_rounding.hpp"
#include "ops/core/tensor_conversion.hpp"

namespace ttnn {
namespace {

// Significant bits of a block-float dtype's magnitudes.
int magnitude_bits(DataType dtype) { return dtype == DataType::BFLOAT8_B ? 7 : 3; }

// A block's largest magnitude, NaNs counting as 0 (as a running std::max ignores them), by a tree of maxima:
// a running maximum waits on each of the 16 in turn, which over every weight of the model cost milliseconds
// of the time to first result.
float largest_magnitude(const float* values, size_t count) {
  float lanes[16] = {};
  for (size_t i = 0; i < count; ++i) {
    const float magnitude = std::fabs(values[i]);
    lanes[i] = magnitude == magnitude ? magnitude : 0.0f;
  }
  for (size_t half = 8; half > 0; half /= 2)
    for (size_t i = 0; i < half; ++i) lanes[i] = std::max(lanes[i], lanes[i + half]);
  return lanes[0];
}

// Rounds block-float values (16 along each row share a scale) to `bits` significant bits without leaving
// the block's range: a magnitude that would round past 127 units takes the largest `bits`-bit one below.
void round_block_float_rows(std::vector<float>& values, size_t row_length, int bits, int stored_bits) {
  if (bits >= stored_bits) return;  // every stored magnitude already fits
  const float largest_units = float(((1 << bits) - 1) << (stored_bits - bits));
  const kernels::KernelTable& table = kernels::kernel_table();
  float original[16];
  for (size_t start = 0; start < values.size(); start += 16) {
    const size_t end = std::min(start + 16, (start / row_length + 1) * row_length);
    const float max_abs = largest_magnitude(values.data() + start, end - start);
    if (max_abs == 0.0f) continue;
    // The block's unit: the largest magnitude has its top bit at position stored_bits - 1.
    const float unit = std::ldexp(1.0f, std::ilogb(max_abs) - (stored_bits - 1));
    float* block = values.data() + start;
    const float limit = largest_units * unit;
    std::copy(block, block + (end - start), original);
    table.round_significand(block, end - start, bits);  // formats::round_significand, vectorised
    for (size_t i = 0; i < end - start; ++i)
      if (std::fabs(block[i]) > limit) block[i] = std::copysign(limit, original[i]);
  }
}

// Converts `values` ([rows][cols] row-major) to `dtype` the way a TILE tensor of that shape stores them,
// then rounds to the fidelity's operand width; returns the tensor and leaves the stored values in `values`.
Tensor store_prepared(std::vector<float>& values, uint32_t rows, uint32_t cols, DataType dtype, int fidelity_bits,
                      Device& device, const char* what) {
  const TensorSpec spec{Shape{1, 1, rows, cols}, dtype, Layout::TILE, DRAM_MEMORY_CONFIG};
  round_as_stored(values.data(), values.size() / cols, cols, cols, dtype);
  if (fidelity_bits > 0) {
    if (is_block_float(dtype)) round_block_float_rows(values, cols, fidelity_bits, magnitude_bits(dtype));
    else
      for (float& v : values) v = formats::round_significand(v, fidelity_bits);
  }
  return encode_logical(values, spec, &device, what);  // lossless: the rounding only removed bits
}

// accurate depthwise: moves rounded weights ([rows][row_length] in `rounded`, each alone in its block, so on
// its own exponent like a float) to their other grid neighbour where that keeps each channel's sum
// (sum_preserving_rounding.hpp). The grid: `dtype`'s significand cut to the fidelity's `a_bits`.
void keep_depthwise_sums(const std::vector<float>& raw, std::vector<float>& rounded, size_t row_length,
                         DataType dtype, int a_bits) {
  const int stored_bits = is_block_float(dtype) ? magnitude_bits(dtype) : dtype == DataType::BFLOAT16 ? 8 : 24;
  const int bits = std::min(stored_bits, a_bits > 0 ? a_bits : 24);
  if (bits >= 24) return;  // float32 at HiFi4: nothing was rounded
  std::vector<float> other(rounded.size());
  for (size_t i = 0; i < raw.size(); ++i) other[i] = formats::other_float_neighbour(raw[i], rounded[i], bits);
  formats::keep_row_sums(raw, rounded, other, row_length);
}

bool all_bfloat16(const std::vector<float>& values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return (std::bit_cast<uint32_t>(v) & 0xFFFFu) == 0; });
}

// The GEMM packing of the accurate path: bfloat16 pairs when every weight is a bfloat16, else fp32 panels
// (int8 packings are added by the caller, which then drops the bfloat16 one).
// `panels`: false when the int8 packing serves the conv (the others are made from it if ever needed).
void pack_for_gemm(PreparedConvWeights& prepared, const std::vector<float>& matrix, uint32_t groups,
                   uint32_t out_per_group, uint32_t k, bool panels) {
  prepared.groups = groups;
  prepared.out_per_group = out_per_group;
  prepared.packed_group_elems = kernels::packed_gemm_weights_elems(out_per_group, k);
  prepared.packed_bf16_group_elems = kernels::packed_gemm_weights_bf16_elems(out_per_group, k);
  prepared.bfloat16_values = all_bfloat16(matrix);
  if (!panels && prepared.bfloat16_values) return;  // packed_bf16() and packed_f32() remake them
  if (prepared.bfloat16_values) {
    prepared.bf16_panels.resize(prepared.packed_bf16_group_elems * groups);
    for (uint32_t group = 0; group < groups; ++group)
      kernels::pack_gemm_weights_bf16(out_per_group, k, matrix.data() + size_t(group) * out_per_group * k, k,
                                      prepared.bf16_panels.data() + group * prepared.packed_bf16_group_elems);
    return;
  }
  prepared.packed.resize(prepared.packed_group_elems * groups);
  for (uint32_t group = 0; group < groups; ++group)
    kernels::pack_gemm_weights(out_per_group, k, matrix.data() + size_t(group) * out_per_group * k, k,
                               prepared.packed.data() + group * prepared.packed_group_elems);
}

// The int8 GEMM's packing of bfloat8_b weights from their stored tensor ([n][k] TILE, blocks of 16 along k):
// its codes and exponents as they are, converted a tile at a time (exact by construction, where encoding
// each block of the values again, decoding and comparing it cost milliseconds of the time to first result).
std::vector<uint8_t> pack_bfp8_weights(const Tensor& stored, uint32_t n, uint32_t k) {
  const uint32_t blocks = k / 16;
  std::vector<int8_t> codes(size_t(n) * k);
  std::vector<uint8_t> exponents(size_t(n) * blocks);
  const BufferLayout layout = BufferLayout::of(stored.spec(), "conv2d weights");
  const kernels::Int8Activations form = read_bfp8_blocks(layout, stored.bytes("conv2d weights"), 0, n, blocks, codes.data(), k,
                                                exponents.data(), blocks);
  if (form == kernels::Int8Activations::biased)  // read as activations: back to plain two's complement
    for (int8_t& code : codes) code = int8_t(uint8_t(code) ^ 0x80);
  std::vector<uint8_t> packed(kernels::packed_gemm_weights_bfp8_bytes(n, k));
  kernels::pack_gemm_weights_bfp8(n, k, codes.data(), k, exponents.data(), blocks, packed.data());
  return packed;
}

// tt_metal: the weights as TT-NN prepares them, a [taps * in, out] TILE matrix in `dtype` whose row
// t * in + c holds input channel c's weights for the outputs of its group and zeros elsewhere, so a
// bfloat8_b block spans 16 output channels (depthwise: its one non-zero column per row). Returns that tensor and leaves the stored values in `matrix`
// ([out][taps * in/groups], tap-major as reduction_layout says for tt_metal).
Tensor store_tt_metal_weights(std::vector<float>& matrix, const Conv2dGeometry& g, DataType dtype, Device& device) {
  if (g.depthwise()) {
    // Each row of TT-NN's matrix holds one weight, alone in its block: a [taps * in, 1] column stores the
    // same bits in 1/out of the space (the whole matrix would be 42 MB of bfloat8_b for MobileNetV2).
    const uint32_t taps = g.taps(), channels = g.in_channels;
    std::vector<float> column(size_t(taps) * channels);
    for (uint32_t tap = 0; tap < taps; ++tap)
      for (uint32_t c = 0; c < channels; ++c) column[size_t(tap) * channels + c] = matrix[size_t(c) * taps + tap];
    Tensor stored = store_prepared(column, taps * channels, 1, dtype, 0, device, "conv2d weights");
    for (uint32_t tap = 0; tap < taps; ++tap)
      for (uint32_t c = 0; c < channels; ++c) matrix[size_t(c) * taps + tap] = column[size_t(tap) * channels + c];
    return stored;
  }
  const uint32_t rows = g.taps() * g.in_channels, cols = g.out_channels, in_per_group = g.in_per_group();
  const uint32_t out_per_group = g.out_per_group(), k = g.taps() * in_per_group;
  const auto local = [&](uint32_t tap, uint32_t c, uint32_t o) {
    return size_t(o) * k + tap * in_per_group + c % in_per_group;
  };
  std::vector<float> full(size_t(rows) * cols, 0.0f);
  for (uint32_t tap = 0; tap < g.taps(); ++tap)
    for (uint32_t c = 0; c < g.in_channels; ++c) {
      const uint32_t group = c / in_per_group;
      for (uint32_t o = group * out_per_group; o < (group + 1) * out_per_group; ++o)
        full[size_t(tap * g.in_channels + c) * cols + o] = matrix[local(tap, c, o)];
    }
  Tensor stored = store_prepared(full, rows, cols, dtype, 0, device, "conv2d weights");
  for (uint32_t tap = 0; tap < g.taps(); ++tap)
    for (uint32_t c = 0; c < g.in_channels; ++c) {
      const uint32_t group = c / in_per_group;
      for (uint32_t o = group * out_per_group; o < (group + 1) * out_per_group; ++o)
        matrix[local(tap, c, o)] = full[size_t(tap * g.in_channels + c) * cols + o];
    }
  return stored;
}

std::vector<float> raw_bias_values(const Tensor& bias, uint32_t out_channels) {
  const Shape& shape = bias.logical_shape();
  check(shape.volume() == out_channels && shape.width() == out_channels,
        "conv2d: bias shape {} does not match out_channels={} (expected [{}] or [1, 1, 1, {}])", shape, out_channels,
        out_channels, out_channels);
  return decode_logical(bias, "conv2d bias");
}

}  // namespace

const std::vector<uint16_t>& PreparedConvWeights::packed_bf16() const {
  std::call_once(bf16_once, [this] {
    if (!bf16_panels.empty() || packed_bfp8.empty()) return;
    const uint32_t k = reduction.k_per_group;
    std::vector<float> values(size_t(out_per_group) * k);  // one group: int8 packing is for dense convs only
    kernels::unpack_gemm_weights_bfp8(out_per_group, k, packed_bfp8.data(), values.data());
    bf16_panels.resize(packed_bf16_group_elems);
    kernels::pack_gemm_weights_bf16(out_per_group, k, values.data(), k, bf16_panels.data());
  });
  return bf16_panels;
}

const std::vector<float>& PreparedConvWeights::packed_f32() const {
  std::call_once(f32_once, [this] {
    if (!packed.empty() || !bfloat16_values) return;
    const std::vector<uint16_t>& from_panels = packed_bf16();
    const uint32_t k = reduction.k_per_group;
    std::vector<float> values(size_t(out_per_group) * k);
    packed.resize(packed_group_elems * groups);
    for (uint32_t group = 0; group < groups; ++group) {
      kernels::unpack_gemm_weights_bf16(out_per_group, k, from_panels.data() + group * packed_bf16_group_elems,
                                        values.data());
      kernels::pack_gemm_weights(out_per_group, k, values.data(), k, packed.data() + group * packed_group_elems);
    }
  });
  return packed;
}

std::string prepared_layout_key(const Conv2dGeometry& g, DataType weights_dtype, const Conv2dMath& math) {
  return fmt::format("{}x{}/{} k{}x{} {} {} {}", g.out_channels, g.in_channels, g.groups, g.kernel_h, g.kernel_w,
                     weights_dtype, math.math_fidelity, math.numerics);
}

PreparedConv prepare_conv2d_weights(const Conv2dArgs& args, const Conv2dGeometry& g, const Conv2dMath& math,
                                    Device& device) {
  const DataType weights_dtype = args.conv_config.weights_dtype;
  const std::string key = prepared_layout_key(g, weights_dtype, math);
  check(args.weight_tensor.buffer() != nullptr, "conv2d: weight_tensor is empty");
  args.weight_tensor.bytes("conv2d weights");  // fails on a deallocated tensor

  const auto* already = dynamic_cast<const PreparedConvWeights*>(args.weight_tensor.buffer()->attachment().get());
  if (already) {
    check(already->key == key, "conv2d: the prepared weights were made for [{}], this call needs [{}]; pass the raw weights",
          already->key, key);
    PreparedConv prepared{args.weight_tensor, args.bias_tensor, already, nullptr};
    if (args.bias_tensor) {
      prepared.bias = dynamic_cast<const PreparedConvBias*>(args.bias_tensor->buffer()->attachment().get());
      check(prepared.bias != nullptr, "conv2d: prepared weights were passed with a raw bias; pass the prepared bias too");
    }
    return prepared;
  }

  const Shape& shape = args.weight_tensor.logical_shape();
  const Shape expected{g.out_channels, g.in_per_group(), g.kernel_h, g.kernel_w};
  check(shape == expected, "conv2d: weight shape {} does not match [out_channels, in_channels/groups, kh, kw] = {}", shape,
        expected);
  // float32 ROW_MAJOR host weights (a checkpoint's, as the model passes them) are read where they are.
  std::vector<float> decoded;
  const Tensor& given = args.weight_tensor;
  const bool as_stored = given.storage_type() == StorageType::HOST && given.dtype() == DataType::FLOAT32 &&
                         given.layout() == Layout::ROW_MAJOR && !given.is_sharded();
  if (!as_stored) decoded = decode_logical(given, "conv2d weights");
  const std::span<const float> raw =
      as_stored ? std::span(reinterpret_cast<const float*>(given.bytes("conv2d weights")), shape.volume())
                : std::span<const float>(decoded);

  auto attachment = std::make_shared<PreparedConvWeights>();
  attachment->key = key;
  attachment->reduction = reduction_layout(g, weights_dtype, math.numerics);
  const uint32_t k = attachment->reduction.k_per_group, tap_stride = attachment->reduction.tap_stride;
  std::vector<float> matrix(size_t(g.out_channels) * k, 0.0f);
  for (uint32_t o = 0; o < g.out_channels; ++o)
    for (uint32_t c = 0; c < g.in_per_group(); ++c)
      for (uint32_t tap = 0; tap < g.taps(); ++tap)
        matrix[size_t(o) * k + tap * tap_stride + c] = raw[(size_t(o) * g.in_per_group() + c) * g.taps() + tap];

  Tensor weight_tensor;
  const int a_bits = fidelity_widths(math.math_fidelity).a_bits;
  if (math.numerics == Numerics::accurate && g.depthwise()) {
    // TT-NN's grouped layout gives every depthwise weight a block of its own: keep that storage and round.
    const std::vector<float> raw_matrix = matrix;
    round_each_as_stored(matrix, weights_dtype);
    if (a_bits > 0)
      for (float& v : matrix) v = formats::round_significand(v, a_bits);
    keep_depthwise_sums(raw_matrix, matrix, k, weights_dtype, a_bits);
    weight_tensor = store_tt_metal_weights(matrix, g, weights_dtype, device);  // lossless: values on the grid
  } else if (math.numerics == Numerics::accurate) {
    // Nearest rounding: a dense conv's reduction runs across channels, which a smooth input does not make
    // alike, so independent rounding errors are what serves it best (NUMERICS.md, step 2).
    weight_tensor = store_prepared(matrix, g.out_channels, k, weights_dtype, a_bits, device, "conv2d weights");
  } else {
    weight_tensor = store_tt_metal_weights(matrix, g, weights_dtype, device);
    const TtMetalMultiplier multiplier = tt_metal_multiplier(math.math_fidelity);
    if (multiplier.second_phase) {
      attachment->matrix_top = matrix;
      formats::truncate_significand(std::span(attachment->matrix_top), kTtMetalTopABits);
    }
    formats::truncate_significand(std::span(matrix), multiplier.a_bits);
  }
  if (g.depthwise()) {
    const auto by_tap = [&](const std::vector<float>& rows) {
      std::vector<float> taps(size_t(g.taps()) * g.out_channels);
      for (uint32_t c = 0; c < g.out_channels; ++c)
        for (uint32_t tap = 0; tap < g.taps(); ++tap) taps[size_t(tap) * g.out_channels + c] = rows[size_t(c) * k + tap];
      return taps;
    };
    attachment->depthwise = by_tap(matrix);
    attachment->bfloat16_values = math.numerics == Numerics::accurate && all_bfloat16(matrix);
    if (!attachment->matrix_top.empty()) attachment->depthwise_top = by_tap(attachment->matrix_top);
  } else if (math.numerics == Numerics::accurate) {
    const kernels::KernelTable& table = kernels::kernel_table();
    if (weights_dtype == DataType::BFLOAT8_B && g.pointwise() && g.groups == 1 && k % 16 == 0 &&
        table.bfp8_gemm_on_int8_dot)
      attachment->packed_bfp8 = pack_bfp8_weights(weight_tensor, g.out_channels, k);
    // A wide conv's bfloat8_b GEMM reads bfloat16 panels too (bfp8_gemm_wide): packed here, with the other
    // convs' weights in parallel, instead of on first use inside the first pass.
    const bool panels_too = attachment->packed_bfp8.empty() || kernels::uses_bfp8_gemm_wide(table, g.out_channels, k);
    pack_for_gemm(*attachment, matrix, g.groups, g.out_per_group(), k, panels_too);
  }
  // The row-major copy only serves the tt_metal path; accurate kernels read `packed` or `depthwise`.
  if (math.numerics == Numerics::tt_metal) attachment->matrix = std::move(matrix);
  PreparedConv prepared{weight_tensor, std::nullopt, attachment.get(), nullptr};
  weight_tensor.buffer()->attach(std::move(attachment));

  if (args.bias_tensor) {
    check(args.bias_tensor->buffer() != nullptr, "conv2d: bias_tensor is empty");
    std::vector<float> bias = raw_bias_values(*args.bias_tensor, g.out_channels);
    // accurate keeps the bias in float32 (a few hundred bytes a layer): in bfloat8_b a channel's bias
    // shares its exponent with 15 others and a small one loses its bits (NUMERICS.md).
    const DataType bias_dtype = math.numerics == Numerics::accurate ? DataType::FLOAT32 : weights_dtype;
    Tensor bias_tensor = store_prepared(bias, 1, g.out_channels, bias_dtype, 0, device, "conv2d bias");
    auto bias_attachment = std::make_shared<PreparedConvBias>();
    bias_attachment->values = std::move(bias);
    prepared.bias = bias_attachment.get();
    bias_tensor.buffer()->attach(std::move(bias_attachment));
    prepared.bias_tensor = bias_tensor;
  }
  return prepared;
}

}  // namespace ttnn
