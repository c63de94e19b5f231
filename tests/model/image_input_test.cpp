// The model's input: an NCHW image written as [1, 1, N*H*W, C'] rows of the input tensor's layout. Rows of
// exactly C float32 or bfloat16 values go straight into the buffer through the planes-to-pixels kernels;
// every other layout (tiles, padded channels) is staged; both hold the image's values as the dtype stores
// them, zeros in the padding channels.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/buffer_layout.hpp"
#include "formats/bfloat16.hpp"
#include "model/image_input.hpp"
#include "ops/common/tensor_rows.hpp"
#include "support/random_values.hpp"
#include "ttnn/device.hpp"

namespace ttnn::model {
namespace {

TEST(ImageInput, EveryLayoutHoldsTheImageAsStored) {
  auto device = open_device(0);
  const uint32_t n = 2, c = 3, h = 9, w = 13;  // 234 pixels: vector bodies, tails, two images an item
  const uint64_t pixels = uint64_t(n) * h * w;
  std::vector<float> nchw = test::random_values(size_t(n) * c * h * w, 11, 4.0f);
  nchw[5] = 1.0f + 1.0f / 256;  // an exact bfloat16 tie, rounded to even
  struct Case {
    DataType dtype;
    Layout layout;
    uint32_t width;
  };
  for (const Case& cs : {Case{DataType::FLOAT32, Layout::ROW_MAJOR, c}, Case{DataType::BFLOAT16, Layout::ROW_MAJOR, c},
                         Case{DataType::BFLOAT16, Layout::ROW_MAJOR, 4}, Case{DataType::FLOAT32, Layout::TILE, c},
                         Case{DataType::BFLOAT16, Layout::TILE, c}}) {
    SCOPED_TRACE(std::to_string(int(cs.dtype)) + (cs.layout == Layout::TILE ? " tile " : " rows ") +
                 std::to_string(cs.width));
    const TensorSpec spec{Shape{1, 1, uint32_t(pixels), cs.width}, cs.dtype, cs.layout, L1_MEMORY_CONFIG};
    const BufferLayout layout = BufferLayout::of(spec, "test");
    std::vector<std::byte> bytes(layout.size_bytes, std::byte{0x7F});
    if (cs.layout == Layout::TILE) std::fill(bytes.begin(), bytes.end(), std::byte{0});  // padding tiles as fresh
    write_nchw_image(nchw, Shape{n, c, h, w}, layout, bytes.data(), *device);
    std::vector<float> rows(pixels * cs.width);
    read_rows(layout, bytes.data(), 0, pixels, 0, cs.width, rows.data(), cs.width);
    for (uint64_t pixel = 0; pixel < pixels; ++pixel)
      for (uint32_t ch = 0; ch < cs.width; ++ch) {
        const uint64_t image = pixel / (h * w), at = pixel % (h * w);
        float want = ch < c ? nchw[(image * c + ch) * h * w + at] : 0.0f;
        if (cs.dtype == DataType::BFLOAT16) want = formats::round_to_bfloat16(want);
        ASSERT_EQ(rows[pixel * cs.width + ch], want) << "pixel " << pixel << " channel " << ch;
      }
  }
}

// Height shards of whole rows (the last one padded) are contiguous too: the same values through the kernels.
TEST(ImageInput, HeightShardedRowsHoldTheImage) {
  auto device = open_device(0);
  const uint32_t n = 2, c = 3, h = 9, w = 13;
  const uint64_t pixels = uint64_t(n) * h * w;  // 234 rows: 4 shards of 64, the last padded
  const std::vector<float> nchw = test::random_values(size_t(n) * c * h * w, 12, 4.0f);
  for (DataType dtype : {DataType::FLOAT32, DataType::BFLOAT16}) {
    const MemoryConfig config{TensorMemoryLayout::HEIGHT_SHARDED, BufferType::L1,
                              ShardSpec{CoreGrid{1, 4}.to_core_range_set(), {64, c}}};
    const TensorSpec spec{Shape{1, 1, uint32_t(pixels), c}, dtype, Layout::ROW_MAJOR, config};
    const BufferLayout layout = BufferLayout::of(spec, "test");
    ASSERT_EQ(layout.num_shards(), 4u);
    std::vector<std::byte> bytes(layout.size_bytes, std::byte{0x7F});
    write_nchw_image(nchw, Shape{n, c, h, w}, layout, bytes.data(), *device);
    std::vector<float> rows(pixels * c);
    read_rows(layout, bytes.data(), 0, pixels, 0, c, rows.data(), c);
    for (uint64_t pixel = 0; pixel < pixels; ++pixel)
      for (uint32_t ch = 0; ch < c; ++ch) {
        float want = nchw[(pixel / (h * w) * c + ch) * h * w + pixel % (h * w)];
        if (dtype == DataType::BFLOAT16) want = formats::round_to_bfloat16(want);
        ASSERT_EQ(rows[pixel * c + ch], want) << int(dtype) << " pixel " << pixel << " channel " << ch;
      }
  }
}

}  // namespace
}  // namespace ttnn::model
