// bfloat8_b blocks with AVX-512: a block's 16 values are one vector. The reference arithmetic
// (block_float.hpp) as explicit vector operations, as in the AVX2 tier, so the results are bit-identical.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/cpu/bf16_tile_rows.hpp"
#include "kernels/cpu/bfp8_tile_rows.hpp"
#include "kernels/cpu/x86_avx512/avx512.hpp"
#include "kernels/cpu/x86_avx512/bfp8_blocks.hpp"

namespace ttnn::kernels {
namespace {

// A block whose row exponent is in the vector path's range (finite, scale to units a normal float): the
// 16 codes from its bits and the exponent field of its largest value.
inline __m128i encode_codes(__m512i bits, uint32_t field) {
  // 2^(133 - row): its bits (260 - row) << 23 = (260 << 23) - field.
  const __m512 to_units = _mm512_castsi512_ps(_mm512_set1_epi32(int((260u << 23) - field)));
  // Subnormals count as zero: in this path the row is at least 16, so the scale is at most 2^117 and a
  // subnormal's units are below 2^-9: they round to 0 without a mask. The conversion rounds to nearest even (embedded rounding,
  // whatever MXCSR says); the clamp first keeps 127.5 from rounding up to 128.
  const __m512 magnitude = _mm512_castsi512_ps(_mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF)));
  const __m512 units = _mm512_min_ps(_mm512_mul_ps(magnitude, to_units), _mm512_set1_ps(127.0f));
  const __m512i mag = _mm512_cvt_roundps_epi32(units, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __mmask16 negative = _mm512_cmplt_epi32_mask(bits, _mm512_setzero_si512());
  const __mmask16 signed_nonzero = _mm512_mask_cmpgt_epi32_mask(negative, mag, _mm512_setzero_si512());
  return _mm512_cvtepi32_epi8(_mm512_mask_or_epi32(mag, signed_nonzero, mag, _mm512_set1_epi32(0x80)));
}

// Rows the vector path leaves to the reference: Inf/NaN (255) and scales below the normal range (< 16).
inline bool vector_row(uint32_t row) { return row >= 16 && row != 255; }

// One block (`bits`, the exponent field of its largest value) into its codes; returns its exponent byte.
// All-zero blocks (zeros and subnormals only: post-ReLU blocks often are) store zero codes, the rare
// Inf/NaN and tiny-scale ones go to the reference.
inline uint8_t encode_block(__m512i bits, uint32_t field, const float* values, uint8_t* codes) {
  const uint32_t row = field >> 23;
  if (row == 0) _mm_storeu_si128(reinterpret_cast<__m128i*>(codes), _mm_setzero_si128());
  else if (!vector_row(row)) return bfp8_encode_ref(values, codes);
  else _mm_storeu_si128(reinterpret_cast<__m128i*>(codes), encode_codes(bits, field));
  return uint8_t(row);
}

}  // namespace

uint8_t bfp8_encode__avx512(const float* values, uint8_t* codes) {
  const __m512i bits = _mm512_loadu_si512(values);
  const __m512i exponent = _mm512_and_si512(bits, _mm512_set1_epi32(int(kExponentMask)));
  return encode_block(bits, uint32_t(_mm512_reduce_max_epi32(exponent)), values, codes);
}

namespace {

// Both blocks' maxima reduced together (one chain of shuffles for two), then each block's codes.
inline void encode_pair(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents) {
  const __m512i mask = _mm512_set1_epi32(int(kExponentMask));
  const __m512i bits0 = _mm512_loadu_si512(values), bits1 = _mm512_loadu_si512(values + 16);
  const __m512i exponent0 = _mm512_and_si512(bits0, mask), exponent1 = _mm512_and_si512(bits1, mask);
  // Lanes 0-7 of the folded vector hold block 0's pairwise maxima, lanes 8-15 block 1's.
  const __m512i low = _mm512_shuffle_i64x2(exponent0, exponent1, 0x44);   // 256-bit halves 0 of each
  const __m512i high = _mm512_shuffle_i64x2(exponent0, exponent1, 0xEE);  // halves 1 of each
  const __m512i m8 = _mm512_max_epi32(low, high);                         // [b0: 8][b1: 8]
  const __m512i m4 = _mm512_max_epi32(m8, _mm512_shuffle_i64x2(m8, m8, 0xB1));
  const __m512i m2 = _mm512_max_epi32(m4, _mm512_shuffle_epi32(m4, _MM_PERM_BADC));
  const __m512i m1 = _mm512_max_epi32(m2, _mm512_shuffle_epi32(m2, _MM_PERM_CDAB));
  const uint32_t field0 = uint32_t(_mm_cvtsi128_si32(_mm512_castsi512_si128(m1)));
  const uint32_t field1 = uint32_t(_mm_cvtsi128_si32(_mm512_extracti32x4_epi32(m1, 2)));
  exponents[0] = encode_block(bits0, field0, values, codes0);
  exponents[1] = encode_block(bits1, field1, values + 16, codes1);
}

}  // namespace

