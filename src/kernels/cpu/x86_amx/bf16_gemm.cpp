// The bfloat16 GEMM on AMX tiles (tdpbf16ps): 32 rows x 32 output channels a step, four 16x16 fp32
// accumulator tiles fed by two activation tiles (16 rows x 32 reduction elements) and two weight tiles
// (16 pairs x 16 channels, the packed panels as they are). The tiles accumulate the whole reduction, then
// the epilogue (bias, clamp and rounding) runs on the stored sums with the AVX-512 tier's code.
//
// tdpbf16ps sums the products in an order of its own, so outputs are not the reference's bits: each is
// the exact sum's fp32 rounding within the accumulation bound (kernels.hpp, GemmBf16Args), and the same
// whatever the rows or channels of the call, since every output runs the same tile steps over k.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/cpu/flush_denormals.hpp"
#include "kernels/cpu/x86_amx/tiles.hpp"

namespace ttnn::kernels {
namespace {

using amx::ActivationRows;
using amx::kChunk;

// The rows read in place when they hold whole chunks and all of the group's rows exist; else copied.
ActivationRows activation_rows(const GemmBf16Args& args, size_t m0, size_t rows, size_t chunks, uint16_t* scratch) {
  const size_t group_rows = amx::group_rows(rows);
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

}  // namespace

void configure_amx_tiles() {
  struct alignas(64) TileConfig {
    uint8_t palette = 1, start_row = 0, reserved[14] = {};
    uint16_t bytes_per_row[16] = {};
    uint8_t rows[16] = {};
  };
  static const TileConfig kConfig = [] {
    TileConfig config;
    for (size_t t = 0; t < 8; ++t) config.bytes_per_row[t] = 64, config.rows[t] = kTileRows;
    return config;
  }();
  // Whatever ran on this thread before (another library's AMX kernels, a tilerelease) may have left other
  // shapes or none: the configuration in force is read back (sttilecfg, about 12 cycles) rather than trusted
  // to a per-thread flag, and loaded (about 120) only when it differs. The asm names all 64 bytes each
  // instruction touches: the compiler's _tile_loadconfig names only the first 8.
  alignas(64) TileConfig current;
  __asm__ volatile("sttilecfg %0" : "=m"(current));
  if (std::memcmp(&current, &kConfig, sizeof current) != 0) __asm__ volatile("ldtilecfg %0" : : "m"(kConfig));
}

void bf16_gemm_minmax_ukernel_32x32__amx(const GemmBf16Args& args) {
  const FlushDenormals flush;  // the epilogue's bias addition and rounding flush as the tiles do
  amx::gemm<4>(
      args.m, args.k, args.n, args.packed_w,
      [&](size_t m0, size_t rows, size_t chunks, uint16_t* scratch) {
        return activation_rows(args, m0, rows, chunks, scratch);
      },
      [&](auto& acc, size_t row, size_t n0, size_t cols) {
        using Acc = decltype(acc);
        store_tile<amx::kAccRows<Acc>, amx::kAccPanels<Acc>, false>(
            args.bias ? args.bias + n0 : nullptr, args.clamp_min, args.clamp_max, args.round_to_bf16,
            args.c + row * args.c_row_stride + n0, args.c_row_stride, cols, acc);
      });
}

}  // namespace ttnn::kernels
