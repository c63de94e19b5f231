#include <immintrin.h>

#include "kernels/cpu/x86_amx/amx.hpp"

namespace ttnn::kernels {

double bf16_dot_peak__amx(uint64_t iterations) {
  configure_amx_tiles();
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  _tile_zero(4);
  _tile_zero(5);
  _tile_zero(6);
  _tile_zero(7);
  for (uint64_t it = 0; it < iterations; ++it) {
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  // Each tdpbf16ps: 16 x 16 outputs, 32 multiply-adds each.
  return double(iterations) * 4 * kTileRows * 16 * 32 * 2;
}

}  // namespace ttnn::kernels