void bfp8_encode_pair__avx512(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents) {
  encode_pair(values, codes0, codes1, exponents);
}

namespace {

// The vector path's view of one face (16 rows of `src`, 16 columns each: a block a row): each block's
// exponent byte (lane i: block i), the blocks the reference must encode (Inf/NaN rows and tiny scales), and
// each block's scale to units, 2^(133 - row) (0 for rows of zeros and subnormals only).
struct FaceScales {
  __m512i row;
  __mmask16 special;
  alignas(64) float to_units[16];
};

inline void face_scales(const float* src, size_t src_stride, FaceScales& face) {
  __m512i v[16];
  for (size_t i = 0; i < 16; ++i)
    v[i] = _mm512_and_si512(_mm512_loadu_si512(src + i * src_stride), _mm512_set1_epi32(0x7FFFFFFF));
  const __m512i field = block_fields(v);
  face.row = _mm512_srli_epi32(field, 23);
  const __mmask16 zero = _mm512_cmpeq_epi32_mask(face.row, _mm512_setzero_si512());
  face.special = _mm512_mask_cmplt_epi32_mask(~zero, face.row, _mm512_set1_epi32(16)) |
                 _mm512_cmpeq_epi32_mask(face.row, _mm512_set1_epi32(255));
  _mm512_store_ps(face.to_units,
                  _mm512_castsi512_ps(_mm512_maskz_sub_epi32(~zero, _mm512_set1_epi32(int(260u << 23)), field)));
  read_from_memory_again(face.to_units);
}

// Rows q..q+3 of the face as their codes' two's-complement values, 16 bytes a row, row after row: units =
// value * 2^(133 - row) with the sign kept, rounded to nearest even, four blocks' integers packed to bytes
// together. The saturating packs clamp 128 to 127 and the max clamps -128 to -127 (as the reference clamps
// before rounding). Special rows' lanes hold garbage.
inline __m512i face_codes(const float* src, size_t src_stride, const FaceScales& face, size_t q) {
  __m512i units[4];
  for (size_t i = 0; i < 4; ++i) {  // |units| <= 128: below 128 before rounding
    const __m512 scaled = _mm512_mul_ps(_mm512_loadu_ps(src + (q + i) * src_stride), _mm512_set1_ps(face.to_units[q + i]));
    units[i] = _mm512_cvt_roundps_epi32(scaled, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  // Lane L of the packed vector: dword j holds values 4L..4L+3 of block j; regrouped block after block.
  const __m512i packed = _mm512_packs_epi16(_mm512_packs_epi32(units[0], units[1]), _mm512_packs_epi32(units[2], units[3]));
  return _mm512_permutexvar_epi32(face_order(), _mm512_max_epi8(packed, _mm512_set1_epi8(-127)));
}

// The 16 blocks of one face into the face's 256 codes (sign and magnitude) and 16 exponent bytes; the
// special rows encoded again by the reference.
inline void encode_face(const float* src, size_t src_stride, uint8_t* codes, uint8_t* exponents) {
  FaceScales face;
  face_scales(src, src_stride, face);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(exponents), _mm512_cvtepi32_epi8(face.row));
  for (size_t q = 0; q < 16; q += 4) {
    const __m512i bytes = face_codes(src, src_stride, face, q);
    // Two's complement to sign and magnitude: |b| | (b & 0x80), so a value rounded to 0 has no sign.
    const __m512i code = _mm512_ternarylogic_epi32(_mm512_abs_epi8(bytes), bytes, _mm512_set1_epi8(char(0x80)), 0xF8);
    _mm512_storeu_si512(codes + 16 * q, code);
  }
  for (__mmask16 rest = face.special; rest != 0; rest &= rest - 1) {
    const unsigned i = unsigned(__builtin_ctz(rest));
    exponents[i] = bfp8_encode_ref(src + i * src_stride, codes + 16 * i);
  }
}

// The same face into the int8 GEMM's rows (the codes' two's-complement values XOR code_bias, stored four rows
// a vector; each row's exponent byte at its block). Returns the values' signs OR-ed (0x80).
// kRun (through encode_run_face only): the face's 16 blocks follow each other in memory (strides 16 floats,
// 16 bytes and 1), so four blocks' codes are one store and the exponents another.
template <bool kRun = false>
inline uint8_t encode_face_int8(const float* src, size_t src_stride, int8_t* codes, size_t codes_stride,
                                uint8_t* exponents, size_t exponents_stride, uint8_t code_bias) {
  FaceScales face;
  face_scales(src, src_stride, face);
  if constexpr (kRun) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(exponents), _mm512_cvtepi32_epi8(face.row));
  } else {
    alignas(16) uint8_t row_exponents[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(row_exponents), _mm512_cvtepi32_epi8(face.row));
    read_from_memory_again(row_exponents);  // byte loads, not extractions
    for (size_t i = 0; i < 16; ++i) exponents[i * exponents_stride] = row_exponents[i];
  }
  __m512i signs = _mm512_setzero_si512();
  for (size_t q = 0; q < 16; q += 4) {
    const __m512i values = face_codes(src, src_stride, face, q);
    // Signs of the rows the vector path holds (special rows' lanes hold garbage until the reference below).
    if (face.special == 0) {  // almost always
      signs = _mm512_or_si512(signs, values);
    } else {
      __mmask16 held = 0;
      for (size_t r = 0; r < 4; ++r)
        if (!((face.special >> (q + r)) & 1)) held |= __mmask16(0xF << (4 * r));
      signs = _mm512_mask_or_epi32(signs, held, signs, values);
    }
    const __m512i biased = _mm512_xor_si512(values, _mm512_set1_epi8(char(code_bias)));
    int8_t* out = codes + q * codes_stride;
    if constexpr (kRun) {
      _mm512_storeu_si512(out, biased);
      continue;
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_castsi512_si128(biased));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + codes_stride), _mm512_extracti32x4_epi32(biased, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * codes_stride), _mm512_extracti32x4_epi32(biased, 2));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 3 * codes_stride), _mm512_extracti32x4_epi32(biased, 3));
  }
  uint8_t rest = 0;
  for (__mmask16 left = face.special; left != 0; left &= left - 1) {
    const unsigned i = unsigned(__builtin_ctz(left));
    rest |= bfp8_encode_int8_rows<bfp8_encode_ref>(src + i * src_stride, src_stride, 1, 16, codes + i * codes_stride,
                                                   codes_stride, exponents + i * exponents_stride, exponents_stride,
                                                   code_bias);
  }
  return uint8_t(_mm512_movepi8_mask(signs) != 0 ? 0x80 : 0) | rest;
}

