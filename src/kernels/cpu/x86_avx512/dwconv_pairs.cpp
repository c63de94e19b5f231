// AVX-512 depthwise 3x3 convolution on bfloat16 operands, the taps summed in vdpbf16ps pairs
// (DwconvArgs::bf16_pairs): six vdpbf16ps an output vector where the fp32 kernel runs nine FMAs. The inputs
// are floats holding bfloat16 values, so a float read as a dword is already a pair: its value in the upper
// (odd) element, +0 in the lower, which is how a lone row's column goes in. A pair of rows is the upper row
// shifted down a half, OR-ed with the lower row. At stride 1 an output row whose window starts at an odd
// image row shares its pair of rows with the next output row: the two rows are computed together and the
// pair's columns made once. Pixels are walked as in dwconv.cpp: edge pixels, the interior in blocks, other
// pixels (windows missing more than a column) one by one.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernels/cpu/dwconv_row.hpp"
#include "kernels/cpu/flush_denormals.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"
#include "kernels/cpu/x86_avx512/dwconv_store.hpp"

namespace ttnn::kernels {
namespace {

// vdpbf16ps's pair from two vectors of bfloat16 values held as floats: the lower (even) element from
// `upper`, the upper (odd) one from `lower`, which vdpbf16ps adds first.
__attribute__((always_inline)) inline __m512i pair_of(__m512 upper, __m512 lower) {
  return _mm512_or_si512(_mm512_srli_epi32(_mm512_castps_si512(upper), 16), _mm512_castps_si512(lower));
}

__attribute__((always_inline)) inline __m512 dp(__m512 acc, __m512i x, __m512i w) {
  return _mm512_dpbf16_ps(acc, (__m512bh)x, (__m512bh)w);
}

// One output vector finished and stored: clamped, rounded to bfloat16 (kRound, or as words), without the
// subnormal test of dwconv_store.hpp's store_output: vdpbf16ps flushes its sums and, under FlushDenormals,
// the clamp reads subnormal bounds as zero, so no output is subnormal.
template <bool kFull, bool kRound, class Out>
__attribute__((always_inline)) inline void store_flushed(Out* to, __mmask16 m, __m512 v, __m512 lo, __m512 hi) {
  const __m512 clamped = clamp(v, lo, hi);
  if constexpr (std::is_same_v<Out, uint16_t>) {
    const __m256i words = bf16_words_normal(clamped);
    if (kFull) _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), words);
    else _mm256_mask_storeu_epi16(to, m, words);
  } else {
    const __m512 finished = kRound ? bf16_rounded_normal(clamped) : clamped;
    if (kFull) _mm512_storeu_ps(to, finished);
    else _mm512_mask_storeu_ps(to, m, finished);
  }
}

// One channel vector's weights as vdpbf16ps reads them, for either place of the pair in the window.
struct PairWeights {
  __m512i top_pair[3], bottom_lone[3];  // a window from an even image row: rows 0 and 1 paired, row 2 alone
  __m512i top_lone[3], bottom_pair[3];  // from an odd one: row 0 alone, rows 1 and 2 paired
  __attribute__((always_inline)) PairWeights(const DwconvArgs& args, size_t c, __mmask16 m) {
    __m512 w[9];
#pragma GCC unroll 9
    for (size_t t = 0; t < 9; ++t) w[t] = _mm512_maskz_loadu_ps(m, args.weights + t * args.weights_tap_stride + c);
#pragma GCC unroll 3
    for (size_t t = 0; t < 3; ++t) {
      top_pair[t] = pair_of(w[t], w[3 + t]);
      bottom_pair[t] = pair_of(w[3 + t], w[6 + t]);
      top_lone[t] = _mm512_castps_si512(w[t]);
      bottom_lone[t] = _mm512_castps_si512(w[6 + t]);
    }
  }
};

