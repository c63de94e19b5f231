// The CPU kernel table: micro-kernels on raw pointers and strides, never Tensors. Filled once per process
// from the CPU's features; TTNN_CPU_ISA=ref|avx2|avx512|amx caps the choice so tests can run every tier.
// This header never includes <immintrin.h>: each ISA's kernels live in their own sources and flags.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/bfp8_gemm.hpp"

namespace ttnn::kernels {

// c[m][n] = clamp(bias[n] + sum_k a[m][k] * w[n][k], clamp_min, clamp_max), fp32 accumulation. Every kernel's
// clamp is std::min(std::max(v, clamp_min), clamp_max): a NaN passes and -0 stays -0, at every tier.
// a: activations (operand B of the fidelity rules), w: prepared weights (operand A).
struct GemmArgs {
  size_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  size_t a_row_stride = 0;
  const float* w = nullptr;
  size_t w_row_stride = 0;
  const float* bias = nullptr;  // [n] or null
  float clamp_min = 0, clamp_max = 0;
  float* c = nullptr;
  size_t c_row_stride = 0;
};

// Output channels per panel of packed GEMM weights: one AVX-512 vector, two AVX2 vectors.
inline constexpr size_t kGemmPanelWidth = 16;

// The same product with the weights packed by pack_gemm_weights: panel p holds output channels
// [16p, 16p + 16) as [k][16], zero padded past n, so a micro-kernel reads one contiguous panel per k step.
// packed_w points at the panel of output channel 0 of this call (a panel boundary).
struct GemmPackedArgs {
  size_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  size_t a_row_stride = 0;
  const float* packed_w = nullptr;  // [ceil(n / 16)][k][16]
  const float* bias = nullptr;      // [n] or null
  float clamp_min = 0, clamp_max = 0;
  float* c = nullptr;
  size_t c_row_stride = 0;
};

// Floats pack_gemm_weights writes for n output channels of k weights each.
constexpr size_t packed_gemm_weights_elems(size_t n, size_t k) {
  return (n + kGemmPanelWidth - 1) / kGemmPanelWidth * kGemmPanelWidth * k;
}
// w: [n][k] with row stride w_row_stride; packed: packed_gemm_weights_elems(n, k) floats.
void pack_gemm_weights(size_t n, size_t k, const float* w, size_t w_row_stride, float* packed);
// Where pack_gemm_weights puts weight (channel, kk) of n x k weights.
constexpr size_t packed_gemm_weights_index(size_t channel, size_t kk, size_t k) {
  return channel / kGemmPanelWidth * kGemmPanelWidth * k + kk * kGemmPanelWidth + channel % kGemmPanelWidth;
}

// The product on bfloat16 operands, for operands that fit bfloat16 exactly (bfloat16 and bfloat8_b values,
// and any value rounded to 8 significant bits or fewer): every product is exact in fp32, and
// the kernels add them in one fixed order, so every tier gives the same bits: per output, starting from
// the bias (zero without one), for each pair p of the reduction the product of elements 2p + 1, then of 2p
// (the order of vdpbf16ps), then the clamp. The bias first saves an addition an output vector in an
// epilogue that costs as much as the products where k is small (the expand GEMMs of k = 16-32 ran 1.04-1.07x
// faster so, block 1's project conv, k = 32 into 16 channels, 1.09x).
// Subnormal inputs (the bias and the clamp bounds too) read as zero and subnormal partial sums are flushed to
// zero, as vdpbf16ps does; every tier does the same, so no output is subnormal. The exception is a tier whose
// table clears bf16_gemm_in_reference_order (amx): its matrix engine adds the products in an order of its
// own and the bias after them, so each output before the clamp is within (k + 1) * 2^-24 of the bias's and
// the products' magnitudes of the reference's, plus k flushed subnormals, and is the same for a (row,
// channel) whatever the call's other rows and channels.
// a: [m] rows of bfloat16 bits, k_pairs * 2 elements each (element k, when k is odd, must be zero).
// packed_w: panel p holds output channels [16p, 16p + 16) as [bf16_panel_pairs(k)][16][2] bfloat16 bits,
// zero padded.
// A tier whose table sets bf16_gemm_reads_floats reads the same rows as floats from a_values instead
// (row stride a_values_row_stride, k elements a row): it widens the weights to fp32 and multiplies with fp32
// FMAs in the same order, which is faster where vdpbf16ps is slow (KernelTable).
struct GemmBf16Args {
  size_t m = 0, n = 0, k = 0;
  const uint16_t* a = nullptr;
  size_t a_row_stride = 0;  // elements; even
  const float* a_values = nullptr;
  size_t a_values_row_stride = 0;
  const uint16_t* packed_w = nullptr;
  const float* bias = nullptr;  // [n] or null
  float clamp_min = 0, clamp_max = 0;
  // After the clamp, each output rounded to bfloat16 as formats::round_to_bfloat16 rounds (how a bfloat16
  // tensor stores it, or a LoFi reader reads it): in the epilogue instead of a second pass over the outputs.
  bool round_to_bf16 = false;
  float* c = nullptr;
  size_t c_row_stride = 0;
  // Instead of c where set (round_to_bf16 with it): the outputs' bfloat16 words, row stride c_row_stride (a
  // block's output passed to the next GEMM as the words it reads). Only where KernelTable::bf16_gemm_writes_words.
  uint16_t* c_words = nullptr;
};

constexpr size_t bf16_pairs(size_t k) { return (k + 1) / 2; }
// Pairs a packed panel holds: bf16_pairs(k) rounded up to 16 with zero weights, so that a matrix engine's
// operand tile of 16 pairs (32 reduction elements) never reads past its panel.
inline constexpr size_t kBf16PanelPairsAlign = 16;
constexpr size_t bf16_panel_pairs(size_t k) {
  return (bf16_pairs(k) + kBf16PanelPairsAlign - 1) / kBf16PanelPairsAlign * kBf16PanelPairsAlign;
}
// bfloat16 elements of one packed panel (16 output channels).
constexpr size_t bf16_panel_elems(size_t k) { return bf16_panel_pairs(k) * 2 * kGemmPanelWidth; }
// bfloat16 elements pack_gemm_weights_bf16 writes for n output channels of k weights each.
constexpr size_t packed_gemm_weights_bf16_elems(size_t n, size_t k) {
  return (n + kGemmPanelWidth - 1) / kGemmPanelWidth * bf16_panel_elems(k);
}
// Where the packed panel holding output channel `channel` (a multiple of 16) starts.
constexpr size_t packed_gemm_weights_bf16_panel(size_t channel, size_t k) {
  return channel / kGemmPanelWidth * bf16_panel_elems(k);
}
// w: [n][k] with row stride w_row_stride, every value exactly a bfloat16 (its low 16 bits zero; checked by
// the caller); packed: packed_gemm_weights_bf16_elems(n, k) elements.
void pack_gemm_weights_bf16(size_t n, size_t k, const float* w, size_t w_row_stride, uint16_t* packed);
// Where pack_gemm_weights_bf16 puts weight (channel, kk) of n x k weights.
constexpr size_t packed_gemm_weights_bf16_index(size_t channel, size_t kk, size_t k) {
  return channel / kGemmPanelWidth * bf16_panel_elems(k) + kk / 2 * 2 * kGemmPanelWidth +
         channel % kGemmPanelWidth * 2 + kk % 2;
}
// The inverse: the n x k weights as floats into w ([n][k], row stride k).
void unpack_gemm_weights_bf16(size_t n, size_t k, const uint16_t* packed, float* w);

// One output row segment of a depthwise conv (channel multiplier 1), NHWC, or the same segment of several
// output rows.
// output[ow][c] = clamp(bias[c] + sum_{i,j} w[i*kernel_w + j][c] * row_i[ow*stride - pad_left + j*dilation][c])
// for ow in [out_begin, out_end) and c in [0, channels); a null input row, or a column outside
// [0, input_width), reads as zero.
struct DwconvArgs {
  const float* const* input_rows = nullptr;  // kernel_h pointers to pixel 0 of an input row
  size_t input_pixel_stride = 0;             // floats between neighbouring input pixels
  size_t input_width = 0, channels = 0;
  size_t kernel_h = 0, kernel_w = 0, stride = 1, pad_left = 0, dilation = 1;
  const float* weights = nullptr;  // tap t's channel c at weights[t * weights_tap_stride + c]
  size_t weights_tap_stride = 0;
  const float* bias = nullptr;     // [channels] or null
  float clamp_min = 0, clamp_max = 0;
  bool round_to_bf16 = false;  // after the clamp, as formats::round_to_bfloat16 (how bfloat16 stores them)
  float* output = nullptr;  // pixel ow at output + (ow - out_begin) * output_pixel_stride
  // Instead of `output` where set: the outputs' bfloat16 words at the same element offsets, for a bfloat16
  // GEMM reading them as they lie (round_to_bf16 must be set).
  uint16_t* output_words = nullptr;
  size_t output_pixel_stride = 0;
  size_t out_begin = 0, out_end = 0;
  // `rows` output rows: row r reads input_rows[r * input_row_step ...] (kernel_h rows from there; input_rows
  // holds kernel_h + (rows - 1) * input_row_step pointers) and is written from output + r * output_row_stride.
  // A kernel walking several rows per channel vector reads each input row's lines while they are in L1.
  size_t rows = 1, input_row_step = 1, output_row_stride = 0;
  // A 3x3 kernel at dilation 1 whose inputs and weights are all bfloat16 values, summed as vdpbf16ps sums pairs
  // (ignored for other kernels). Each output starts from its bias and adds its window in two units, top to
  // bottom: a pair of rows, the two whose first lies at an even image row (output row r's window starts at
  // image row input_row0 + r * input_row_step), and the third row alone. A unit goes column by column, left to
  // right; a column adds the pair's lower row's product, then its upper row's (a lone row: its product, then
  // +0, a pair's empty half). Taps outside the image read as +0 and are added all the same. As in the
  // bfloat16 GEMM (GemmBf16Args), subnormal inputs (bias and clamp bounds too) read as zero and subnormal sums
  // flush to zero; the clamp and rounding follow. Ops ask for it where KernelTable::dwconv_bf16_pairs says the
  // tier runs it faster.
  bool bf16_pairs = false;
  long input_row0 = 0;
};

// A conv whose patches are runs of whole input pixels (one group, dilation 1, each kernel row's taps dense
// along the reduction: the stem), computed from its input rows instead of from gathered patches. Output
// pixel i (of `pixels`) reads, for tap (ky, kx) and channel ch, input_rows[ky][(i * stride + kx) * channels +
// ch]: each row starts at the first pixel the first output pixel reads, with any padding there as zeros.
// The values are bit for bit the tier's packed GEMM on the gathered patches (reduction element
// e = (ky * kernel_w + kx) * channels + ch for the kernel_h * kernel_w * channels taps, zeros up to k):
// f32_conv_rows as f32_gemm_packed, bf16_conv_rows as bf16_gemm_packed on activations that are bfloat16
// values.
inline constexpr size_t kConvRowsMaxK = 64;  // the longest reduction (k) the conv-rows kernels take
struct ConvRowsArgs {
  const float* const* input_rows = nullptr;  // kernel_h rows
  size_t channels = 0, kernel_h = 0, kernel_w = 0, stride = 1;
  size_t pixels = 0;                         // output pixels
  size_t n = 0, k = 0;                       // output channels (from a panel start), packed reduction length
  const float* packed_w = nullptr;           // f32_conv_rows: as GemmPackedArgs::packed_w
  const uint16_t* packed_w_bf16 = nullptr;   // bf16_conv_rows: as GemmBf16Args::packed_w
  const float* bias = nullptr;               // [n] or null
  float clamp_min = 0, clamp_max = 0;
  // Outputs rounded as bfloat8_b stores them (blocks of 16 from c's first column), as bfp8_round_rows would
  // after the kernel: a fused producer's values as its bfloat8_b output holds them.
  bool round_to_bfp8 = false;
  // bf16_conv_rows only (f32_conv_rows ignores it): outputs rounded to bfloat16 after the clamp, as
  // GemmBf16Args::round_to_bf16 (a fused producer's bfloat16 values), instead of in a pass of their own.
  bool round_to_bf16 = false;
  float* c = nullptr;  // pixel i's channel j at c[i * c_row_stride + j]
  size_t c_row_stride = 0;
};

// A register-only loop of independent fused multiply-adds (the roofline's peak): runs `iterations` rounds
// and returns the floating-point operations done (2 per multiply-add and lane).
using PeakFn = double (*)(uint64_t iterations);

// One bfloat8_b block (a face row: 16 values sharing an exponent) between floats and tile storage,
// bit-exact to formats::encode_block / decode_block (block_float.hpp). Encode writes the 16 codes and
// returns the exponent byte.
using Bfp8EncodeFn = uint8_t (*)(const float* values, uint8_t* codes);
// Two blocks at once (a tile row: values[0..15] and values[16..31]), the same bits as two bfp8_encode
// calls; exponents[0] and [1] receive the blocks' exponent bytes.
using Bfp8EncodePairFn = void (*)(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents);
using Bfp8DecodeFn = void (*)(uint8_t exponent, const uint8_t* codes, float* values);
// Rows [row0, row1) and columns [col0, col1) (both within 0..32) of a bfloat8_b tile's storage (64 exponent
// bytes, then the codes face by face) into dst (row stride dst_stride); the same bits as bfp8_decode.
using Bfp8DecodeTileRowsFn = void (*)(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                      float* dst, size_t dst_stride);
// Rows [row0, row1) of a bfloat8_b tile, all 32 columns, encoded from src (row stride src_stride; its first
// row is row0): the same bits as bfp8_encode_pair on each row.
using Bfp8EncodeTileRowsFn = void (*)(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile);
// Rows [row0, row1) of a bfloat8_b tile as the int8 GEMM reads them: its first `blocks` (1 or 2) blocks'
// sign-magnitude codes as two's-complement int8 into codes (row stride codes_stride), each byte XOR-ed with
// `code_bias` (0x80: the value + 128 as an unsigned byte, how the GEMM reads signed activations; or 0),
// and their exponent bytes into exponents (row stride exponents_stride). Returns the raw codes OR-ed (bit 7
// set: a negative value).
using Bfp8TileRowsToInt8Fn = uint8_t (*)(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t blocks,
                                         int8_t* codes, size_t codes_stride, uint8_t* exponents,
                                         size_t exponents_stride, uint8_t code_bias);
// `rows` rows of `cols` floats (row stride `stride`) rounded in place to what bfloat8_b TILE storage holds:
// blocks of 16 columns from column 0 share an exponent, a last block's missing columns count as zeros.
// Bit-exact to encoding and decoding (formats/block_float.hpp).
using Bfp8RoundRowsFn = void (*)(float* values, size_t rows, size_t cols, size_t stride);
// `rows` rows of `cols` floats (cols a multiple of 16; row stride src_stride) encoded as bfloat8_b blocks of
// 16 and written as the int8 GEMM reads them: each block's codes as two's-complement int8 into codes (row
// stride codes_stride bytes), XOR-ed with `code_bias` (0x80: the value + 128 as an unsigned byte, how the
// GEMM reads signed activations; or 0), its exponent byte into exponents (row stride exponents_stride). The
// same bits as encoding into tiles and converting them (Bfp8TileRowsToInt8Fn). Returns the codes' sign bits
// OR-ed (0x80: a negative value).
using Bfp8EncodeInt8RowsFn = uint8_t (*)(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                                         size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                         uint8_t code_bias);
// The inverse: `rows` rows of `cols` values (a multiple of 16) of int8 GEMM rows in the form code_bias
// names, back to floats (row stride dst_stride): the same bits as decoding the tiles they came from.
using Bfp8DecodeInt8RowsFn = void (*)(const int8_t* codes, size_t codes_stride, const uint8_t* exponents,
                                      size_t exponents_stride, size_t rows, size_t cols, uint8_t code_bias, float* dst,
                                      size_t dst_stride);
// `count` values between float32 and bfloat16, bit-exact to formats/bfloat16.hpp (round to nearest even,
// NaN kept quiet).
using Bf16EncodeFn = void (*)(const float* values, size_t count, uint16_t* bits);
using Bf16DecodeFn = void (*)(const uint16_t* bits, size_t count, float* values);
// `rows` rows of `cols` floats (row stride `stride`) rounded in place to bfloat16 values: the bits of
// encoding and decoding them; nothing between the rows is touched. One call for a block's rows: narrow rows
// (16 or 24 channels of a wider stride) cost more in calls than in rounding.
using Bf16RoundRowsFn = void (*)(float* values, size_t rows, size_t cols, size_t stride);
// A residual add held in bfloat16 words: `rows` rows of `cols` values, a[i] + b[i] (b's words widened; a's NaN
// where both are NaN) clamped to [lo, hi] (NaN passes), rounded to bfloat16 (formats::float_to_bfloat16) and
// stored as words in `out`; the three row strides apart. One pass instead of decoding b, adding, rounding and taking the words.
using Bf16AddRowsFn = void (*)(const float* a, size_t a_stride, const uint16_t* b, size_t b_stride, size_t rows,
                               size_t cols, float lo, float hi, uint16_t* out, size_t out_stride);
// `channels` planes of `count` floats (plane ch at planes + ch * plane_stride: an NCHW image's) interleaved
// into `count` pixels of `channels` values (pixel i's channel ch at out[i * channels + ch]): as floats, or
// as bfloat16 bits rounded as Bf16EncodeFn rounds.
using PlanesToPixelsF32Fn = void (*)(const float* planes, size_t plane_stride, size_t channels, size_t count,
                                     float* out);
using PlanesToPixelsBf16Fn = void (*)(const float* planes, size_t plane_stride, size_t channels, size_t count,
                                      uint16_t* out);
// Rows [row0, row1) and columns [col0, col1) (both within 0..32) of a bfloat16 tile's storage (face order)
// to and from floats (row stride dst_stride / src_stride, the first row being row0); the same bits as
// Bf16DecodeFn / Bf16EncodeFn. Encoding writes only those columns.
using Bf16DecodeTileRowsFn = void (*)(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                      float* dst, size_t dst_stride);
using Bf16EncodeTileRowsFn = void (*)(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                                      uint32_t col1, uint16_t* tile);
// Rounds `count` floats in place to `bits` significant bits, nearest even (formats::round_significand).
using RoundSignificandFn = void (*)(float* values, size_t count, int bits);
// The top 16 bits of `rows` rows of `cols` floats (row stride values_stride; exactly their bfloat16 bits when
// they fit bfloat16) into rows of bits (row stride bits_stride); nothing past a row's cols is written.
using Bf16TopHalvesRowsFn = void (*)(const float* values, size_t values_stride, size_t rows, size_t cols,
                                     uint16_t* bits, size_t bits_stride);

using GemmF32Fn = void (*)(const GemmArgs& args);
using GemmPackedF32Fn = void (*)(const GemmPackedArgs& args);
using DwconvF32Fn = void (*)(const DwconvArgs& args);
using GemmBf16Fn = void (*)(const GemmBf16Args& args);
using GemmBfp8Fn = void (*)(const GemmBfp8Args& args);
using ConvRowsFn = void (*)(const ConvRowsArgs& args);

struct KernelTable {
  const char* isa = "ref";
  GemmF32Fn f32_gemm = nullptr;
  GemmPackedF32Fn f32_gemm_packed = nullptr;
  DwconvF32Fn f32_dwconv = nullptr;
  PeakFn f32_fma_peak = nullptr;
  Bfp8EncodeFn bfp8_encode = nullptr;
  Bfp8DecodeFn bfp8_decode = nullptr;
  Bf16EncodeFn bf16_encode = nullptr;
  Bf16DecodeFn bf16_decode = nullptr;
  RoundSignificandFn round_significand = nullptr;
  GemmBf16Fn bf16_gemm_packed = nullptr;
  Bf16TopHalvesRowsFn bf16_top_halves_rows = nullptr;
  // The tier's peak loop for bfloat16 operands (vdpbf16ps where the tier has it, else its fp32 FMA loop,
  // which is what its bf16 GEMM runs) and for int8 dot products (vpdpbusd; fp32 FMA where absent).
  PeakFn bf16_dot_peak = nullptr;
  PeakFn int8_dot_peak = nullptr;
  // The bfloat8_b GEMM (bfp8_gemm.hpp). Ops use it only where it runs on int8 dot products: elsewhere the
  // bfloat16 GEMM is faster than the portable integer loop.
  GemmBfp8Fn bfp8_gemm_packed = nullptr;
  bool bfp8_gemm_on_int8_dot = false;
  // bf16_gemm_packed reads GemmBf16Args::a_values (floats) instead of `a` (bfloat16 bits).
  bool bf16_gemm_reads_floats = false;
  Bfp8EncodePairFn bfp8_encode_pair = nullptr;
  Bfp8DecodeTileRowsFn bfp8_decode_tile_rows = nullptr;
  Bfp8TileRowsToInt8Fn bfp8_tile_rows_to_int8 = nullptr;
  Bfp8EncodeTileRowsFn bfp8_encode_tile_rows = nullptr;
  Bfp8RoundRowsFn bfp8_round_rows = nullptr;
  Bfp8EncodeInt8RowsFn bfp8_encode_int8_rows = nullptr;
  ConvRowsFn f32_conv_rows = nullptr;
  ConvRowsFn bf16_conv_rows = nullptr;
  Bf16DecodeTileRowsFn bf16_decode_tile_rows = nullptr;
  Bf16EncodeTileRowsFn bf16_encode_tile_rows = nullptr;
  Bf16RoundRowsFn bf16_round_rows = nullptr;
  Bf16AddRowsFn bf16_add_rows = nullptr;
  Bfp8DecodeInt8RowsFn bfp8_decode_int8_rows = nullptr;
  PlanesToPixelsF32Fn f32_planes_to_pixels = nullptr;
  PlanesToPixelsBf16Fn bf16_planes_to_pixels = nullptr;
  // bf16_gemm_packed (and bf16_conv_rows) add in the reference's order and give its bits; false for a
  // matrix engine that sums in its own order, within the bound GemmBf16Args states.
  bool bf16_gemm_in_reference_order = true;
  // The bfloat8_b GEMM for convs of at least bfp8_gemm_wide_min_n output channels and a reduction of at
  // least bfp8_gemm_wide_min_k (uses_bfp8_gemm_wide), reading GemmBfp8Args::packed_w_bf16 too: on AMX, the
  // values expanded to bfloat16 tiles (the same exact products, summed in the tiles' order: within
  // GemmBf16Args' bound of bfp8_gemm_packed's sums), faster where the expansion is repaid; elsewhere
  // bfp8_gemm_packed itself and no conv wide enough.
  GemmBfp8Fn bfp8_gemm_wide = nullptr;
  size_t bfp8_gemm_wide_min_n = SIZE_MAX, bfp8_gemm_wide_min_k = SIZE_MAX;
  // What bf16_gemm_packed and bf16_conv_rows multiply on, for reports (the AVX-512 tier chooses at start-up).
  const char* bf16_products = "fp32 multiply-adds";
  // f32_dwconv runs DwconvArgs::bf16_pairs faster than the fp32 FMAs of its default order (on vdpbf16ps);
  // every tier computes it, the others through the reference.
  bool dwconv_bf16_pairs = false;
  // bf16_gemm_packed writes GemmBf16Args::c_words (the others' outputs go through floats).
  bool bf16_gemm_writes_words = false;
};

// Whether a bfloat8_b conv of n output channels and reduction k runs table.bfp8_gemm_wide (by its shape,
// never by a call's: every split of it gives the same bits).
inline bool uses_bfp8_gemm_wide(const KernelTable& table, size_t n, size_t k) {
  return n >= table.bfp8_gemm_wide_min_n && k >= table.bfp8_gemm_wide_min_k;
}

// The tiers, slowest first; each one's table is complete (never null entries). amx is avx512 with the
// bfloat16 GEMM and bfloat8_b's wide convs on AMX tiles (Sapphire Rapids and later, where the OS grants
// the tile state).
enum class CpuIsa { ref, avx2, avx512, amx };
inline constexpr CpuIsa kAllCpuIsas[] = {CpuIsa::ref, CpuIsa::avx2, CpuIsa::avx512, CpuIsa::amx};
const char* isa_name(CpuIsa isa);

// Whether this build has kernels for `isa` and this CPU (and OS, via XCR0) can run them.
bool isa_available(CpuIsa isa);
// What the CPU offers, e.g. "avx2 fma f16c" (for messages and bench output).
const char* cpu_features();

// The table of the best available tier, capped by TTNN_CPU_ISA; read by ops when they build a program.
// A TTNN_CPU_ISA this build or CPU lacks throws ttnn::Unsupported naming the tier and the CPU's features.
const KernelTable& kernel_table();
// The chosen tier's name ("ref", "avx2", "avx512", "amx").
const char* cpu_isa();
// The table of one tier (tests and benchmarks run every tier); throws ttnn::Unsupported when unavailable.
const KernelTable& kernel_table_for(CpuIsa isa);

// The portable reference kernels (also the second oracle of the kernel tests).
void f32_gemm_ref(const GemmArgs& args);
void f32_gemm_packed_ref(const GemmPackedArgs& args);
void f32_dwconv_ref(const DwconvArgs& args);
double f32_fma_peak_ref(uint64_t iterations);
uint8_t bfp8_encode_ref(const float* values, uint8_t* codes);
void bfp8_encode_pair_ref(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents);
void bfp8_decode_ref(uint8_t exponent, const uint8_t* codes, float* values);
void bfp8_decode_tile_rows_ref(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                               float* dst, size_t dst_stride);
void bfp8_encode_tile_rows_ref(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile);
void bfp8_round_rows_ref(float* values, size_t rows, size_t cols, size_t stride);
uint8_t bfp8_encode_int8_rows_ref(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                                  size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                  uint8_t code_bias);
uint8_t bfp8_tile_rows_to_int8_ref(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t blocks, int8_t* codes,
                                   size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                   uint8_t code_bias);
void bfp8_decode_int8_rows_ref(const int8_t* codes, size_t codes_stride, const uint8_t* exponents,
                               size_t exponents_stride, size_t rows, size_t cols, uint8_t code_bias, float* dst,
                               size_t dst_stride);
void bf16_encode_ref(const float* values, size_t count, uint16_t* bits);
void bf16_decode_ref(const uint16_t* bits, size_t count, float* values);
void bf16_round_rows_ref(float* values, size_t rows, size_t cols, size_t stride);
void bf16_add_rows_ref(const float* a, size_t a_stride, const uint16_t* b, size_t b_stride, size_t rows, size_t cols,
                       float lo, float hi, uint16_t* out, size_t out_stride);
void bf16_decode_tile_rows_ref(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                               float* dst, size_t dst_stride);
void bf16_encode_tile_rows_ref(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                               uint32_t col1, uint16_t* tile);
void round_significand_ref(float* values, size_t count, int bits);
void f32_planes_to_pixels_ref(const float* planes, size_t plane_stride, size_t channels, size_t count, float* out);
void bf16_planes_to_pixels_ref(const float* planes, size_t plane_stride, size_t channels, size_t count,
                               uint16_t* out);
void bf16_gemm_packed_ref(const GemmBf16Args& args);
void bf16_top_halves_ref(const float* values, size_t count, uint16_t* bits);  // one row
void bf16_top_halves_rows_ref(const float* values, size_t values_stride, size_t rows, size_t cols, uint16_t* bits,
                              size_t bits_stride);
void f32_conv_rows_ref(const ConvRowsArgs& args);
void bf16_conv_rows_ref(const ConvRowsArgs& args);

// One core's measured peak of a peak loop (the table's f32_fma_peak, bf16_dot_peak or int8_dot_peak) in
// GFLOP/s (about 50 ms of work on this thread).
double measure_peak_gflops(PeakFn peak);

}  // namespace ttnn::kernels

namespace ttnn::kernels::testing {
// Tests only: makes kernel_table() return `isa`'s table until the returned guard is destroyed, so one
// process can compare whole ops across tiers. Not safe while ops run on other threads.
class ScopedCpuIsa {
 public:
  explicit ScopedCpuIsa(CpuIsa isa);
  ~ScopedCpuIsa();
  ScopedCpuIsa(const ScopedCpuIsa&) = delete;
  ScopedCpuIsa& operator=(const ScopedCpuIsa&) = delete;

 private:
  const KernelTable* previous_;
};
}  // namespace ttnn::kernels::testing