// Sixteen blocks that follow each other in memory (values, codes and exponents each one run).
inline uint8_t encode_run_face(const float* src, int8_t* codes, uint8_t* exponents, uint8_t code_bias) {
  return encode_face_int8<true>(src, 16, codes, 16, exponents, 1, code_bias);
}

// Blocks that follow each other in memory: sixteen at a time at fixed offsets, the last few one by one.
uint8_t encode_run_int8(const float* src, size_t blocks, int8_t* codes, uint8_t* exponents, uint8_t code_bias) {
  uint8_t signs = 0;
  const size_t faces = blocks / 16 * 16;
  for (size_t b = 0; b < faces; b += 16)
    signs |= encode_run_face(src + 16 * b, codes + 16 * b, exponents + b, code_bias);
  return signs | bfp8_encode_int8_rows<bfp8_encode__avx512>(src + 16 * faces, 16, blocks - faces, 16, codes + 16 * faces,
                                                            16, exponents + faces, 1, code_bias);
}

}  // namespace

// Rows into the int8 GEMM's rows. Where values, codes and exponents are each one run (a full-width item's
// scratch into its tensor's rows) the blocks row after row are one sequence, at fixed offsets: a strided
// face keeps 64 row addresses, which the compiler holds in memory (a load and a store each: 130 against 70
// cycles a face by llvm-mca). Otherwise whole faces (16 rows) of each block of 16 columns
// through encode_face_int8, the rows past the last whole face a block at a time. (Staging a column range's
// rows as a run and copying them out ran 2-5% slower end to end than its faces.)
uint8_t bfp8_encode_int8_rows__avx512(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                                      size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                      uint8_t code_bias) {
  const size_t blocks_per_row = cols / 16;
  if (src_stride == cols && codes_stride == cols && exponents_stride == blocks_per_row)
    return encode_run_int8(src, rows * blocks_per_row, codes, exponents, code_bias);
  uint8_t signs = 0;
  const size_t faces = rows / 16 * 16;
  for (size_t row = 0; row < faces; row += 16)
    for (size_t col = 0; col < cols; col += 16)
      signs |= encode_face_int8(src + row * src_stride + col, src_stride, codes + row * codes_stride + col, codes_stride,
                                exponents + row * exponents_stride + col / 16, exponents_stride, code_bias);
  return signs | bfp8_encode_int8_rows<bfp8_encode__avx512>(src + faces * src_stride, src_stride, rows - faces, cols,
                                                            codes + faces * codes_stride, codes_stride,
                                                            exponents + faces * exponents_stride, exponents_stride,
                                                            code_bias);
}

