// The bfloat16 GEMM on AMX tiles (tdpbf16ps): 32 rows x 32 output channels a step, four 16x16 fp32
// accumulator tiles fed by two activation tiles (16 rows x 32 reduction elements) and two weight tiles
// (16 pairs x 16 channels, the packed panels as they are). The tiles accumulate the whole reduction, then
// the epilogue (bias, clamp, rounding and cut) runs on the stored sums with the AVX-512 tier's code.
//
// tdpbf16ps sums the products in an order of its own, so outputs are not the reference's bits: each is
// the exact sum's fp32 rounding within the accumulation bound (kernels.hpp, GemmBf16Args), and the same
// whatever the rows or channels of the call, since every output runs the same tile steps over k.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/cpu/flush_denormals.hpp"
#include "kernels/cpu/x86_amx/amx.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {
namespace {

constexpr size_t kChunk = 32;      // reduction elements per activation tile row (64 bytes)
constexpr size_t kGroupRows = 32;  // activation rows a step: two tiles

struct SumsTile {
  float values[kTileRows][16];
};

// tilestored naming the 1 KiB it writes: the compiler's own intrinsic clobbers all memory, which would
// keep the epilogue's values out of registers.
#define TTNN_TILE_STORE(tile, sums)                                                                 \
  __asm__ volatile("tilestored %%tmm" #tile ", (%1,%2,1)" : "=m"(*(sums)) : "r"((sums)->values), \
                   "r"(int64_t(sizeof(SumsTile::values[0]))))

// The activation rows a step reads, as tiles take them: row r at rows + r * stride, the reduction in whole
// chunks. Rows read in place when they hold whole chunks and all of them exist; otherwise copied with zeros
// past k and past the last row (zero activations meet zero or finite weights: their products add +0).
struct ActivationRows {
  const uint16_t* rows;
  size_t stride;  // elements
};

ActivationRows activation_rows(const GemmBf16Args& args, size_t m0, size_t rows, size_t group_rows, size_t chunks,
                               uint16_t* scratch) {
  if (args.k % kChunk == 0 && rows == group_rows) return {args.a + m0 * args.a_row_stride, args.a_row_stride};
  const size_t padded = chunks * kChunk;
  for (size_t r = 0; r < group_rows; ++r) {
    uint16_t* dst = scratch + r * padded;
    const size_t copied = r < rows ? args.k : 0;
    if (copied) std::memcpy(dst, args.a + (m0 + r) * args.a_row_stride, copied * sizeof(uint16_t));
    std::fill(dst + copied, dst + padded, uint16_t(0));
  }
  return {scratch, padded};
}

// One step: kGroups activation tiles x kPanels weight panels, the whole reduction, then the epilogue.
template <size_t kGroups, size_t kPanels>
void step(const GemmBf16Args& args, ActivationRows a, size_t chunks, size_t m0, size_t rows, size_t n0, size_t cols) {
  const size_t panel_elems = bf16_panel_elems(args.k);
  const uint16_t* w0 = args.packed_w + packed_gemm_weights_bf16_panel(n0, args.k);
  const uint16_t* w1 = w0 + panel_elems;
  const size_t a_bytes = a.stride * sizeof(uint16_t), w_bytes = 2 * kGemmPanelWidth * sizeof(uint16_t);
  // The compiler's tileloadd names no memory it reads: the rows copied into scratch must be stored first.
  __asm__ volatile("" : : : "memory");
  _tile_zero(0);
  if constexpr (kPanels == 2) _tile_zero(1);
  if constexpr (kGroups == 2) _tile_zero(2);
  if constexpr (kGroups == 2 && kPanels == 2) _tile_zero(3);
  for (size_t c = 0; c < chunks; ++c) {
    _tile_loadd(4, a.rows + c * kChunk, a_bytes);
    _tile_loadd(6, w0 + c * kChunk * kGemmPanelWidth, w_bytes);
    _tile_dpbf16ps(0, 4, 6);
    if constexpr (kPanels == 2) {
      _tile_loadd(7, w1 + c * kChunk * kGemmPanelWidth, w_bytes);
      _tile_dpbf16ps(1, 4, 7);
    }
    if constexpr (kGroups == 2) {
      _tile_loadd(5, a.rows + kTileRows * a.stride + c * kChunk, a_bytes);
      _tile_dpbf16ps(2, 5, 6);
      if constexpr (kPanels == 2) _tile_dpbf16ps(3, 5, 7);
    }
  }
  alignas(64) SumsTile sums[2][2];
  TTNN_TILE_STORE(0, &sums[0][0]);
  if constexpr (kPanels == 2) TTNN_TILE_STORE(1, &sums[0][1]);
  if constexpr (kGroups == 2) TTNN_TILE_STORE(2, &sums[1][0]);
  if constexpr (kGroups == 2 && kPanels == 2) TTNN_TILE_STORE(3, &sums[1][1]);

  constexpr size_t kEpilogueRows = 4;
  const float* bias = args.bias ? args.bias + n0 : nullptr;
  for (size_t r0 = 0; r0 < rows; r0 += kEpilogueRows) {
    tail_rows<kEpilogueRows>(std::min(kEpilogueRows, rows - r0), [&](auto mr) {
      constexpr size_t kRows = decltype(mr)::value;
      __m512 acc[kRows][kPanels];
      for (size_t r = 0; r < kRows; ++r)
        for (size_t j = 0; j < kPanels; ++j)
          acc[r][j] = _mm512_load_ps(sums[(r0 + r) / kTileRows][j].values[(r0 + r) % kTileRows]);
      store_tile<kRows, kPanels, false>(bias, args.clamp_min, args.clamp_max, args.round_to_bf16, args.cut_bits,
                                        args.c + (m0 + r0) * args.c_row_stride + n0, args.c_row_stride, cols, acc);
    });
  }
}

}  // namespace