// Whether output row r's pair is its window's rows 0 and 1 (the window starts at an even image row).
bool pair_on_top(const DwconvArgs& args, size_t r) {
  return (args.input_row0 + long(r * args.input_row_step)) % 2 == 0;
}

// f(columns) with columns(j) the vector at `at` + j * ps in `row`, or zeros for a row outside the image (null):
// the row's presence tested once per unit, not per column.
template <class Load, class F>
__attribute__((always_inline)) inline void with_columns(const float* row, size_t at, size_t ps, Load load, F f) {
  if (row) f([=](size_t j) __attribute__((always_inline)) { return load(row + at + j * ps); });
  else f([](size_t) __attribute__((always_inline)) { return _mm512_setzero_ps(); });
}

// A pair unit's columns onto acc: n columns made from the two rows' columns, then for each pixel i its three
// (kStride * i + t) added with the unit's weights; a lone unit takes a row's columns as they are.
template <size_t kPixels, size_t kStride, class Columns>
__attribute__((always_inline)) inline void add_unit(__m512 (&acc)[kPixels], Columns columns,
                                                    const __m512i (&weights)[3]) {
  constexpr size_t kColumns = kStride * (kPixels - 1) + 3;
  __m512i x[kColumns];
#pragma GCC unroll 17
  for (size_t j = 0; j < kColumns; ++j) x[j] = columns(j);
#pragma GCC unroll 3
  for (size_t t = 0; t < 3; ++t)
#pragma GCC unroll 8
    for (size_t i = 0; i < kPixels; ++i) acc[i] = dp(acc[i], x[kStride * i + t], weights[t]);
}

template <size_t kPixels, size_t kStride, class Load>
__attribute__((always_inline)) inline void add_pair(__m512 (&acc)[kPixels], const float* upper, const float* lower,
                                                    size_t at, size_t ps, Load load, const __m512i (&weights)[3]) {
  with_columns(upper, at, ps, load, [&](auto up) __attribute__((always_inline)) {
    with_columns(lower, at, ps, load, [&](auto low) __attribute__((always_inline)) {
      const auto pairs = [&](size_t j) __attribute__((always_inline)) { return pair_of(up(j), low(j)); };
      add_unit<kPixels, kStride>(acc, pairs, weights);
    });
  });
}

template <size_t kPixels, size_t kStride, class Load>
__attribute__((always_inline)) inline void add_lone(__m512 (&acc)[kPixels], const float* row, size_t at, size_t ps,
                                                    Load load, const __m512i (&weights)[3]) {
  with_columns(row, at, ps, load, [&](auto columns) __attribute__((always_inline)) {
    const auto as_pairs = [&](size_t j) __attribute__((always_inline)) { return _mm512_castps_si512(columns(j)); };
    add_unit<kPixels, kStride>(acc, as_pairs, weights);
  });
}

// One pixel's window onto acc, column t of a row from column(row, t) (zeros outside the image).
template <class Column>
__attribute__((always_inline)) inline __m512 window(__m512 acc, const float* const (&rows)[3], bool on_top,
                                                    const PairWeights& w, Column column) {
  const auto pair = [&](size_t upper, const __m512i (&weights)[3]) __attribute__((always_inline)) {
#pragma GCC unroll 3
    for (size_t t = 0; t < 3; ++t)
      acc = dp(acc, pair_of(column(rows[upper], t), column(rows[upper + 1], t)), weights[t]);
  };
  const auto lone = [&](size_t row, const __m512i (&weights)[3]) __attribute__((always_inline)) {
#pragma GCC unroll 3
    for (size_t t = 0; t < 3; ++t) acc = dp(acc, _mm512_castps_si512(column(rows[row], t)), weights[t]);
  };
  if (on_top) pair(0, w.top_pair), lone(2, w.bottom_lone);
  else lone(0, w.top_lone), pair(1, w.bottom_pair);
  return acc;
}