// A tile's rows: whole faces (rows 0-15 or 16-31, both column halves) sixteen blocks at a time, the other
// rows both blocks of each inline.
void bfp8_encode_tile_rows__avx512(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile) {
  uint8_t* codes = tile + formats::kTileExponentBytes;
  for (uint32_t row = row0; row < row1;) {
    if (row % 16 == 0 && row + 16 <= row1) {
      const size_t face = row / 16 * 2;  // faces 0|1 or 2|3
      encode_face(src, src_stride, codes + face * 256, tile + face * 16);
      encode_face(src + 16, src_stride, codes + (face + 1) * 256, tile + (face + 1) * 16);
      src += 16 * src_stride;
      row += 16;
      continue;
    }
    const uint32_t end = std::min(row1, (row / 16 + 1) * 16);
    bfp8_encode_tile_rows<encode_pair>(src, src_stride, row, end, tile);
    src += (end - row) * src_stride;
    row = end;
  }
}

namespace {

// One block of up to 16 rows (`rows`) x 16 columns (`columns`: those present; the others read as zeros and
// are not written) rounded in place as bfloat8_b stores it, without the codes (BlockRounding). Fewer than 16
// rows take the same tree (the missing ones zeros): cheaper than reducing each row's block on its own.
inline void round_face(float* values, size_t stride, size_t rows, __mmask16 columns) {
  __m512i magnitude[16];
  for (size_t i = 0; i < 16; ++i)
    magnitude[i] = i < rows ? _mm512_and_si512(_mm512_maskz_loadu_epi32(columns, values + i * stride),
                                               _mm512_set1_epi32(0x7FFFFFFF))
                            : _mm512_setzero_si512();
  BlockRounding rounding;
  rounding.of(magnitude);
  for (size_t i = 0; i < rows; ++i) {
    if ((rounding.special >> i) & 1) continue;  // below, from its values as they are
    const __m512 value = _mm512_maskz_loadu_ps(columns, values + i * stride);  // reloaded: fewer live registers
    _mm512_mask_storeu_ps(values + i * stride, columns, rounding.round(i, value));
  }
  for (__mmask16 rest = rounding.special; rest != 0; rest &= rest - 1) {
    const unsigned i = unsigned(__builtin_ctz(rest));
    bfp8_round_rows_ref(values + i * stride, 1, unsigned(__builtin_popcount(columns)), stride);
  }
}

}  // namespace