void configure_amx_tiles() {
  thread_local bool configured = false;
  if (configured) return;
  struct alignas(64) TileConfig {
    uint8_t palette = 1, start_row = 0, reserved[14] = {};
    uint16_t bytes_per_row[16] = {};
    uint8_t rows[16] = {};
  } config;
  for (size_t t = 0; t < 8; ++t) config.bytes_per_row[t] = 64, config.rows[t] = kTileRows;
  // ldtilecfg naming all 64 bytes it reads: the compiler's _tile_loadconfig names only the first 8, so the
  // stores of the shapes could be dropped as dead (a zero-row configuration, then #UD at the first tile op).
  __asm__ volatile("ldtilecfg %0" : : "m"(config));
  configured = true;
}

void bf16_gemm_minmax_ukernel_32x32__amx(const GemmBf16Args& args) {
  configure_amx_tiles();
  const FlushDenormals flush;  // the epilogue's bias addition and rounding flush as the tiles do
  const size_t chunks = (args.k + kChunk - 1) / kChunk;
  thread_local std::vector<uint16_t> scratch;  // grown once per thread: a forward pass allocates nothing
  if (scratch.size() < kGroupRows * chunks * kChunk + 32) scratch.resize(kGroupRows * chunks * kChunk + 32);
  uint16_t* const aligned = scratch.data() + (64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64 / 2;
  for (size_t m0 = 0; m0 < args.m; m0 += kGroupRows) {
    const size_t rows = std::min(kGroupRows, args.m - m0);
    const size_t group_rows = rows > kTileRows ? kGroupRows : kTileRows;
    const ActivationRows a = activation_rows(args, m0, rows, group_rows, chunks, aligned);
    for (size_t n0 = 0; n0 < args.n; n0 += 2 * kGemmPanelWidth) {
      const size_t cols = std::min(2 * kGemmPanelWidth, args.n - n0);
      const bool two_panels = cols > kGemmPanelWidth;
      if (group_rows == kGroupRows) {
        if (two_panels) step<2, 2>(args, a, chunks, m0, rows, n0, cols);
        else step<2, 1>(args, a, chunks, m0, rows, n0, cols);
      } else {
        if (two_panels) step<1, 2>(args, a, chunks, m0, rows, n0, cols);
        else step<1, 1>(args, a, chunks, m0, rows, n0, cols);
      }
    }
  }
}

}  // namespace ttnn::kernels
