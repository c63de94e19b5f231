// The bfloat8_b GEMM on AVX-512 VNNI (arithmetic in bfp8_gemm.hpp). A tile is up to 6 rows x two 16-channel
// panels. Per block of 16 k: four vpdpbusd per row and panel give the exact int32 block sums (activation
// bytes broadcast, weights one 64-byte load per quad shared by all rows); then one conversion, one multiply
// by the channels' scales (an FMA with the offsets for signed activations: no extra instruction) and one FMA
// with the row's scale broadcast from a table. That scaling is 3 instructions per 4 vpdpbusd, so the tile
// keeps 12 int32 sums and 12 fp32 accumulators in registers to hide latencies.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/bfp8_gemm.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"
#include "kernels/cpu/x86_avx512/bfp8_blocks.hpp"

namespace ttnn::kernels {
namespace {

constexpr size_t kRows = 6;
constexpr size_t kStripWidth = 2 * kBfp8PanelWidth;

int32_t load_quad(const uint8_t* bytes) {
  int32_t quad;
  std::memcpy(&quad, bytes, sizeof quad);
  return quad;
}

// Rows m0.. of the product against NP panels of packed weights. a: the tile's activations as the unsigned
// bytes vpdpbusd reads (the values themselves, or the values + 128 when kBiased).
// Inlined into its caller's strip loop: called once per tile, a k of 16 or 32 spent a third of its time
// entering and leaving it.
template <size_t MR, size_t NP, bool kBiased>
__attribute__((always_inline)) inline void bfp8_tile(const GemmBfp8Args& args, const uint8_t* a, size_t a_row_stride,
                                                     size_t m0, const uint8_t* panel, size_t panel_stride, size_t n0,
                                                     size_t cols) {
  __m512 acc[MR][NP];
  const size_t blocks = args.k / kBfp8Block;
  // One block: its product is exact, so starting from the bias rounds once as adding it after does.
  const bool bias_first = blocks == 1 && args.bias;
  start_tile(acc, bias_first ? args.bias + n0 : nullptr, cols);
  const uint8_t* a_exponents = args.a_exponents + m0 * args.a_exponents_row_stride;
  // Block b, its first kQuads quads (the others' weights zero where 2).
  const auto block = [&](size_t b, auto quads) __attribute__((always_inline)) {
    constexpr size_t kQuads = decltype(quads)::value;
    const uint8_t* record = panel + b * kBfp8BlockRecordBytes;
    const uint8_t* a_block = a + b * kBfp8Block;
    __m512i dot[MR][NP];
    fill_tile(dot, _mm512_setzero_si512());
#pragma GCC unroll 4
    for (size_t q = 0; q < kQuads; ++q) {
      __m512i w[NP];
      for (size_t j = 0; j < NP; ++j)
        w[j] = _mm512_loadu_si512(reinterpret_cast<const void*>(record + j * panel_stride + q * kBfp8QuadBytes));
#pragma GCC unroll 6
      for (size_t r = 0; r < MR; ++r) {
        const __m512i quad = _mm512_set1_epi32(load_quad(a_block + r * a_row_stride + 4 * q));
        for (size_t j = 0; j < NP; ++j) dot[r][j] = _mm512_dpbusd_epi32(dot[r][j], quad, w[j]);
      }
    }
#pragma GCC unroll 6
    for (size_t r = 0; r < MR; ++r) {
      const __m512 row_scale = _mm512_set1_ps(kBfp8ExponentScales[a_exponents[r * args.a_exponents_row_stride + b]]);
      for (size_t j = 0; j < NP; ++j) {
        const uint8_t* channels = record + j * panel_stride;
        const __m512 scale = _mm512_loadu_ps(channels + kBfp8ScaleOffset);
        const __m512 sum = _mm512_cvtepi32_ps(dot[r][j]);
        // Exact: an integer below 2^20 times a power of two, less the bias's exact share.
        const __m512 weighted = kBiased ? _mm512_fmadd_ps(sum, scale, _mm512_loadu_ps(channels + kBfp8OffsetOffset))
                                        : _mm512_mul_ps(sum, scale);
        acc[r][j] = _mm512_fmadd_ps(weighted, row_scale, acc[r][j]);
      }
    }
  };
  const size_t whole_blocks = args.last_block_half ? blocks - 1 : blocks;
  for (size_t b = 0; b < whole_blocks; ++b) block(b, std::integral_constant<size_t, 4>{});
  if (whole_blocks < blocks) block(whole_blocks, std::integral_constant<size_t, 2>{});

  // The arguments in locals: each store to c could alias them in memory, so read through `args` they were
  // loaded again after every store (a tenth of the time at k = 16).
  float* const c = args.c + m0 * args.c_row_stride + n0;
  const size_t c_row_stride = args.c_row_stride;
  __mmask16 mask[NP];
  add_bias_and_clamp(acc, mask, cols, bias_first ? nullptr : args.bias ? args.bias + n0 : nullptr, args.clamp_min,
                     args.clamp_max);
  if (args.round_to_bfp8) return store_all_rounded(acc, mask, c, c_row_stride, args.clamp_min);
  for (size_t j = 0; j < NP; ++j)
#pragma GCC unroll 6
    for (size_t r = 0; r < MR; ++r) _mm512_mask_storeu_ps(c + r * c_row_stride + 16 * j, mask[j], acc[r][j]);
}

// One tile of rows against every output channel: the tile's activations stay in L1 while the weights
// stream from L2, and each output row is written whole (column strips over all rows would write partial
// cache lines of an output larger than L2: half the speed on the 112x112 expand layer).
template <size_t MR, bool kBiased>
void tile_rows(const GemmBfp8Args& args, const uint8_t* a, size_t a_row_stride, size_t m0) {
  const size_t panel_stride = args.k / kBfp8Block * kBfp8BlockRecordBytes;
  for (size_t n0 = 0; n0 < args.n; n0 += kStripWidth) {
    const uint8_t* panel = args.packed_w + n0 / kBfp8PanelWidth * panel_stride;
    const size_t cols = std::min(kStripWidth, args.n - n0);
    if (cols > kBfp8PanelWidth) bfp8_tile<MR, 2, kBiased>(args, a, a_row_stride, m0, panel, panel_stride, n0, cols);
    else bfp8_tile<MR, 1, kBiased>(args, a, a_row_stride, m0, panel, panel_stride, n0, cols);
  }
}

template <bool kBiased, size_t MR = kRows>
void any_rows(size_t rows, const GemmBfp8Args& args, const uint8_t* a, size_t a_row_stride, size_t m0) {
  if constexpr (MR > 0) {
    if (rows == MR) tile_rows<MR, kBiased>(args, a, a_row_stride, m0);
    else any_rows<kBiased, MR - 1>(rows, args, a, a_row_stride, m0);
  }
}

// Signed values to the unsigned bytes value + 128 (a flip of the sign bit), `rows` rows of k bytes into
// rows of dst_row_stride (a multiple of 64 bytes, dst 64-byte aligned): whole-vector stores, as masked
// byte stores cost a third of the speed on the layers with k = 32.
void bias_rows(const int8_t* src, size_t src_row_stride, size_t rows, size_t k, uint8_t* dst, size_t dst_row_stride) {
  const __m512i sign = _mm512_set1_epi8(char(0x80));
  for (size_t r = 0; r < rows; ++r)
    for (size_t i = 0; i < k; i += 64) {
      const __mmask64 part = k - i >= 64 ? ~__mmask64(0) : (__mmask64(1) << (k - i)) - 1;
      const __m512i values = _mm512_maskz_loadu_epi8(part, src + r * src_row_stride + i);
      _mm512_store_si512(reinterpret_cast<void*>(dst + r * dst_row_stride + i), _mm512_xor_si512(values, sign));
    }
}

// Activations the kernel reads as unsigned bytes as they are: values >= 0, or (kBiased) values + 128.
template <bool kBiased>
void run_unsigned(const GemmBfp8Args& args) {
  const uint8_t* a = reinterpret_cast<const uint8_t*>(args.a);
  for (size_t m0 = 0; m0 < args.m; m0 += kRows)
    any_rows<kBiased>(std::min(kRows, args.m - m0), args, a + m0 * args.a_row_stride, args.a_row_stride, m0);
}

// Signed activations are biased one tile ahead into two alternating buffers: a tile's broadcasts never
// read bytes still in the store buffer (failed store-to-load forwarding stalls them), and each row is
// biased once for all output channels.
void run_signed(const GemmBfp8Args& args) {
  const size_t row_stride = (args.k + 63) / 64 * 64, tile_bytes = kRows * row_stride;
  thread_local std::vector<uint8_t> storage;  // grown once per thread: a forward pass allocates nothing
  if (storage.size() < 2 * tile_bytes + 64) storage.resize(2 * tile_bytes + 64);
  uint8_t* const biased = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  auto bias_tile = [&](size_t m0, size_t t) {
    bias_rows(args.a + m0 * args.a_row_stride, args.a_row_stride, std::min(kRows, args.m - m0), args.k,
              biased + t % 2 * tile_bytes, row_stride);
  };
  if (args.m > 0) bias_tile(0, 0);
  for (size_t m0 = 0, t = 0; m0 < args.m; m0 += kRows, ++t) {
    if (m0 + kRows < args.m) bias_tile(m0 + kRows, t + 1);
    any_rows<true>(std::min(kRows, args.m - m0), args, biased + t % 2 * tile_bytes, row_stride, m0);
  }
}

}  // namespace

void bfp8_gemm_minmax_ukernel_6x32__avx512vnni(const GemmBfp8Args& args) {
  switch (args.activations) {
    case Int8Activations::biased: return run_unsigned<true>(args);
    case Int8Activations::nonnegative: return run_unsigned<false>(args);
    case Int8Activations::signed_values: return run_signed(args);
  }
}

}  // namespace ttnn::kernels