// Column blocks of 16, each down the rows up to a face (16 rows) at a time.
void bfp8_round_rows__avx512(float* values, size_t rows, size_t cols, size_t stride) {
  for (size_t col = 0; col < cols; col += 16) {
    const __mmask16 columns = cols - col >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (cols - col)) - 1);
    for (size_t row = 0; row < rows; row += 16)
      round_face(values + row * stride + col, stride, std::min<size_t>(16, rows - row), columns);
  }
}

namespace {

// One block's 16 values, for exponents in the vector path's range (callers check vector_exponent).
inline __m512 decode_block(uint8_t exponent, const uint8_t* codes) {
  const __m512i bytes = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes)));
  const __m512i magnitude = _mm512_and_si512(bytes, _mm512_set1_epi32(0x7F));
  const __m512i sign = _mm512_slli_epi32(_mm512_and_si512(bytes, _mm512_set1_epi32(0x80)), 24);
  const __m512 scale = _mm512_castsi512_ps(_mm512_set1_epi32(int((exponent - 6) << 23)));  // 2^(E - 133)
  const __m512 value = _mm512_mul_ps(_mm512_cvtepi32_ps(magnitude), scale);
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(value), sign));
}

// Inf/NaN rows and scales below the normal range go to the AVX2 tier's exact path.
inline bool vector_exponent(uint8_t exponent) { return exponent != 255 && exponent >= 7; }

}  // namespace

void bfp8_decode__avx512(uint8_t exponent, const uint8_t* codes, float* values) {
  if (!vector_exponent(exponent)) {
    bfp8_decode__avx2(exponent, codes, values);
    return;
  }
  _mm512_storeu_ps(values, decode_block(exponent, codes));
}

}  // namespace ttnn::kernels

namespace ttnn::kernels {

// formats::round_significand's rule sixteen lanes at a time (the AVX2 tier's arithmetic, with masks).
void round_significand__avx512(float* values, size_t count, int bits) {
  const SignificandCut16 cut(std::max(bits, 1));
  if (cut.drop == 0) return;
  for (size_t i = 0; i < count; i += 16) {
    const __mmask16 m = lanes(count - i);
    _mm512_mask_storeu_ps(values + i, m, cut(_mm512_maskz_loadu_ps(m, values + i)));
  }
}

namespace {

// A block's values into the columns of `dst` that `columns` selects (the first ones: a range ending
// mid-block).
inline void store_columns(float* dst, __mmask16 columns, __m512 values) {
  if (columns == 0xFFFF) _mm512_storeu_ps(dst, values);
  else _mm512_mask_storeu_ps(dst, columns, values);
}

// The 16 blocks of one face into 16 rows of `dst` (the `columns` of each), when every exponent is in the vector
// path's range (else false, nothing written): the 16 scales in one vector, read back as broadcasts from
// memory (load ports, not the shuffle port), and the sign merged with one bitwise select.
inline bool decode_face(const uint8_t* tile, size_t face, float* dst, size_t dst_stride, __mmask16 columns) {
  const __m512i exponents =
      _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tile + face * 16)));
  const __mmask16 in_range = _mm512_cmpge_epu32_mask(exponents, _mm512_set1_epi32(7)) &
                             _mm512_cmpneq_epu32_mask(exponents, _mm512_set1_epi32(255));
  if (in_range != 0xFFFF) return false;
  alignas(64) float scales[16];  // 2^(E - 133)
  _mm512_store_si512(scales, _mm512_slli_epi32(_mm512_sub_epi32(exponents, _mm512_set1_epi32(6)), 23));
  const uint8_t* codes = tile + formats::kTileExponentBytes + face * 256;
  const __m512i magnitude_mask = _mm512_set1_epi32(0x7F), sign_mask = _mm512_set1_epi32(int(0x80000000u));
#pragma GCC unroll 4
  for (size_t row = 0; row < 16; ++row) {
    const __m512i bytes = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + row * 16)));
    const __m512 value = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(bytes, magnitude_mask)),
                                       _mm512_set1_ps(scales[row]));
    // value | (bytes << 24 & sign): bit 7 of the code becomes the sign bit.
    const __m512i signed_value =
        _mm512_ternarylogic_epi32(_mm512_castps_si512(value), _mm512_slli_epi32(bytes, 24), sign_mask, 0xF8);
    store_columns(dst + row * dst_stride, columns, _mm512_castsi512_ps(signed_value));
  }
  return true;
}

}  // namespace

