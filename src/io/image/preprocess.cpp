// ImageNet preprocessing, bit-exact with torchvision 0.14 on PIL images (Pillow 9.x arithmetic):
//
// Resize: PIL's ImagingResample (libImaging/Resample.c) with the BILINEAR filter. For each output
// position a triangle filter, widened by the downscaling factor (antialiasing), is sampled at the input
// pixel centres in double precision, normalised to sum 1, then converted to 22-bit fixed point
// (PRECISION_BITS = 32 - 8 - 2). The horizontal pass runs first, over just the input rows the vertical
// pass reads, and rounds to uint8 (accumulator starts at 1 << 21, result >> 22, clamped); the vertical
// pass then does the same on that 8-bit intermediate. A pass whose size does not change is skipped, as
// in PIL. Every output pixel depends only on its own row/column coefficients, so computing only the
// window that CenterCrop keeps gives exactly the pixels PIL computes for the whole image.
//
// CenterCrop: offsets int(round((H - h) / 2.0)) with Python's round-half-to-even; zero padding first
// when the crop is larger than the image. ToTensor + Normalize: (v / 255.0f - mean) / std in float32,
// the operations and rounding torch performs (true division, not multiplication by a reciprocal).
//
// This file is compiled with -ffp-contract=off (see CMakeLists.txt): a fused multiply-add would round
// differently from Pillow's separate multiply and add.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/check.hpp"
#include "ttnn/io/image.hpp"

