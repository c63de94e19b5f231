#include "model/image_input.hpp"

#include <algorithm>

#include "kernels/kernels.hpp"
#include "ops/common/tensor_rows.hpp"

namespace ttnn::model {
namespace {

// float32 or bfloat16 rows of exactly the image's channels, one after another in the buffer (interleaved,
// or shards of whole rows): pixel p's channel ch at element p * C + ch.
bool contiguous_rows(const BufferLayout& layout, uint64_t channels) {
  if (layout.tiled || (layout.dtype != DataType::FLOAT32 && layout.dtype != DataType::BFLOAT16)) return false;
  return layout.width == channels && layout.logical_width == channels && layout.shards_x == 1 &&
         layout.shard_bytes == layout.shard_height * channels * layout.element_bytes();
}

// Pixels [0, pixels) of the NCHW image into contiguous rows of `out` (C elements a pixel), a few items a
// thread, each image's part of an item one kernel call.
template <typename Out, typename Kernel>
void interleave_image(const float* nchw, uint64_t channels, uint64_t plane, uint64_t pixels, Out* out,
                      const Device& device, Kernel kernel) {
  const uint64_t items = std::min<uint64_t>((pixels + 1023) / 1024, 4 * uint64_t(device.num_threads()));
  device.run_parallel(size_t(items), [&](size_t item) {
    const uint64_t end = pixels * (item + 1) / items;
    for (uint64_t pixel = pixels * item / items; pixel < end;) {
      const uint64_t image = pixel / plane, first = pixel % plane;
      const uint64_t run = std::min(end - pixel, plane - first);
      kernel(nchw + image * channels * plane + first, plane, channels, run, out + pixel * channels);
      pixel += run;
    }
  });
}

}  // namespace

void write_nchw_image(std::span<const float> nchw, const Shape& nchw_shape, const BufferLayout& layout,
                      std::byte* bytes, const Device& device) {
  const uint64_t n = nchw_shape[0], c = nchw_shape[1], plane = uint64_t(nchw_shape[2]) * nchw_shape[3];
  const uint64_t pixels = n * plane, width = layout.logical_width;
  if (contiguous_rows(layout, c)) {  // straight into the buffer
    const kernels::KernelTable& table = kernels::kernel_table();
    if (layout.dtype == DataType::FLOAT32)
      interleave_image(nchw.data(), c, plane, pixels, reinterpret_cast<float*>(bytes), device,
                       table.f32_planes_to_pixels);
    else
      interleave_image(nchw.data(), c, plane, pixels, reinterpret_cast<uint16_t*>(bytes), device,
                       table.bf16_planes_to_pixels);
    return;
  }
  // A few items a thread (each has a cost of its own), each staged on the stack in chunks of whole tile
  // bands (32 rows) and at most 64 columns: a 3-channel image moves over 1300 pixels a chunk.
  constexpr uint64_t kBand = 32, kColumns = 64, kStaged = 4096;
  const uint64_t bands = (pixels + kBand - 1) / kBand;
  const uint64_t items = std::min<uint64_t>(bands, 4 * uint64_t(device.num_threads()));
  device.run_parallel(size_t(items), [&](size_t item) {
    float rows[kStaged];
    const uint64_t item_begin = bands * item / items * kBand;
    const uint64_t item_end = std::min(pixels, bands * (item + 1) / items * kBand);
    for (uint64_t col0 = 0; col0 < width; col0 += kColumns) {
      const uint64_t col1 = std::min(width, col0 + kColumns), cols = col1 - col0;
      const uint64_t chunk = std::max<uint64_t>(1, kStaged / cols / kBand) * kBand;
      for (uint64_t begin = item_begin; begin < item_end; begin += chunk) {
        const uint64_t end = std::min(item_end, begin + chunk);
        // Channel by channel: each reads a contiguous run of its plane, image by image.
        for (uint64_t col = col0; col < col1; ++col) {
          float* out = rows + (col - col0);
          if (col >= c) {
            for (uint64_t pixel = begin; pixel < end; ++pixel, out += cols) *out = 0.0f;
            continue;
          }
          for (uint64_t pixel = begin; pixel < end;) {
            const uint64_t image = pixel / plane, first = pixel % plane;
            const uint64_t run = std::min(end - pixel, plane - first);
            const float* in = nchw.data() + (image * c + col) * plane + first;
            for (uint64_t i = 0; i < run; ++i, out += cols) *out = in[i];
            pixel += run;
          }
        }
        write_rows(layout, bytes, begin, end, col0, col1, rows, cols);
      }
    }
  });
}

}  // namespace ttnn::model
