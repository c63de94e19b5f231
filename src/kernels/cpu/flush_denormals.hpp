// Sets MXCSR's flush-to-zero and denormals-are-zero for a scope: the bfloat16 GEMMs' flushing rule
// (kernels.hpp, vdpbf16ps's own), which their FMAs and bias additions must follow. x86 sources only.
#pragma once

#include <xmmintrin.h>

namespace ttnn::kernels {

class FlushDenormals {
 public:
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }  // FTZ | DAZ
  ~FlushDenormals() { _mm_setcsr(saved_); }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  unsigned saved_;
};

}  // namespace ttnn::kernels
