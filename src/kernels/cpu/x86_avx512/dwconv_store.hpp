// Where the AVX-512 depthwise kernels' outputs go, and one output vector finished and stored there. AVX-512
// sources only.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <type_traits>

#include "kernels/cpu/x86_avx512/avx512.hpp"

namespace ttnn::kernels {

// Where a call's outputs go: floats (DwconvArgs::output), or bfloat16 words (output_words).
template <class Out>
Out* dwconv_outputs(const DwconvArgs& args) {
  if constexpr (std::is_same_v<Out, uint16_t>) return args.output_words;
  else return args.output;
}

// One output vector finished and stored, as floats (finish) or as bfloat16 words (finish_words: outputs
// rounded to bfloat16, DwconvArgs::output_words).
template <bool kFull, bool kRound, class Out>
__attribute__((always_inline)) inline void store_output(Out* to, __mmask16 m, __m512 v, __m512 lo, __m512 hi) {
  if constexpr (std::is_same_v<Out, uint16_t>) {
    const __m256i words = finish_words(v, lo, hi);
    if (kFull) _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), words);
    else _mm256_mask_storeu_epi16(to, m, words);
  } else {
    const __m512 finished = finish<kRound>(v, lo, hi);
    if (kFull) _mm512_storeu_ps(to, finished);
    else _mm512_mask_storeu_ps(to, m, finished);
  }
}

}  // namespace ttnn::kernels
