// AVX-512 packed GEMMs with the bias + clamp epilogue fused: fp32 FMAs, and vdpbf16ps on bfloat16 operands.
// A tile is up to 12 rows x two 16-channel panels (one row x eight panels for a single row); each row's
// operand is broadcast from memory into the multiply (embedded broadcast), so a reduction step is two weight
// loads and 24 multiply instructions.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/cpu/flush_denormals.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {
namespace {

constexpr size_t kRows = 12;
constexpr size_t kShortRows = 4;  // tile_height: shorter last tiles share the rows of the one before

// ---- fp32 ----

template <size_t MR, size_t NP>
void f32_tile(const GemmPackedArgs& args, size_t m0, const float* panel, size_t n0, size_t cols) {
  __m512 acc[MR][NP];
  start_tile(acc, args.bias ? args.bias + n0 : nullptr, cols);
  const size_t k = args.k, panel_stride = 16 * k;
  const float* a = args.a + m0 * args.a_row_stride;
  for (size_t kk = 0; kk < k; ++kk) {
    __m512 w[NP];
    for (size_t j = 0; j < NP; ++j) w[j] = _mm512_loadu_ps(panel + j * panel_stride + kk * 16);
#pragma GCC unroll 12
    for (size_t r = 0; r < MR; ++r) {
      const __m512 va = _mm512_set1_ps(a[r * args.a_row_stride + kk]);
      for (size_t j = 0; j < NP; ++j) acc[r][j] = _mm512_fmadd_ps(va, w[j], acc[r][j]);
    }
  }
  store_tile<MR, NP, true>(nullptr, args.clamp_min, args.clamp_max, false, args.c + m0 * args.c_row_stride + n0,
                           args.c_row_stride, cols, acc);
}

// ---- bfloat16 pairs ----

// A bfloat16 GEMM tile's epilogue: as floats, or as words (GemmBf16Args::c_words).
template <size_t MR, size_t NP>
__attribute__((always_inline)) inline void store_bf16_tile(const GemmBf16Args& args, size_t m0, size_t n0,
                                                           size_t cols, __m512 (&acc)[MR][NP]) {
  if (args.c_words)
    return store_tile_words(args.clamp_min, args.clamp_max, args.c_words + m0 * args.c_row_stride + n0,
                            args.c_row_stride, cols, acc);
  store_tile<MR, NP, true>(nullptr, args.clamp_min, args.clamp_max, args.round_to_bf16,
                           args.c + m0 * args.c_row_stride + n0, args.c_row_stride, cols, acc);
}

template <size_t MR, size_t NP>
void bf16_tile(const GemmBf16Args& args, size_t m0, const uint16_t* panel, size_t n0, size_t cols) {
  __m512 acc[MR][NP];
  start_tile(acc, args.bias ? args.bias + n0 : nullptr, cols);
  const size_t pairs = bf16_pairs(args.k), panel_stride = bf16_panel_elems(args.k);
  const uint16_t* a = args.a + m0 * args.a_row_stride;
  for (size_t p = 0; p < pairs; ++p)
    dpbf16_pair(acc, panel, panel_stride, p, reinterpret_cast<const char*>(a + 2 * p),
                args.a_row_stride * sizeof(uint16_t));
  store_bf16_tile(args, m0, n0, cols, acc);
}

// ---- bfloat16 weights widened to fp32, fp32 activations ----

// The bfloat16 GEMM's order (pair p: element 2p + 1, then 2p) with fp32 FMAs: each product is exact, so
// this equals vdpbf16ps bit for bit under FTZ/DAZ, at the FMA rate.
template <size_t MR, size_t NP>
void widened_tile(const GemmBf16Args& args, size_t m0, const uint16_t* panel, size_t n0, size_t cols) {
  __m512 acc[MR][NP];
  start_tile(acc, args.bias ? args.bias + n0 : nullptr, cols);
  const size_t k = args.k, full_pairs = k / 2, panel_stride = bf16_panel_elems(k);
  const float* a = args.a_values + m0 * args.a_values_row_stride;
  const __m512i high = _mm512_set1_epi32(int32_t(0xFFFF0000u));
  auto step = [&](size_t p, bool has_odd) {
    __m512 w_even[NP], w_odd[NP];
    for (size_t j = 0; j < NP; ++j) {
      const __m512i pairs = _mm512_loadu_si512(reinterpret_cast<const void*>(panel + j * panel_stride + p * 32));
      w_even[j] = _mm512_castsi512_ps(_mm512_slli_epi32(pairs, 16));
      w_odd[j] = _mm512_castsi512_ps(_mm512_and_si512(pairs, high));
    }
#pragma GCC unroll 12
    for (size_t r = 0; r < MR; ++r) {
      const float* row = a + r * args.a_values_row_stride + 2 * p;
      if (has_odd) {
        const __m512 odd = _mm512_set1_ps(row[1]);
        for (size_t j = 0; j < NP; ++j) acc[r][j] = _mm512_fmadd_ps(odd, w_odd[j], acc[r][j]);
      }
      const __m512 even = _mm512_set1_ps(row[0]);
      for (size_t j = 0; j < NP; ++j) acc[r][j] = _mm512_fmadd_ps(even, w_even[j], acc[r][j]);
    }
  };
  for (size_t p = 0; p < full_pairs; ++p) step(p, true);
  // An odd k's last pair has no element k: its product would add +0, which changes nothing.
  if (k % 2) step(full_pairs, false);
  store_bf16_tile(args, m0, n0, cols, acc);
}

// Column strips of 32 (two panels, or one for the last 16), rows in tiles of 12 (row_tiles: the last ones
// shorter; a single row takes strips of eight panels first):
// tile(rows, panels, m0, panel, n0, cols) with rows and panels as std::integral_constants.
template <typename Args, typename Weight, typename Tile>
void run(const Args& args, size_t panel_elems, const Weight* packed, Tile tile) {
  size_t n0 = 0;
  // One row (a classifier's matrix-vector product): a column's k steps are one chain of dependent FMAs,
  // so eight panels at a time keep eight chains in flight instead of two.
  if (args.m == 1)
    for (; n0 + 128 <= args.n; n0 += 128)
      tile(std::integral_constant<size_t, 1>{}, std::integral_constant<size_t, 8>{}, 0, packed + n0 / 16 * panel_elems,
           n0, 128);
  for (; n0 < args.n; n0 += 32) {
    const Weight* panel = packed + n0 / 16 * panel_elems;
    const size_t cols = std::min<size_t>(32, args.n - n0);
    auto rows_tile = [&](auto mr, size_t m0) {
      if (cols > 16) tile(mr, std::integral_constant<size_t, 2>{}, m0, panel, n0, cols);
      else tile(mr, std::integral_constant<size_t, 1>{}, m0, panel, n0, cols);
    };
    row_tiles<kRows, kShortRows>(args.m, rows_tile);
  }
}

}  // namespace