// kPixels neighbouring interior pixels of one output row, `at` the first one's first column in each row:
// each input column is loaded once and shared by the windows holding it.
template <size_t kPixels, size_t kStride, bool kOnTop, class Load>
__attribute__((always_inline)) inline void row_block(__m512 (&acc)[kPixels], const float* const (&rows)[3], size_t at,
                                                     size_t ps, const PairWeights& w, Load load) {
  if constexpr (kOnTop) {
    add_pair<kPixels, kStride>(acc, rows[0], rows[1], at, ps, load, w.top_pair);
    add_lone<kPixels, kStride>(acc, rows[2], at, ps, load, w.bottom_lone);
  } else {
    add_lone<kPixels, kStride>(acc, rows[0], at, ps, load, w.top_lone);
    add_pair<kPixels, kStride>(acc, rows[1], rows[2], at, ps, load, w.bottom_pair);
  }
}

// kPixels interior pixels of two output rows at stride 1, the first's window starting at an odd image row:
// `rows` are its window's three rows and the second's last. The pair (rows 1 and 2) is made once for both.
template <size_t kPixels, class Load>
__attribute__((always_inline)) inline void two_row_block(__m512 (&first)[kPixels], __m512 (&second)[kPixels],
                                                         const float* const (&rows)[4], size_t at, size_t ps,
                                                         const PairWeights& w, Load load) {
  add_lone<kPixels, 1>(first, rows[0], at, ps, load, w.top_lone);
  with_columns(rows[1], at, ps, load, [&](auto up) __attribute__((always_inline)) {
    with_columns(rows[2], at, ps, load, [&](auto low) __attribute__((always_inline)) {
      constexpr size_t kColumns = kPixels + 2;
      __m512i p[kColumns];
#pragma GCC unroll 6
      for (size_t j = 0; j < kColumns; ++j) p[j] = pair_of(up(j), low(j));
#pragma GCC unroll 3
      for (size_t t = 0; t < 3; ++t)
#pragma GCC unroll 4
        for (size_t i = 0; i < kPixels; ++i) {
          first[i] = dp(first[i], p[i + t], w.bottom_pair[t]);
          second[i] = dp(second[i], p[i + t], w.top_pair[t]);
        }
    });
  });
  add_lone<kPixels, 1>(second, rows[3], at, ps, load, w.bottom_lone);
}