namespace ttnn::io {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

// Fixed-point filter taps for output positions [first, first + count) of a pass that maps `in_size`
// samples onto `out_size` (PIL's precompute_coeffs + normalize_coeffs_8bpc for box = [0, in_size)).
struct Taps {
  int ksize = 0;
  std::vector<int> start;    // first input sample of each output position
  std::vector<int> length;   // number of input samples it reads
  std::vector<int32_t> k;    // count * ksize coefficients, unused ones zero
};

inline double bilinear_filter(double x) {
  if (x < 0.0) x = -x;
  if (x < 1.0) return 1.0 - x;
  return 0.0;
}

Taps precompute_taps(int in_size, int out_size, int first, int count) {
  const float in0 = 0.0f;
  const auto in1 = static_cast<float>(in_size);
  const double scale = static_cast<double>(in1 - in0) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = 1.0 * filterscale;  // BILINEAR's support is 1.0
  Taps taps;
  taps.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  taps.start.resize(static_cast<size_t>(count));
  taps.length.resize(static_cast<size_t>(count));
  taps.k.assign(static_cast<size_t>(count) * static_cast<size_t>(taps.ksize), 0);
  std::vector<double> w(static_cast<size_t>(taps.ksize));
  for (int i = 0; i < count; ++i) {
    const int xx = first + i;
    const double center = in0 + (xx + 0.5) * scale;
    double ww = 0.0;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    int x = 0;
    for (; x < xmax; ++x) {
      const double v = bilinear_filter((x + xmin - center + 0.5) * ss);
      w[static_cast<size_t>(x)] = v;
      ww += v;
    }
    for (x = 0; x < xmax; ++x) {
      if (ww != 0.0) w[static_cast<size_t>(x)] /= ww;
    }
    int32_t* k = &taps.k[static_cast<size_t>(i) * static_cast<size_t>(taps.ksize)];
    for (x = 0; x < xmax; ++x) {
      const double v = w[static_cast<size_t>(x)];
      k[x] = v < 0 ? static_cast<int32_t>(-0.5 + v * (1 << kPrecisionBits))
                   : static_cast<int32_t>(0.5 + v * (1 << kPrecisionBits));
    }
    taps.start[static_cast<size_t>(i)] = xmin;
    taps.length[static_cast<size_t>(i)] = xmax;
  }
  return taps;
}

// PIL's clip8 for the 8-bit passes: the accumulator shifted down by PRECISION_BITS, clamped to 0..255.
inline uint8_t clip8(int32_t acc) {
  const int32_t v = acc >> kPrecisionBits;
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

// Pixels [x0, x0 + w) x [y0, y0 + h) of PIL's BILINEAR resize of `image` to out_w x out_h. The window
// must lie inside the output and be non-empty.
Image resize_window(const Image& image, uint32_t out_w, uint32_t out_h, uint32_t x0, uint32_t y0, uint32_t w,
                    uint32_t h) {
  const int in_w = static_cast<int>(image.width);
  const int in_h = static_cast<int>(image.height);
  const bool need_horizontal = out_w != image.width;
  const bool need_vertical = out_h != image.height;

  // Input rows the vertical pass reads, and its taps (relative to the first of those rows).
  int row_first = static_cast<int>(y0);
  int row_last = static_cast<int>(y0 + h);
  Taps vertical;
  if (need_vertical) {
    vertical = precompute_taps(in_h, static_cast<int>(out_h), static_cast<int>(y0), static_cast<int>(h));
    row_first = vertical.start.front();
    row_last = vertical.start.back() + vertical.length.back();
  }

  // Horizontal pass: rows [row_first, row_last) of the input, output columns [x0, x0 + w).
  const size_t mid_w = w;
  const size_t mid_h = static_cast<size_t>(row_last - row_first);
  std::vector<uint8_t> mid(mid_w * mid_h * 3);
  if (need_horizontal) {
    const Taps horizontal = precompute_taps(in_w, static_cast<int>(out_w), static_cast<int>(x0), static_cast<int>(w));
    for (size_t r = 0; r < mid_h; ++r) {
      const uint8_t* in_row = image.rgb.data() + (static_cast<size_t>(row_first) + r) * image.width * 3;
      uint8_t* out_row = mid.data() + r * mid_w * 3;
      for (size_t j = 0; j < mid_w; ++j) {
        const int32_t* k = &horizontal.k[j * static_cast<size_t>(horizontal.ksize)];
        const uint8_t* src = in_row + static_cast<size_t>(horizontal.start[j]) * 3;
        const int n = horizontal.length[j];
        int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
        for (int x = 0; x < n; ++x) {
          s0 += src[x * 3 + 0] * k[x];
          s1 += src[x * 3 + 1] * k[x];
          s2 += src[x * 3 + 2] * k[x];
        }
        out_row[j * 3 + 0] = clip8(s0);
        out_row[j * 3 + 1] = clip8(s1);
        out_row[j * 3 + 2] = clip8(s2);
      }
    }
  } else {
    for (size_t r = 0; r < mid_h; ++r)
      std::memcpy(mid.data() + r * mid_w * 3,
                  image.rgb.data() + ((static_cast<size_t>(row_first) + r) * image.width + x0) * 3, mid_w * 3);
  }

  Image out;
  out.width = w;
  out.height = h;
  if (!need_vertical) {
    out.rgb = std::move(mid);
    return out;
  }
  // Vertical pass over the intermediate rows.
  out.rgb.resize(static_cast<size_t>(w) * h * 3);
  const size_t row_values = mid_w * 3;
  std::vector<int32_t> acc(row_values);
  for (size_t i = 0; i < h; ++i) {
    const int32_t* k = &vertical.k[i * static_cast<size_t>(vertical.ksize)];
    const size_t first = static_cast<size_t>(vertical.start[i] - row_first);
    std::fill(acc.begin(), acc.end(), int32_t{1} << (kPrecisionBits - 1));
    for (int y = 0; y < vertical.length[i]; ++y) {
      const uint8_t* src = mid.data() + (first + static_cast<size_t>(y)) * row_values;
      const int32_t ky = k[y];
      for (size_t v = 0; v < row_values; ++v) acc[v] += src[v] * ky;
    }
    uint8_t* dst = out.rgb.data() + i * row_values;
    for (size_t v = 0; v < row_values; ++v) dst[v] = clip8(acc[v]);
  }
  return out;
}

void check_image(const Image& image, std::string_view function) {
  check(image.width > 0 && image.height > 0, "{}: the image is empty ({}x{})", function, image.width, image.height);
  check(image.rgb.size() == static_cast<size_t>(image.width) * image.height * 3,
        "{}: the image is {}x{} but holds {} bytes, expected {} (interleaved RGB8)", function, image.width,
        image.height, image.rgb.size(), static_cast<size_t>(image.width) * image.height * 3);
}

// Python's round() of d / 2 for an integer d >= 0: halves go to the even neighbour.
inline int64_t round_half_even_half(int64_t d) {
  const int64_t q = d / 2;
  return (d % 2 != 0 && q % 2 != 0) ? q + 1 : q;
}

// Where torchvision's CenterCrop takes a crop_w x crop_h crop of a width x height image: the crop's
// top-left corner in the image's coordinates (negative inside the zero padding it adds first).
struct CropOrigin {
  int64_t left = 0;
  int64_t top = 0;
};

CropOrigin center_crop_origin(uint32_t width, uint32_t height, uint32_t crop_w, uint32_t crop_h) {
  int64_t pad_left = 0, pad_top = 0, padded_w = width, padded_h = height;
  if (crop_w > width || crop_h > height) {
    const int64_t dw = static_cast<int64_t>(crop_w) - width;
    const int64_t dh = static_cast<int64_t>(crop_h) - height;
    pad_left = crop_w > width ? dw / 2 : 0;
    pad_top = crop_h > height ? dh / 2 : 0;
    const int64_t pad_right = crop_w > width ? (dw + 1) / 2 : 0;
    const int64_t pad_bottom = crop_h > height ? (dh + 1) / 2 : 0;
    padded_w = width + pad_left + pad_right;
    padded_h = height + pad_top + pad_bottom;
    if (padded_w == crop_w && padded_h == crop_h) return {-pad_left, -pad_top};
  }
  const int64_t top = round_half_even_half(padded_h - crop_h);
  const int64_t left = round_half_even_half(padded_w - crop_w);
  return {left - pad_left, top - pad_top};
}

// Copies the part of `source` (an image of size width x height at the origin) that overlaps the crop
// into a zero-filled crop_w x crop_h image. `window` holds the source pixels of the overlap, whose
// top-left corner is (wx, wy) in the source.
Image place_window(const Image& window, int64_t wx, int64_t wy, const CropOrigin& origin, uint32_t crop_w,
                   uint32_t crop_h) {
  Image out;
  out.width = crop_w;
  out.height = crop_h;
  out.rgb.assign(static_cast<size_t>(crop_w) * crop_h * 3, 0);
  const auto dx = static_cast<size_t>(wx - origin.left);
  const auto dy = static_cast<size_t>(wy - origin.top);
  for (size_t r = 0; r < window.height; ++r)
    std::memcpy(out.rgb.data() + ((dy + r) * crop_w + dx) * 3, window.rgb.data() + r * window.width * 3,
                static_cast<size_t>(window.width) * 3);
  return out;
}

struct Overlap {
  uint32_t x0 = 0, y0 = 0, w = 0, h = 0;
};

Overlap crop_overlap(uint32_t width, uint32_t height, const CropOrigin& origin, uint32_t crop_w, uint32_t crop_h) {
  const int64_t x_lo = std::max<int64_t>(origin.left, 0);
  const int64_t y_lo = std::max<int64_t>(origin.top, 0);
  const int64_t x_hi = std::min<int64_t>(origin.left + crop_w, width);
  const int64_t y_hi = std::min<int64_t>(origin.top + crop_h, height);
  if (x_hi <= x_lo || y_hi <= y_lo) return {};
  return {static_cast<uint32_t>(x_lo), static_cast<uint32_t>(y_lo), static_cast<uint32_t>(x_hi - x_lo),
          static_cast<uint32_t>(y_hi - y_lo)};
}

// The crop of the image resized to (out_w, out_h), computing only the pixels the crop keeps.
Image resize_then_center_crop(const Image& image, uint32_t out_w, uint32_t out_h, uint32_t crop_w, uint32_t crop_h) {
  const CropOrigin origin = center_crop_origin(out_w, out_h, crop_w, crop_h);
  const Overlap o = crop_overlap(out_w, out_h, origin, crop_w, crop_h);
  Image window;
  if (o.w > 0) window = resize_window(image, out_w, out_h, o.x0, o.y0, o.w, o.h);
  return place_window(window, o.x0, o.y0, origin, crop_w, crop_h);
}

// One channel's 256 normalised values, (v / 255 - mean) / std in float32.
std::array<std::array<float, 256>, 3> normalization_table() {
  std::array<std::array<float, 256>, 3> table{};
  for (size_t c = 0; c < 3; ++c)
    for (int v = 0; v < 256; ++v) {
      const float scaled = static_cast<float>(v) / 255.0f;
      const float centred = scaled - kImageNetMean[c];
      table[c][static_cast<size_t>(v)] = centred / kImageNetStd[c];
    }
  return table;
}

void normalize_into(const Image& image, ChannelOrder order, float* out) {
  static const auto table = normalization_table();
  const size_t pixels = static_cast<size_t>(image.width) * image.height;
  const uint8_t* rgb = image.rgb.data();
  if (order == ChannelOrder::HWC) {
    for (size_t i = 0; i < pixels * 3; ++i) out[i] = table[i % 3][rgb[i]];
    return;
  }
  for (size_t c = 0; c < 3; ++c) {
    float* plane = out + c * pixels;
    for (size_t i = 0; i < pixels; ++i) plane[i] = table[c][rgb[i * 3 + c]];
  }
}

}  // namespace

Image resize_bilinear(const Image& image, uint32_t width, uint32_t height) {
  check_image(image, "resize_bilinear");
  check(width > 0 && height > 0, "resize_bilinear: the output size {}x{} is empty", width, height);
  check(width <= kMaxImageSide && height <= kMaxImageSide &&
            static_cast<uint64_t>(width) * height <= kMaxImagePixels,
        "resize_bilinear: the output size {}x{} is above the limit of {} pixels a side and {} in all", width,
        height, kMaxImageSide, kMaxImagePixels);
  return resize_window(image, width, height, 0, 0, width, height);
}

ImageSize resize_shorter_side_size(uint32_t width, uint32_t height, uint32_t size) {
  check(width > 0 && height > 0, "resize_shorter_side_size: the image is empty ({}x{})", width, height);
  check(size > 0, "resize_shorter_side_size: the size must be positive");
  const uint64_t shorter = std::min(width, height);
  const uint64_t longer = std::max(width, height);
  // Python: int(size * long / short), a correctly rounded true division then truncation. Both operands
  // are exact in double, so IEEE division gives the same quotient.
  const double quotient = static_cast<double>(uint64_t{size} * longer) / static_cast<double>(shorter);
  check(quotient <= static_cast<double>(std::numeric_limits<uint32_t>::max()),
        "resize_shorter_side_size: resizing {}x{} to a shorter side of {} gives a longer side of {}", width,
        height, size, quotient);
  const auto new_long = static_cast<uint32_t>(quotient);
  if (width <= height) return {size, new_long};
  return {new_long, size};
}

Image resize_shorter_side(const Image& image, uint32_t size) {
  check_image(image, "resize_shorter_side");
  const ImageSize s = resize_shorter_side_size(image.width, image.height, size);
  return resize_bilinear(image, s.width, s.height);
}

Image center_crop(const Image& image, uint32_t width, uint32_t height) {
  check_image(image, "center_crop");
  check(width > 0 && height > 0, "center_crop: the crop size {}x{} is empty", width, height);
  const CropOrigin origin = center_crop_origin(image.width, image.height, width, height);
  const Overlap o = crop_overlap(image.width, image.height, origin, width, height);
  Image window;
  window.width = o.w;
  window.height = o.h;
  window.rgb.resize(static_cast<size_t>(o.w) * o.h * 3);
  for (size_t r = 0; r < o.h; ++r)
    std::memcpy(window.rgb.data() + r * o.w * 3, image.rgb.data() + ((o.y0 + r) * image.width + o.x0) * 3,
                static_cast<size_t>(o.w) * 3);
  return place_window(window, o.x0, o.y0, origin, width, height);
}

std::vector<float> imagenet_normalize(const Image& image, ChannelOrder order) {
  check_image(image, "imagenet_normalize");
  std::vector<float> out(static_cast<size_t>(image.width) * image.height * 3);
  normalize_into(image, order, out.data());
  return out;
}

namespace {

void check_sizes(uint32_t resize, uint32_t crop) {
  check(resize > 0 && crop > 0, "imagenet_preprocess: resize ({}) and crop ({}) must be positive", resize, crop);
  check(crop <= kMaxImageSide, "imagenet_preprocess: crop {} is above the limit of {}", crop, kMaxImageSide);
}

void preprocess_into(const Image& image, uint32_t resize, uint32_t crop, ChannelOrder order, float* out) {
  check_image(image, "imagenet_preprocess");
  const ImageSize s = resize_shorter_side_size(image.width, image.height, resize);
  normalize_into(resize_then_center_crop(image, s.width, s.height, crop, crop), order, out);
}

}  // namespace

std::vector<float> imagenet_preprocess(const Image& image, uint32_t resize, uint32_t crop, ChannelOrder order) {
  check_sizes(resize, crop);
  std::vector<float> out(static_cast<size_t>(crop) * crop * 3);
  preprocess_into(image, resize, crop, order, out.data());
  return out;
}

std::vector<float> imagenet_preprocess_batch(std::span<const Image> images, uint32_t resize, uint32_t crop,
                                             ChannelOrder order) {
  check_sizes(resize, crop);
  const size_t per_image = static_cast<size_t>(crop) * crop * 3;
  std::vector<float> out(per_image * images.size());
  for (size_t i = 0; i < images.size(); ++i)
    preprocess_into(images[i], resize, crop, order, out.data() + i * per_image);
  return out;
}

}  // namespace ttnn::io