// Column ranges starting on a block (all the engine reads: whole tile rows, or a tensor's last columns that
// end mid-tile, as 24 channels do) decode whole faces 16 rows at a time, else row by row, storing only the
// range's columns; ranges starting mid-block go block by block.
void bfp8_decode_tile_rows__avx512(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                   float* dst, size_t dst_stride) {
  if (col0 % 16 != 0 || col1 <= col0) {
    bfp8_decode_tile_rows<bfp8_decode__avx512>(tile, row0, row1, col0, col1, dst, dst_stride);
    return;
  }
  const uint32_t first_half = col0 / 16, last_half = (col1 - 1) / 16;  // the faces' column halves covered
  const uint8_t* codes = tile + formats::kTileExponentBytes;
  for (uint32_t row = row0; row < row1; ++row, dst += dst_stride) {
    if (row % 16 == 0 && row + 16 <= row1) {
      bool faces_done = true;
      for (uint32_t half = first_half; half <= last_half && faces_done; ++half)
        faces_done = decode_face(tile, row / 16 * 2 + half, dst + 16 * half - col0, dst_stride, lanes(col1 - 16 * half));
      if (faces_done) {
        row += 15, dst += 15 * dst_stride;
        continue;
      }
    }
    for (uint32_t half = first_half; half <= last_half; ++half) {
      const size_t index = formats::face_order_index(row, 16 * half);
      const uint8_t exponent = tile[index / 16];
      float* out = dst + 16 * half - col0;
      if (vector_exponent(exponent)) {
        store_columns(out, lanes(col1 - 16 * half), decode_block(exponent, codes + index));
        continue;
      }
      alignas(64) float values[16];
      bfp8_decode__avx512(exponent, codes + index, values);
      store_columns(out, lanes(col1 - 16 * half), _mm512_load_ps(values));
    }
  }
}

namespace {

// Sign and magnitude bytes to two's complement: the magnitude, negated where the sign bit is set.
inline __m512i twos_complement(__m512i raw) {
  const __m512i magnitude = _mm512_and_si512(raw, _mm512_set1_epi8(0x7F));
  return _mm512_mask_sub_epi8(magnitude, _mm512_movepi8_mask(raw), _mm512_setzero_si512(), magnitude);
}

// Rows `first`..`first` + 15 (a face pair: faces 0|1 or 2|3) of a tile's two blocks, four rows a step: one
// 64-byte load of each face, the two interleaved row by row. Returns the OR of the raw codes (signs).
inline __m512i face_pair_to_int8(const uint8_t* tile, uint32_t first, int8_t* codes, size_t codes_stride,
                                 uint8_t* exponents, size_t exponents_stride, __m512i code_bias) {
  const size_t face = first / 16 * 2;
  const uint8_t* left = tile + formats::kTileExponentBytes + face * 256;
  const uint8_t* right = left + 256;
  const __m512i first_pair = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);   // rows 0 and 1: left | right each
  const __m512i second_pair = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);  // rows 2 and 3
  __m512i signs = _mm512_setzero_si512();
  for (size_t row = 0; row < 16; row += 4, codes += 4 * codes_stride) {
    const __m512i raw_left = _mm512_loadu_si512(left + row * 16), raw_right = _mm512_loadu_si512(right + row * 16);
    signs = _mm512_or_si512(signs, _mm512_or_si512(raw_left, raw_right));
    const __m512i l = _mm512_xor_si512(twos_complement(raw_left), code_bias);
    const __m512i r = _mm512_xor_si512(twos_complement(raw_right), code_bias);
    const __m512i rows01 = _mm512_permutex2var_epi64(l, first_pair, r);
    const __m512i rows23 = _mm512_permutex2var_epi64(l, second_pair, r);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes), _mm512_castsi512_si256(rows01));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + codes_stride), _mm512_extracti64x4_epi64(rows01, 1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + 2 * codes_stride), _mm512_castsi512_si256(rows23));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + 3 * codes_stride), _mm512_extracti64x4_epi64(rows23, 1));
  }
  // The faces' exponent bytes, paired row by row.
  const __m128i left_exponents = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tile + face * 16));
  const __m128i right_exponents = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tile + face * 16 + 16));
  alignas(16) uint16_t pairs[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(pairs), _mm_unpacklo_epi8(left_exponents, right_exponents));
  _mm_store_si128(reinterpret_cast<__m128i*>(pairs + 8), _mm_unpackhi_epi8(left_exponents, right_exponents));
  for (size_t row = 0; row < 16; ++row) std::memcpy(exponents + row * exponents_stride, &pairs[row], 2);
  return signs;
}

}  // namespace