// A row segment's edge pixels and interior (RowParts3x3), channels [c_begin, c_end) sixteen at a time
// (kFull: all sixteen present), in chunks of pixels each channel vector walks through every row of the call
// (as channels_3x3 in dwconv.cpp); rows that share a pair go two at a time.
template <size_t kStride, bool kFull, bool kRound, class Out>
void channels_pairs(const DwconvArgs& args, const RowParts3x3& parts, size_t c_begin, size_t c_end) {
  const size_t ps = args.input_pixel_stride, stride = args.stride, pad = args.pad_left;
  const __m512 lo = _mm512_set1_ps(args.clamp_min), hi = _mm512_set1_ps(args.clamp_max);
  // Arguments in locals: the output stores could alias the struct, which made every store reload them.
  const size_t channels = args.channels, out_stride = args.output_pixel_stride, row_count = args.rows;
  const size_t row_step = args.input_row_step, output_row_stride = args.output_row_stride;
  const float* const* const input_rows = args.input_rows;
  Out* const outputs = dwconv_outputs<Out>(args) - args.out_begin * out_stride;  // pixel 0's (unread: out_begin on)
  const size_t chunk = row_count > 1 ? 16 : 32;
  for (size_t chunk_begin = parts.begin;;) {
    const size_t chunk_end = std::min(parts.end, chunk_begin + chunk);
    const bool left = parts.left && chunk_begin == parts.begin, right = parts.right && chunk_end == parts.end;
    for (size_t c = c_begin; c < c_end; c += 16) {
      const __mmask16 m = kFull ? __mmask16(0xFFFF) : lanes(channels - c);
      const auto load = [m](const float* from) {
        return kFull ? _mm512_loadu_ps(from) : _mm512_maskz_loadu_ps(m, from);
      };
      const PairWeights w(args, c, m);
      const __m512 bias = args.bias ? _mm512_maskz_loadu_ps(m, args.bias + c) : _mm512_setzero_ps();
      // Pixel ow's first column in a row (the left edge pixel's is -1: unsigned wrap-around, never read).
      const auto first_column = [&](size_t ow) __attribute__((always_inline)) { return (ow * stride - pad) * ps + c; };
      const auto store = [&](Out* to, __m512 v) __attribute__((always_inline)) {
        store_flushed<kFull, kRound>(to, m, v, lo, hi);
      };
      // One row's edge pixels (output row r, its window's rows), their missing column skipped at compile time
      // (its address may lie before the row: the left edge).
      const auto edges = [&](size_t r, const float* const (&rows)[3], bool top) __attribute__((always_inline)) {
        Out* const row_out = outputs + r * output_row_stride + c;
        const auto edge = [&](size_t ow, auto skip) __attribute__((always_inline)) {
          const size_t at = first_column(ow);
          const auto column = [&](const float* row, size_t t) __attribute__((always_inline)) {
            return t == decltype(skip)::value || !row ? _mm512_setzero_ps() : load(row + at + t * ps);
          };
          store(row_out + ow * out_stride, window(bias, rows, top, w, column));
        };
        if (left) edge(parts.begin - 1, std::integral_constant<size_t, 0>{});
        if (right) edge(parts.end, std::integral_constant<size_t, 2>{});
      };
      for (size_t r = 0; r < row_count;) {
        const float* const* in = input_rows + r * row_step;
        const bool top = pair_on_top(args, r);
        if (kStride == 1 && row_step == 1 && !top && r + 1 < row_count) {
          const float* const rows[4] = {in[0], in[1], in[2], in[3]};
          const float* const first_rows[3] = {in[0], in[1], in[2]}, *const second_rows[3] = {in[1], in[2], in[3]};
          edges(r, first_rows, false);
          edges(r + 1, second_rows, true);
          size_t ow = chunk_begin, column = first_column(ow);
          Out* out = outputs + r * output_row_stride + ow * out_stride + c;
          const auto block = [&](auto count) __attribute__((always_inline)) {
            constexpr size_t kPixels = decltype(count)::value;
            __m512 first[kPixels], second[kPixels];
#pragma GCC unroll 4
            for (size_t i = 0; i < kPixels; ++i) first[i] = second[i] = bias;
            two_row_block<kPixels>(first, second, rows, column, ps, w, load);
#pragma GCC unroll 4
            for (size_t i = 0; i < kPixels; ++i) {
              store(out, first[i]);
              store(out + output_row_stride, second[i]);
              out += out_stride;
            }
            ow += kPixels, column += kPixels * ps;
          };
          while (ow + 4 <= chunk_end) block(std::integral_constant<size_t, 4>{});
          if (ow + 2 <= chunk_end) block(std::integral_constant<size_t, 2>{});
          if (ow < chunk_end) block(std::integral_constant<size_t, 1>{});
          r += 2;
          continue;
        }
        const float* const rows[3] = {in[0], in[1], in[2]};
        size_t ow = chunk_begin, column = first_column(ow);
        Out* out = outputs + r * output_row_stride + ow * out_stride + c;
        const auto walk = [&](auto top_type) __attribute__((always_inline)) {
          constexpr bool kOnTop = decltype(top_type)::value;
          edges(r, rows, kOnTop);
          const auto block = [&](auto count) __attribute__((always_inline)) {
            constexpr size_t kPixels = decltype(count)::value;
            __m512 acc[kPixels];
#pragma GCC unroll 8
            for (size_t i = 0; i < kPixels; ++i) acc[i] = bias;
            row_block<kPixels, kStride, kOnTop>(acc, rows, column, ps, w, load);
#pragma GCC unroll 8
            for (size_t i = 0; i < kPixels; ++i) {
              store(out, acc[i]);
              out += out_stride;
            }
            ow += kPixels, column += kPixels * kStride * ps;
          };
          // Stride 2 four pixels at a time: eight would hold seventeen columns.
          if constexpr (kStride == 1) while (ow + 8 <= chunk_end) block(std::integral_constant<size_t, 8>{});
          while (ow + 4 <= chunk_end) block(std::integral_constant<size_t, 4>{});
          if (ow + 2 <= chunk_end) block(std::integral_constant<size_t, 2>{});
          if (ow < chunk_end) block(std::integral_constant<size_t, 1>{});
        };
        if (top) walk(std::true_type{});
        else walk(std::false_type{});
        ++r;
      }
    }
    if (chunk_end == parts.end) break;
    chunk_begin = chunk_end;
  }
}

