// bfloat8_b blocks and bfloat16 with AVX2: the reference arithmetic (block_float.hpp) as explicit vector operations, so
// the results are bit-identical (no contraction into FMAs: each step is its own intrinsic).
#include <immintrin.h>

#include "kernels/cpu/bf16_tile_rows.hpp"
#include "kernels/cpu/bfp8_tile_rows.hpp"

#include <algorithm>

#include "kernels/cpu/x86_avx2/avx2.hpp"

namespace ttnn::kernels {
namespace {

constexpr uint32_t kExponentMask = 0x7F800000u;

// 16 int32 codes (two vectors, each value in [0, 255]) as 16 bytes in order.
__m128i narrow_codes(__m256i low, __m256i high) {
  const __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(low, high), 0xD8);
  return _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}

__m256i encode_half(__m256 values, __m256 to_units) {
  const __m256i bits = _mm256_castps_si256(values);
  const __m256i exponent = _mm256_and_si256(bits, _mm256_set1_epi32(int(kExponentMask)));
  const __m256i normal = _mm256_cmpgt_epi32(exponent, _mm256_setzero_si256());  // subnormals count as zero
  const __m256 magnitude = _mm256_and_ps(_mm256_castsi256_ps(_mm256_and_si256(bits, normal)),
                                         _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF)));
  const __m256 round = _mm256_set1_ps(12582912.0f);  // 1.5 * 2^23: adding and subtracting rounds to even
  __m256 units = _mm256_mul_ps(magnitude, to_units);
  units = _mm256_sub_ps(_mm256_add_ps(units, round), round);
  units = _mm256_min_ps(units, _mm256_set1_ps(127.0f));
  const __m256i mag = _mm256_cvttps_epi32(units);
  const __m256i negative = _mm256_srai_epi32(bits, 31);  // all ones when the sign bit is set
  const __m256i nonzero = _mm256_cmpgt_epi32(mag, _mm256_setzero_si256());
  const __m256i sign = _mm256_and_si256(_mm256_and_si256(negative, nonzero), _mm256_set1_epi32(0x80));
  return _mm256_or_si256(mag, sign);
}

__m256 decode_half(__m128i codes8, __m256 scale) {
  const __m256i codes = _mm256_cvtepu8_epi32(codes8);
  const __m256i magnitude = _mm256_and_si256(codes, _mm256_set1_epi32(0x7F));
  const __m256i sign = _mm256_slli_epi32(_mm256_and_si256(codes, _mm256_set1_epi32(0x80)), 24);
  const __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(magnitude), scale);
  return _mm256_or_ps(value, _mm256_castsi256_ps(sign));
}

}  // namespace

uint8_t bfp8_encode__avx2(const float* values, uint8_t* codes) {
  const __m256 low = _mm256_loadu_ps(values), high = _mm256_loadu_ps(values + 8);
  const __m256i mask = _mm256_set1_epi32(int(kExponentMask));
  const __m256i both = _mm256_max_epi32(_mm256_and_si256(_mm256_castps_si256(low), mask),
                                        _mm256_and_si256(_mm256_castps_si256(high), mask));
  __m128i top = _mm_max_epi32(_mm256_castsi256_si128(both), _mm256_extracti128_si256(both, 1));
  top = _mm_max_epi32(top, _mm_shuffle_epi32(top, 0x4E));
  top = _mm_max_epi32(top, _mm_shuffle_epi32(top, 0xB1));  // the row's exponent field in every lane
  const uint32_t row = uint32_t(_mm_cvtsi128_si32(top)) >> 23;
  if (row == 0) {  // zeros and subnormals only (post-ReLU blocks often are): every code 0
    _mm_storeu_si128(reinterpret_cast<__m128i*>(codes), _mm_setzero_si128());
    return 0;
  }
  // The reference's own fast-path condition: finite rows whose scale to units stays a normal float.
  if (row == 255 || row < 16) return bfp8_encode_ref(values, codes);
  // 2^(6 - (row - 127)) = 2^(133 - row): its bits (260 - row) << 23, from the broadcast field (mod 2^32).
  const __m256i field = _mm256_broadcastd_epi32(top);
  const __m256 to_units = _mm256_castsi256_ps(_mm256_sub_epi32(_mm256_set1_epi32(int(260u << 23)), field));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(codes), narrow_codes(encode_half(low, to_units), encode_half(high, to_units)));
  return uint8_t(row);
}