void f32_gemm_minmax_ukernel_12x32__avx512f(const GemmPackedArgs& args) {
  run(args, 16 * args.k, args.packed_w, [&](auto mr, auto np, size_t m0, const float* panel, size_t n0, size_t cols) {
    f32_tile<decltype(mr)::value, decltype(np)::value>(args, m0, panel, n0, cols);
  });
}

namespace {

// tile(args, rows, panels, m0, panel, n0, cols) as run's tile. Under FTZ/DAZ no output is subnormal (the
// clamp bounds read as zero too), so the epilogue's vcvtneps2bf16 rounds every output exactly.
template <typename Tile>
void run_bf16(const GemmBf16Args& args, Tile tile) {
  const FlushDenormals flush;
  run(args, bf16_panel_elems(args.k), args.packed_w,
      [&](auto mr, auto np, size_t m0, const uint16_t* panel, size_t n0, size_t cols) {
        tile(args, mr, np, m0, panel, n0, cols);
      });
}

}  // namespace

void bf16_gemm_minmax_ukernel_12x32__avx512bf16(const GemmBf16Args& args) {
  run_bf16(args, [](const GemmBf16Args& call, auto mr, auto np, size_t m0, const uint16_t* panel, size_t n0,
                    size_t cols) { bf16_tile<decltype(mr)::value, decltype(np)::value>(call, m0, panel, n0, cols); });
}

void bf16_gemm_minmax_ukernel_12x32__avx512f(const GemmBf16Args& args) {
  run_bf16(args, [](const GemmBf16Args& call, auto mr, auto np, size_t m0, const uint16_t* panel, size_t n0,
                    size_t cols) { widened_tile<decltype(mr)::value, decltype(np)::value>(call, m0, panel, n0, cols); });
}

namespace {

__attribute__((always_inline)) inline void top_halves(const float* values, size_t count, uint16_t* bits) {
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m512i words = _mm512_loadu_si512(reinterpret_cast<const void*>(values + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(bits + i), _mm512_cvtepi32_epi16(_mm512_srli_epi32(words, 16)));
  }
  if (i < count) {
    const __mmask16 m = lanes(count - i);
    const __m512i words = _mm512_maskz_loadu_epi32(m, values + i);
    _mm512_mask_cvtepi32_storeu_epi16(bits + i, m, _mm512_srli_epi32(words, 16));
  }
}

}  // namespace

void bf16_top_halves__avx512(const float* values, size_t count, uint16_t* bits) { top_halves(values, count, bits); }

void bf16_top_halves_rows__avx512(const float* values, size_t values_stride, size_t rows, size_t cols, uint16_t* bits,
                                  size_t bits_stride) {
  for (size_t r = 0; r < rows; ++r) top_halves(values + r * values_stride, cols, bits + r * bits_stride);
}

}  // namespace ttnn::kernels
