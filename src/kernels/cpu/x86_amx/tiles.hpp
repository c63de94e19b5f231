// The AMX GEMMs' common part: activation rows as tiles take them, and the tile loop over a row group and
// every output channel (tdpbf16ps, the whole reduction in the tiles), handing each step's sums to an
// epilogue. Private to the AMX sources (compiled with the tile flags).
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/cpu/x86_amx/amx.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels::amx {

inline constexpr size_t kChunk = 32;      // reduction elements per activation tile row (64 bytes)
inline constexpr size_t kGroupRows = 32;  // activation rows a step: two tiles

struct SumsTile {
  float values[kTileRows][16];
};

// tilestored naming the 1 KiB it writes: the compiler's own intrinsic clobbers all memory, which would
// keep the epilogue's values out of registers.
#define TTNN_TILE_STORE(tile, sums)                                                                 \
  __asm__ volatile("tilestored %%tmm" #tile ", (%1,%2,1)" : "=m"(*(sums)) : "r"((sums)->values), \
                   "r"(int64_t(sizeof(::ttnn::kernels::amx::SumsTile::values[0]))))

// Activation rows as tiles read them: row r at rows + r * stride (elements), the reduction in whole chunks,
// zeros past k and past the last row (zero activations meet zero or finite weights: their products add +0).
struct ActivationRows {
  const uint16_t* rows;
  size_t stride;
};

// Rows of a step: a group of two tiles where more than 16 rows remain, else one.
inline size_t group_rows(size_t rows) { return rows > kTileRows ? kGroupRows : kTileRows; }

// One step: kGroups activation tiles x kPanels weight panels (w0, and w0 + panel_elems), then
// epilogue(acc, r0, cols) for the step's rows kEpilogueRows at a time: acc holds rows r0.. of the step, its
// panels' sums.
template <size_t kGroups, size_t kPanels, size_t kEpilogueRows, typename Epilogue>
void step(ActivationRows a, size_t chunks, const uint16_t* w0, size_t panel_elems, size_t rows, size_t cols,
          Epilogue& epilogue) {
  const uint16_t* w1 = w0 + panel_elems;
  const size_t a_bytes = a.stride * sizeof(uint16_t), w_bytes = 2 * kGemmPanelWidth * sizeof(uint16_t);
  // The compiler's tileloadd names no memory it reads: rows copied into scratch must be stored first.
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

  for (size_t r0 = 0; r0 < rows; r0 += kEpilogueRows) {
    tail_rows<kEpilogueRows>(std::min(kEpilogueRows, rows - r0), [&](auto mr) {
      constexpr size_t kRows = decltype(mr)::value;
      __m512 acc[kRows][kPanels];
      for (size_t r = 0; r < kRows; ++r)
        for (size_t j = 0; j < kPanels; ++j)
          acc[r][j] = _mm512_load_ps(sums[(r0 + r) / kTileRows][j].values[(r0 + r) % kTileRows]);
      epilogue(acc, r0, cols);
    });
  }
}

// A row group (`rows` rows of `a`) against every output channel [0, n) of the packed panels at w:
// epilogue(acc, r0, n0, cols) per step and kEpilogueRows rows, channels n0.. (cols of them, up to 32).
template <size_t kEpilogueRows, typename Epilogue>
void rows_times_panels(ActivationRows a, size_t chunks, size_t rows, const uint16_t* w, size_t panel_elems, size_t n,
                       Epilogue epilogue) {
  const bool two_groups = group_rows(rows) == kGroupRows;
  for (size_t n0 = 0; n0 < n; n0 += 2 * kGemmPanelWidth) {
    const size_t cols = std::min(2 * kGemmPanelWidth, n - n0);
    const uint16_t* w0 = w + n0 / kGemmPanelWidth * panel_elems;
    auto at_n0 = [&](auto& acc, size_t r0, size_t step_cols) { epilogue(acc, r0, n0, step_cols); };
    if (two_groups) {
      if (cols > kGemmPanelWidth) step<2, 2, kEpilogueRows>(a, chunks, w0, panel_elems, rows, cols, at_n0);
      else step<2, 1, kEpilogueRows>(a, chunks, w0, panel_elems, rows, cols, at_n0);
    } else {
      if (cols > kGemmPanelWidth) step<1, 2, kEpilogueRows>(a, chunks, w0, panel_elems, rows, cols, at_n0);
      else step<1, 1, kEpilogueRows>(a, chunks, w0, panel_elems, rows, cols, at_n0);
    }
  }
}

// 64-byte aligned per-thread scratch for one row group of `chunks` chunks (grown once per thread: a
// forward pass allocates nothing).
inline uint16_t* group_scratch(size_t chunks) {
  thread_local std::vector<uint16_t> scratch;
  if (scratch.size() < kGroupRows * chunks * kChunk + 32) scratch.resize(kGroupRows * chunks * kChunk + 32);
  return scratch.data() + (64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64 / 2;
}

// Rows and panels of an epilogue's accumulators (acc: __m512[rows][panels]).
template <typename Acc>
inline constexpr size_t kAccRows = std::extent_v<std::remove_reference_t<Acc>, 0>;
template <typename Acc>
inline constexpr size_t kAccPanels = std::extent_v<std::remove_reference_t<Acc>, 1>;

// A whole GEMM on the tiles: m rows of a reduction of k in row groups, each group's rows as
// rows_of(m0, rows, chunks, scratch) makes them, times the n channels of the bfloat16 panels at w;
// epilogue(acc, row, n0, cols) for each step's rows kEpilogueRows at a time (row: the first one's, of m).
template <size_t kEpilogueRows, typename RowsOf, typename Epilogue>
void gemm(size_t m, size_t k, size_t n, const uint16_t* w, RowsOf rows_of, Epilogue epilogue) {
  configure_amx_tiles();
  const size_t chunks = (k + kChunk - 1) / kChunk;
  uint16_t* const scratch = group_scratch(chunks);
  for (size_t m0 = 0; m0 < m; m0 += kGroupRows) {
    const size_t rows = std::min(kGroupRows, m - m0);
    rows_times_panels<kEpilogueRows>(rows_of(m0, rows, chunks, scratch), chunks, rows, w, bf16_panel_elems(k), n,
                                     [&](auto& acc, size_t r0, size_t n0, size_t cols) {
                                       epilogue(acc, m0 + r0, n0, cols);
                                     });
  }
}

}  // namespace ttnn::kernels::amx
