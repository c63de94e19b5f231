// The GEMM on bfloat8_b operands blocked along the reduction (the `accurate` numerics, DESIGN.md): every
// 16-value block product is an exact integer dot product of the 7-bit magnitudes (with their signs) times
// 2^(Ea + Ew - 266), so an int8 dot-product instruction (vpdpbusd) computes it exactly. Only the fp32
// accumulation of the block products rounds, and every implementation adds them in one order, so the
// AVX-512 kernel and the reference give the same bits.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace ttnn::kernels {

inline constexpr size_t kBfp8Block = 16;       // values sharing an exponent: 16 consecutive k
inline constexpr size_t kBfp8PanelWidth = 16;  // output channels per panel of packed weights

// 2^(exponent - 133): the weight of magnitude 1 in a bfloat8_b block with this exponent byte (bias 127,
// 6 fraction bits). Exact in fp32 for every byte (2^-133 is a subnormal, 2^122 the largest).
constexpr float bfp8_exponent_scale(uint8_t exponent) {
  return std::bit_cast<float>(exponent >= 7 ? uint32_t(exponent - 6) << 23 : uint32_t(1) << (exponent + 16));
}
// The same for every exponent byte: a block's scale is one load (broadcast into a kernel's FMA).
inline constexpr std::array<float, 256> kBfp8ExponentScales = [] {
  std::array<float, 256> scales{};
  for (size_t e = 0; e < scales.size(); ++e) scales[e] = bfp8_exponent_scale(uint8_t(e));
  return scales;
}();

// Packed weights: panel p holds output channels [16p, 16p + 16), zero padded past n, as k / 16 block
// records of kBfp8BlockRecordBytes each, in block order:
//   codes  [4][16][4] int8: quad q of the block (k = 16b + 4q + j) for channel c at byte q*64 + c*4 + j,
//          so one 64-byte load feeds one vpdpbusd for 16 channels;
//   scale  [16] float: bfp8_exponent_scale(Ew) per channel (0 for padding);
//   offset [16] float: -128 * (sum of the block's 16 weights) * scale, exact: what a block product of
//          activations biased by +128 (signed activations read as unsigned bytes) must lose.
inline constexpr size_t kBfp8QuadBytes = 4 * kBfp8PanelWidth;
inline constexpr size_t kBfp8CodesBytes = 4 * kBfp8QuadBytes;
inline constexpr size_t kBfp8ScaleOffset = kBfp8CodesBytes;
inline constexpr size_t kBfp8OffsetOffset = kBfp8ScaleOffset + kBfp8PanelWidth * sizeof(float);
inline constexpr size_t kBfp8BlockRecordBytes = kBfp8OffsetOffset + kBfp8PanelWidth * sizeof(float);

constexpr size_t packed_gemm_weights_bfp8_bytes(size_t n, size_t k) {
  return (n + kBfp8PanelWidth - 1) / kBfp8PanelWidth * (k / kBfp8Block) * kBfp8BlockRecordBytes;
}
// codes: [n][k] signed values (sign and magnitude as a two's-complement int8 in [-127, 127]), row stride
// codes_row_stride; exponents: [n][k / 16] exponent bytes, row stride exponents_row_stride; k a multiple
// of 16; packed: packed_gemm_weights_bfp8_bytes(n, k) bytes (64-byte alignment helps, not required).
void pack_gemm_weights_bfp8(size_t n, size_t k, const int8_t* codes, size_t codes_row_stride,
                            const uint8_t* exponents, size_t exponents_row_stride, uint8_t* packed);
// The weights' values back as floats into w ([n][k], row stride k): each code times its block's scale.
void unpack_gemm_weights_bfp8(size_t n, size_t k, const uint8_t* packed, float* w);

// How the bytes of `a` hold the activations' values.
enum class Int8Activations {
  signed_values,  // two's complement: the kernel biases them by +128 and subtracts the weights' offsets
  nonnegative,    // every value >= 0 (after ReLU/ReLU6): read as unsigned bytes as they are
  biased,         // value + 128 as unsigned bytes (bfp8_tile_rows_to_int8 with code_bias 0x80): read as they
                  // are, the weights' offsets subtracted
};

// c[row][n] = clamp(bias[n] + sum_b blockdot(row, n, b) * 2^(Ea[row][b] + Ew[n][b] - 266), clamp_min,
// clamp_max), where blockdot is the exact int32 dot product of block b's 16 signed values. Arithmetic,
// the same in every implementation: per output, starting from +0, for each block b in order
//   acc = fma(float(blockdot) * bfp8_exponent_scale(Ew), bfp8_exponent_scale(Ea), acc)
// (the product is exact: the first factor is an integer below 2^18 times a power of two, so a block's
// contribution is exact and only the addition rounds), then acc + bias[n], then the clamp. Assumes the
// default MXCSR (no flush to zero) and exponent bytes below 188, which keep the products finite (real
// data sits near 127).
struct GemmBfp8Args {
  size_t m = 0, n = 0;
  size_t k = 0;  // a multiple of 16
  const int8_t* a = nullptr;      // [m][k] signed values, as the weights' codes
  size_t a_row_stride = 0;        // bytes
  const uint8_t* a_exponents = nullptr;  // [m][k / 16]
  size_t a_exponents_row_stride = 0;     // bytes
  Int8Activations activations = Int8Activations::signed_values;
  const uint8_t* packed_w = nullptr;  // pack_gemm_weights_bfp8, from the panel of output channel 0
  // The same weights as bfloat16 panels (pack_gemm_weights_bf16), from the same channel: what a kernel on
  // bfloat16 tiles reads instead (KernelTable::bfp8_gemm_wide); others ignore it.
  const uint16_t* packed_w_bf16 = nullptr;
  // The last block's k values 8-15 hold zero weights (the padding of a reduction of 16b + 8 channels, 24
  // say): their products are zero, and a kernel may skip them.
  bool last_block_half = false;
  const float* bias = nullptr;        // [n] or null
  float clamp_min = 0, clamp_max = 0;
  // After the clamp, each row's outputs rounded as bfloat8_b stores them, blocks of 16 columns from c's first
  // (bfp8_round_rows): in the epilogue instead of a second pass over the outputs.
  bool round_to_bfp8 = false;
  float* c = nullptr;
  size_t c_row_stride = 0;  // floats
};

// The portable reference (exact int32 block sums, the arithmetic above) and the AVX-512 VNNI kernel.
void bfp8_gemm_packed_ref(const GemmBfp8Args& args);
void bfp8_gemm_minmax_ukernel_6x32__avx512vnni(const GemmBfp8Args& args);
// The AMX tier's: the values expanded to bfloat16 tiles, summed in the tiles' order (x86_amx/bfp8_gemm.cpp).
void bfp8_gemm_minmax_ukernel_32x32__amx(const GemmBfp8Args& args);

}  // namespace ttnn::kernels