void bfp8_encode_pair__avx2(const float* values, uint8_t* codes0, uint8_t* codes1, uint8_t* exponents) {
  exponents[0] = bfp8_encode__avx2(values, codes0);
  exponents[1] = bfp8_encode__avx2(values + 16, codes1);
}

void bfp8_decode__avx2(uint8_t exponent, const uint8_t* codes, float* values) {
  if (exponent == 255) {  // Inf/NaN rows
    bfp8_decode_ref(exponent, codes, values);
    return;
  }
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes));
  if (exponent < 7) {
    // 2^(E - 133) is subnormal: scale by 2^-64 (exact) then 2^(E - 69); the product m * 2^(E - 133) of a 7-bit
    // m is representable, so both ways give the reference's exact value.
    const __m256 first = _mm256_set1_ps(0x1p-64f);
    const __m256 second = _mm256_castsi256_ps(_mm256_set1_epi32(int((exponent - 69 + 127) << 23)));
    _mm256_storeu_ps(values, _mm256_mul_ps(decode_half(bytes, first), second));
    _mm256_storeu_ps(values + 8, _mm256_mul_ps(decode_half(_mm_srli_si128(bytes, 8), first), second));
    return;
  }
  const __m256 scale = _mm256_castsi256_ps(_mm256_set1_epi32(int((exponent - 6) << 23)));  // 2^(E - 133)
  _mm256_storeu_ps(values, decode_half(bytes, scale));
  _mm256_storeu_ps(values + 8, decode_half(_mm_srli_si128(bytes, 8), scale));
}

namespace {

// 16 values a step, the tail (under 16) through the reference.
inline void bf16_encode(const float* values, size_t count, uint16_t* bits) {
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m256i words = _mm256_permute4x64_epi64(
        _mm256_packus_epi32(bf16_bits(_mm256_loadu_ps(values + i)), bf16_bits(_mm256_loadu_ps(values + i + 8))), 0xD8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(bits + i), words);
  }
  if (i < count) bf16_encode_ref(values + i, count - i, bits + i);
}

inline void bf16_decode(const uint16_t* bits, size_t count, float* values) {
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m256i words = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bits + i));
    const __m256i low = _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(words)), 16);
    const __m256i high = _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm256_extracti128_si256(words, 1)), 16);
    _mm256_storeu_ps(values + i, _mm256_castsi256_ps(low));
    _mm256_storeu_ps(values + i + 8, _mm256_castsi256_ps(high));
  }
  if (i < count) bf16_decode_ref(bits + i, count - i, values + i);
}

}  // namespace

void bf16_encode__avx2(const float* values, size_t count, uint16_t* bits) { bf16_encode(values, count, bits); }
void bf16_decode__avx2(const uint16_t* bits, size_t count, float* values) { bf16_decode(bits, count, values); }

void bf16_round_rows__avx2(float* values, size_t rows, size_t cols, size_t stride) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = values + r * stride;
    size_t i = 0;
    for (; i + 8 <= cols; i += 8) _mm256_storeu_ps(row + i, bf16_rounded(_mm256_loadu_ps(row + i)));
    if (i < cols) bf16_round_rows_ref(row + i, 1, cols - i, cols - i);
  }
}

