// Significand truncation and rounding for math fidelity (see DESIGN.md, "Math fidelity").
#pragma once

#include <cstdint>
#include <span>

namespace ttnn::formats {

// In both functions `bits` outside [1, 24] is clamped into that range (the functions never fail).

// `value` with only its top `bits` significand bits kept (hidden bit included, 1 <= bits <= 24), the
// rest zeroed: truncation toward zero, as the multiplier does. Zero, Inf and NaN are returned unchanged;
// subnormals are treated as zero (sign kept).
float truncate_significand(float value, int bits);

// The same for every value of a span (vectorised).
void truncate_significand(std::span<float> values, int bits);

// `value` rounded to nearest, ties to even, at `bits` significand bits (hidden bit included); a carry
// past the top bumps the exponent; overflow gives Inf. Zero, Inf and NaN unchanged; subnormals -> zero.
// With bits == 1 only the hidden bit is kept and "even" is the exponent's low bit (the kept bit pattern).
float round_significand(float value, int bits);

// The same for every value of a span (vectorised).
void round_significand(std::span<float> values, int bits);

}  // namespace ttnn::formats