// A row's two blocks as one 32-byte vector: magnitude, negated where the sign bit is set; whole face pairs
// (16 rows from row 0 or 16) four rows at a time.
uint8_t bfp8_tile_rows_to_int8__avx512(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t blocks, int8_t* codes,
                                       size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                       uint8_t code_bias) {
  if (blocks == 1) {  // 16 channels (an expand conv after a 16-channel project)
    __m128i signs = _mm_setzero_si128();
    for (uint32_t row = row0; row < row1; ++row, codes += codes_stride, exponents += exponents_stride) {
      const size_t left = formats::face_order_index(row, 0);
      const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tile + formats::kTileExponentBytes + left));
      signs = _mm_or_si128(signs, raw);
      const __m128i magnitude = _mm_and_si128(raw, _mm_set1_epi8(0x7F));
      const __m128i value = _mm_mask_sub_epi8(magnitude, _mm_movepi8_mask(raw), _mm_setzero_si128(), magnitude);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(codes), _mm_xor_si128(value, _mm_set1_epi8(char(code_bias))));
      exponents[0] = tile[left / 16];
    }
    return _mm_movemask_epi8(signs) != 0 ? 0x80 : 0;
  }
  if (blocks != 2)
    return bfp8_tile_rows_to_int8_ref(tile, row0, row1, blocks, codes, codes_stride, exponents, exponents_stride,
                                      code_bias);
  __m256i signs = _mm256_setzero_si256();
  const __m256i magnitude_mask = _mm256_set1_epi8(0x7F);
  for (uint32_t row = row0; row < row1; ++row, codes += codes_stride, exponents += exponents_stride) {
    if (row % 16 == 0 && row + 16 <= row1) {
      const __m512i face_signs = face_pair_to_int8(tile, row, codes, codes_stride, exponents, exponents_stride,
                                                   _mm512_set1_epi8(char(code_bias)));
      signs = _mm256_or_si256(signs, _mm256_or_si256(_mm512_castsi512_si256(face_signs),
                                                     _mm512_extracti64x4_epi64(face_signs, 1)));
      row += 15, codes += 15 * codes_stride, exponents += 15 * exponents_stride;
      continue;
    }
    const size_t left = formats::face_order_index(row, 0), right = left + 256;  // faces 0|1 or 2|3
    const uint8_t* from = tile + formats::kTileExponentBytes;
    const __m256i raw = _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(from + left))),
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + right)), 1);
    signs = _mm256_or_si256(signs, raw);
    const __m256i magnitude = _mm256_and_si256(raw, magnitude_mask);
    const __mmask32 negative = _mm256_movepi8_mask(raw);
    const __m256i value = _mm256_mask_sub_epi8(magnitude, negative, _mm256_setzero_si256(), magnitude);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes), _mm256_xor_si256(value, _mm256_set1_epi8(char(code_bias))));
    exponents[0] = tile[left / 16];
    exponents[1] = tile[right / 16];
  }
  return _mm256_movemask_epi8(signs) != 0 ? 0x80 : 0;
}

}  // namespace ttnn::kernels

namespace ttnn::kernels {
namespace {

// Up to 16 values (the lanes of `lanes`).
inline void bf16_encode16(const float* values, __mmask16 lanes, uint16_t* bits) {
  _mm512_mask_cvtepi32_storeu_epi16(bits, lanes, bf16_bits(_mm512_castps_si512(_mm512_maskz_loadu_ps(lanes, values))));
}

inline void bf16_decode16(const uint16_t* bits, __mmask16 lanes, float* values) {
  const __m512i word = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(lanes, bits));
  _mm512_mask_storeu_ps(values, lanes, _mm512_castsi512_ps(_mm512_slli_epi32(word, 16)));
}

inline void bf16_encode(const float* values, size_t count, uint16_t* bits) {
  for (size_t i = 0; i < count; i += 16) bf16_encode16(values + i, lanes(count - i), bits + i);
}

inline void bf16_decode(const uint16_t* bits, size_t count, float* values) {
  for (size_t i = 0; i < count; i += 16) bf16_decode16(bits + i, lanes(count - i), values + i);
}

}  // namespace