void bf16_add_rows__avx2(const float* a, size_t a_stride, const uint16_t* b, size_t b_stride, size_t rows, size_t cols,
                         float lo, float hi, uint16_t* out, size_t out_stride) {
  const __m256 low = _mm256_set1_ps(lo), high = _mm256_set1_ps(hi);
  for (size_t r = 0; r < rows; ++r) {
    const float* a_row = a + r * a_stride;
    const uint16_t* b_row = b + r * b_stride;
    uint16_t* out_row = out + r * out_stride;
    size_t i = 0;
    for (; i + 8 <= cols; i += 8) {
      const __m128i words = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b_row + i));
      const __m256 widened = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(words), 16));
      // max(lo, v) then min(hi, v): a NaN sum passes (the second operand is returned when one is NaN).
      // a's NaN where a is NaN: the compiler may swap the addition's operands, and x86 keeps the first's.
      const __m256 x = _mm256_loadu_ps(a_row + i);
      const __m256 added = _mm256_blendv_ps(_mm256_add_ps(x, widened), x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
      const __m256 sum = _mm256_min_ps(high, _mm256_max_ps(low, added));
      const __m256i bits = bf16_bits(sum);  // 32-bit lanes: packed to words within 128-bit halves, reordered
      const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(bits), _mm256_extracti128_si256(bits, 1));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out_row + i), packed);
    }
    if (i < cols) bf16_add_rows_ref(a_row + i, a_stride, b_row + i, b_stride, 1, cols - i, lo, hi, out_row + i, out_stride);
  }
}

void bf16_decode_tile_rows__avx2(const uint16_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                                 float* dst, size_t dst_stride) {
  bf16_decode_tile_rows<bf16_decode>(tile, row0, row1, col0, col1, dst, dst_stride);
}

void bf16_encode_tile_rows__avx2(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint32_t col0,
                                 uint32_t col1, uint16_t* tile) {
  bf16_encode_tile_rows<bf16_encode>(src, src_stride, row0, row1, col0, col1, tile);
}

void round_significand__avx2(float* values, size_t count, int bits) {
  const SignificandCut8 cut(std::max(bits, 1));
  if (cut.drop == 0) return;
  size_t i = 0;
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(values + i, cut(_mm256_loadu_ps(values + i)));
  if (i < count) round_significand_ref(values + i, count - i, bits);
}

void bfp8_decode_tile_rows__avx2(const uint8_t* tile, uint32_t row0, uint32_t row1, uint32_t col0, uint32_t col1,
                            float* dst, size_t dst_stride) {
  bfp8_decode_tile_rows<bfp8_decode__avx2>(tile, row0, row1, col0, col1, dst, dst_stride);
}

void bfp8_encode_tile_rows__avx2(const float* src, size_t src_stride, uint32_t row0, uint32_t row1, uint8_t* tile) {
  bfp8_encode_tile_rows<bfp8_encode_pair__avx2>(src, src_stride, row0, row1, tile);
}

void bfp8_round_rows__avx2(float* values, size_t rows, size_t cols, size_t stride) {
  bfp8_round_rows<bfp8_encode__avx2, bfp8_decode__avx2>(values, rows, cols, stride);
}

void bfp8_decode_int8_rows__avx2(const int8_t* codes, size_t codes_stride, const uint8_t* exponents,
                                 size_t exponents_stride, size_t rows, size_t cols, uint8_t code_bias, float* dst,
                                 size_t dst_stride) {
  bfp8_decode_int8_rows<bfp8_decode__avx2>(codes, codes_stride, exponents, exponents_stride, rows, cols, code_bias, dst,
                                           dst_stride);
}

uint8_t bfp8_encode_int8_rows__avx2(const float* src, size_t src_stride, size_t rows, size_t cols, int8_t* codes,
                                    size_t codes_stride, uint8_t* exponents, size_t exponents_stride,
                                    uint8_t code_bias) {
  return bfp8_encode_int8_rows<bfp8_encode__avx2>(src, src_stride, rows, cols, codes, codes_stride, exponents,
                                                  exponents_stride, code_bias);
}

}  // namespace ttnn::kernels