// Pixels [begin, end) of one output row (a call of one row) one at a time: windows missing more than a
// column, and every pixel at strides other than 1 and 2.
template <bool kRound, class Out>
void pixels_pairs(const DwconvArgs& args, size_t begin, size_t end) {
  if (begin >= end) return;
  const __m512 lo = _mm512_set1_ps(args.clamp_min), hi = _mm512_set1_ps(args.clamp_max);
  const float* const rows[3] = {args.input_rows[0], args.input_rows[1], args.input_rows[2]};
  const bool on_top = pair_on_top(args, 0);
  for (size_t c = 0; c < args.channels; c += 16) {
    const __mmask16 m = lanes(args.channels - c);
    const auto load = [m](const float* from) { return _mm512_maskz_loadu_ps(m, from); };
    const PairWeights w(args, c, m);
    const __m512 bias = args.bias ? _mm512_maskz_loadu_ps(m, args.bias + c) : _mm512_setzero_ps();
    for (size_t ow = begin; ow < end; ++ow) {
      const long first = long(ow * args.stride) - long(args.pad_left);
      const auto column = [&](const float* row, size_t t) {
        const long at = first + long(t);
        return row && at >= 0 && at < long(args.input_width) ? load(row + size_t(at) * args.input_pixel_stride + c)
                                                              : _mm512_setzero_ps();
      };
      const __m512 v = window(bias, rows, on_top, w, column);
      store_flushed<false, kRound>(dwconv_outputs<Out>(args) + (ow - args.out_begin) * args.output_pixel_stride + c, m,
                                  v, lo, hi);
    }
  }
}

template <size_t kStride, bool kRound, class Out>
void rows_pairs(const DwconvArgs& args, const RowParts3x3& parts) {
  const size_t full_end = args.channels / 16 * 16;
  channels_pairs<kStride, true, kRound, Out>(args, parts, 0, full_end);
  if (full_end < args.channels) channels_pairs<kStride, false, kRound, Out>(args, parts, full_end, args.channels);
}

template <bool kRound, class Out>
void run_pairs(const DwconvArgs& args) {
  const FlushDenormals flush;  // the clamp's bounds read as vdpbf16ps reads its inputs
  if (args.stride != 1 && args.stride != 2) {
    return dwconv_each_row(args, [](const DwconvArgs& one) {
      pixels_pairs<kRound, Out>(one, one.out_begin, one.out_end);
    });
  }
  const RowParts3x3 parts = row_parts_3x3(args);
  dwconv_each_row(args, [&](const DwconvArgs& one) {
    pixels_pairs<kRound, Out>(one, one.out_begin, parts.first());
    pixels_pairs<kRound, Out>(one, parts.last(), one.out_end);
  });
  if (args.stride == 1) rows_pairs<1, kRound, Out>(args, parts);
  else rows_pairs<2, kRound, Out>(args, parts);
}

}  // namespace

void f32_dwconv_pairs__avx512bf16(const DwconvArgs& args) {
  if (args.output_words) return run_pairs<true, uint16_t>(args);
  if (args.round_to_bf16) return run_pairs<true, float>(args);
  run_pairs<false, float>(args);
}

}  // namespace ttnn::kernels
