// An RGB image's planes interleaved into pixels with AVX-512: sixteen pixels a step, each plane one vector,
// the three placed by two-source permutes (float32: two a vector out; bfloat16: the words of all three in
// two). Other channel counts and the last pixels go to the reference.
#include <immintrin.h>

#include <array>

#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {
namespace {

// Output element j of pixels p0..p0+15: pixel j / 3, channel j % 3.
constexpr size_t pixel_of(size_t j) { return j / 3; }
constexpr size_t channel_of(size_t j) { return j % 3; }

// float32, out vector k (elements 16k..16k+15): first R and G from [R | G], then B from [that | B].
constexpr std::array<int32_t, 16> red_green_index(size_t k) {
  std::array<int32_t, 16> index{};
  for (size_t i = 0; i < 16; ++i) {
    const size_t j = 16 * k + i;
    index[i] = channel_of(j) == 1 ? int32_t(16 + pixel_of(j)) : int32_t(pixel_of(j));  // blue: placeholder
  }
  return index;
}
constexpr std::array<int32_t, 16> blue_index(size_t k) {
  std::array<int32_t, 16> index{};
  for (size_t i = 0; i < 16; ++i) {
    const size_t j = 16 * k + i;
    index[i] = channel_of(j) == 2 ? int32_t(16 + pixel_of(j)) : int32_t(i);
  }
  return index;
}
constexpr std::array<std::array<int32_t, 16>, 3> kRedGreen = {red_green_index(0), red_green_index(1), red_green_index(2)};
constexpr std::array<std::array<int32_t, 16>, 3> kBlue = {blue_index(0), blue_index(1), blue_index(2)};

// bfloat16, out words 32k..32k+31 from [R G] (words 0-31) and B (words 32-47).
constexpr std::array<int16_t, 32> word_index(size_t k) {
  std::array<int16_t, 32> index{};
  for (size_t i = 0; i < 32; ++i) {
    const size_t j = 32 * k + i;
    index[i] = int16_t(j < 48 ? 16 * channel_of(j) + pixel_of(j) : 0);
  }
  return index;
}
constexpr std::array<std::array<int16_t, 32>, 2> kWords = {word_index(0), word_index(1)};

inline __m512i load_index(const int32_t* index) { return _mm512_loadu_si512(index); }

}  // namespace

void f32_planes_to_pixels__avx512(const float* planes, size_t plane_stride, size_t channels, size_t count,
                                  float* out) {
  size_t i = 0;
  if (channels == 3) {
    const __m512i rg[3] = {load_index(kRedGreen[0].data()), load_index(kRedGreen[1].data()),
                           load_index(kRedGreen[2].data())};
    const __m512i b[3] = {load_index(kBlue[0].data()), load_index(kBlue[1].data()), load_index(kBlue[2].data())};
    for (; i + 16 <= count; i += 16) {
      const __m512 red = _mm512_loadu_ps(planes + i), green = _mm512_loadu_ps(planes + plane_stride + i);
      const __m512 blue = _mm512_loadu_ps(planes + 2 * plane_stride + i);
#pragma GCC unroll 3
      for (size_t k = 0; k < 3; ++k)
        _mm512_storeu_ps(out + 3 * i + 16 * k,
                         _mm512_permutex2var_ps(_mm512_permutex2var_ps(red, rg[k], green), b[k], blue));
    }
  }
  if (i < count) f32_planes_to_pixels_ref(planes + i, plane_stride, channels, count - i, out + channels * i);
}

void bf16_planes_to_pixels__avx512(const float* planes, size_t plane_stride, size_t channels, size_t count,
                                   uint16_t* out) {
  size_t i = 0;
  if (channels == 3) {
    const __m512i first = _mm512_loadu_si512(kWords[0].data()), second = _mm512_loadu_si512(kWords[1].data());
    const auto words = [&](const float* plane) {
      return _mm512_cvtepi32_epi16(bf16_bits(_mm512_castps_si512(_mm512_loadu_ps(plane))));
    };
    for (; i + 16 <= count; i += 16) {
      const __m512i red_green = _mm512_inserti64x4(_mm512_castsi256_si512(words(planes + i)),
                                                   words(planes + plane_stride + i), 1);
      const __m512i blue = _mm512_castsi256_si512(words(planes + 2 * plane_stride + i));
      _mm512_storeu_si512(out + 3 * i, _mm512_permutex2var_epi16(red_green, first, blue));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 3 * i + 32),
                          _mm512_castsi512_si256(_mm512_permutex2var_epi16(red_green, second, blue)));
    }
  }
  if (i < count) bf16_planes_to_pixels_ref(planes + i, plane_stride, channels, count - i, out + channels * i);
}

}  // namespace ttnn::kernels