// Each block's integers times its scale 2^(E - 133) (exact: a product of at most 8 significant bits and a
// power of two, +0 for a zero code as the tile's sign-magnitude code 0 gives); Inf/NaN and tiny scales
// through the block decoder.
void bfp8_decode_int8_rows__avx512(const int8_t* codes, size_t codes_stride, const uint8_t* exponents,
                                   size_t exponents_stride, size_t rows, size_t cols, uint8_t code_bias, float* dst,
                                   size_t dst_stride) {
  const __m128i bias = _mm_set1_epi8(char(code_bias));
  for (size_t row = 0; row < rows; ++row)
    for (size_t col = 0; col < cols; col += 16) {
      const int8_t* in = codes + row * codes_stride + col;
      const uint8_t exponent = exponents[row * exponents_stride + col / 16];
      float* out = dst + row * dst_stride + col;
      if (!vector_exponent(exponent)) {
        bfp8_decode_int8_rows<bfp8_decode__avx512>(in, codes_stride, &exponent, 1, 1, 16, code_bias, out, dst_stride);
        continue;
      }
      const __m128i bytes = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)), bias);
      const __m512 scale = _mm512_castsi512_ps(_mm512_set1_epi32(int((exponent - 6) << 23)));  // 2^(E - 133)
      _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(bytes)), scale));
    }
}

void bf16_encode__avx512(const float* values, size_t count, uint16_t* bits) { bf16_encode(values, count, bits); }
void bf16_decode__avx512(const uint16_t* bits, size_t count, float* values) { bf16_decode(bits, count, values); }

void bf16_round_rows__avx512(float* values, size_t rows, size_t cols, size_t stride) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = values + r * stride;
    size_t i = 0;
    for (; i + 16 <= cols; i += 16) _mm512_storeu_ps(row + i, bf16_rounded(_mm512_loadu_ps(row + i)));
    if (i < cols) {
      const __mmask16 part = lanes(cols - i);
      _mm512_mask_storeu_ps(row + i, part, bf16_rounded(_mm512_maskz_loadu_ps(part, row + i)));
    }
  }
}

void bf16_add_rows__avx512(const float* a, size_t a_stride, const uint16_t* b, size_t b_stride, size_t rows,
                           size_t cols, float lo, float hi, uint16_t* out, size_t out_stride) {
  const __m512 low = _mm512_set1_ps(lo), high = _mm512_set1_ps(hi);
  for (size_t r = 0; r < rows; ++r) {
    const float* a_row = a + r * a_stride;
    const uint16_t* b_row = b + r * b_stride;
    uint16_t* out_row = out + r * out_stride;
    for (size_t i = 0; i < cols; i += 16) {
      const __mmask16 part = lanes(cols - i);
      const __m512i words = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(part, b_row + i));
      const __m512 widened = _mm512_castsi512_ps(_mm512_slli_epi32(words, 16));
      // a's NaN where a is NaN: the compiler may swap the addition's operands, and x86 keeps the first's.
      const __m512 x = _mm512_maskz_loadu_ps(part, a_row + i);
      const __m512 added = _mm512_mask_mov_ps(_mm512_add_ps(x, widened), _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), x);
      const __m512 sum = clamp(added, low, high);
      _mm256_mask_storeu_epi16(out_row + i, part, _mm512_cvtepi32_epi16(bf16_bits(_mm512_castps_si512(sum))));
    }
  }
}

void bf16_decode_tile_rows__avx512(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                   float* dst, size_t dst_stride) {
  bf16_decode_tile_rows<bf16_decode>(tile, row0, row1, col0, col1, dst, dst_stride);
}

void bf16_encode_tile_rows__avx512(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                                   uint32_t col1, uint16_t* tile) {
  bf16_encode_tile_rows<bf16_encode>(src, src_stride, row0, row1, col0, col1, tile);
}

}  // namespace ttnn::kernels
