#include "model/image_input.hpp"

#include <algorithm>

#include "ops/common/tensor_rows.hpp"

namespace ttnn::model {

void write_nchw_image(std::span<const float> nchw, const Shape& nchw_shape, const BufferLayout& layout,
                      std::byte* bytes, const Device& device) {
  const uint32_t n = nchw_shape[0], c = nchw_shape[1], plane = nchw_shape[2] * nchw_shape[3];
  const uint64_t pixels = uint64_t(n) * plane, width = layout.logical_width;
  // A few items a thread (each has a cost of its own), each in bands of whole tiles staged on the stack
  // 64 columns at a time.
  constexpr uint64_t kBand = 32, kColumns = 64;
  const uint64_t bands = (pixels + kBand - 1) / kBand;
  const uint64_t items = std::min<uint64_t>(bands, 4 * uint64_t(device.num_threads()));
  device.run_parallel(size_t(items), [&](size_t item) {
    float rows[kBand * kColumns];
    for (uint64_t band = bands * item / items; band < bands * (item + 1) / items; ++band) {
      const uint64_t begin = band * kBand, end = std::min(pixels, begin + kBand);
      for (uint64_t col0 = 0; col0 < width; col0 += kColumns) {
        const uint64_t col1 = std::min(width, col0 + kColumns), cols = col1 - col0;
        for (uint64_t pixel = begin; pixel < end; ++pixel) {
          const float* image = nchw.data() + pixel / plane * c * plane + pixel % plane;
          float* row = rows + (pixel - begin) * cols;
          for (uint64_t col = col0; col < col1; ++col) row[col - col0] = col < c ? image[col * plane] : 0.0f;
        }
        write_rows(layout, bytes, begin, end, col0, col1, rows, cols);
      }
    }
  });
}

}  // namespace ttnn::model
