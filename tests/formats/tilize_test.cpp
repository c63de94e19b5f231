// tilize / untilize: round trips on odd shapes, padding, and exact element positions.
#include "formats/tilize.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace ttnn::formats {
namespace {

static_assert(face_order_index(0, 0) == 0);
static_assert(face_order_index(0, 16) == 256);   // face 1
static_assert(face_order_index(16, 0) == 512);   // face 2
static_assert(face_order_index(16, 15) == 527);
static_assert(face_order_index(17, 18) == 786);  // face 3, row 1, col 2
static_assert(face_order_index(31, 31) == 1023);

size_t tiles_for(size_t rows, size_t cols) { return ((rows + 31) / 32) * ((cols + 31) / 32); }

// Distinct-ish non-pad values for any element type (pad is chosen outside the value range).
template <class T>
T value_at(size_t r, size_t c) {
  return static_cast<T>((r * 37 + c * 11) % 200 + 1);
}

template <class T>
void check_round_trip(size_t rows, size_t cols, T pad) {
  SCOPED_TRACE(testing::Message() << rows << "x" << cols);
  const size_t src_stride = cols + 3;  // a stride wider than the row is allowed
  std::vector<T> src(rows * src_stride, T{});
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) src[r * src_stride + c] = value_at<T>(r, c);

  const size_t tile_cols = (cols + 31) / 32;
  std::vector<T> tiled(tiles_for(rows, cols) * 1024);
  tilize(src.data(), rows, cols, src_stride, tiled.data(), pad);

  // Every tiled element is either its source value or padding.
  for (size_t i = 0; i < tiled.size(); ++i) {
    const size_t tile = i / 1024;
    const size_t within = i % 1024;
    const size_t face = within / 256;
    const size_t r = (tile / tile_cols) * 32 + (face / 2) * 16 + (within % 256) / 16;
    const size_t c = (tile % tile_cols) * 32 + (face % 2) * 16 + within % 16;
    const T expected = (r < rows && c < cols) ? value_at<T>(r, c) : pad;
    ASSERT_EQ(tiled[i], expected) << "tiled index " << i;
  }

  // Untilize into a wider buffer: the region comes back, the rest of each row is untouched.
  const size_t dst_stride = cols + 5;
  const T sentinel = static_cast<T>(250);
  std::vector<T> back(rows * dst_stride, sentinel);
  untilize(tiled.data(), rows, cols, back.data(), dst_stride);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < dst_stride; ++c) {
      ASSERT_EQ(back[r * dst_stride + c], c < cols ? value_at<T>(r, c) : sentinel) << r << "," << c;
    }
  }
}

template <class T>
void check_shapes(T pad) {
  for (auto [rows, cols] : {std::pair<size_t, size_t>{1, 1}, {31, 33}, {33, 65}, {64, 32}, {32, 32}, {5, 17}}) {
    check_round_trip<T>(rows, cols, pad);
  }
}

TEST(Tilize, RoundTripFloat) { check_shapes<float>(-1.5f); }
TEST(Tilize, RoundTripUint16) { check_shapes<uint16_t>(0xBEEF); }
TEST(Tilize, RoundTripUint8) { check_shapes<uint8_t>(0xEE); }

// 33 x 65 with stride 70: 2 x 3 tiles. Positions worked out by hand:
//   (0,0)   tile 0, face 0                        -> 0
//   (0,16)  tile 0, face 1                        -> 256
//   (16,0)  tile 0, face 2                        -> 512
//   (17,18) tile 0, face 3, row 1, col 2          -> 786
//   (1,40)  tile 1, face 0, row 1, col 8          -> 1024 + 16 + 8 = 1048
//   (32,33) tile 4 (row 1, col 1), (0,1)          -> 4096 + 1 = 4097
//   (32,64) tile 5, (0,0)                         -> 5120
// Padding: (32,65) -> tile 5 (0,1) = 5121; (33,0) -> tile 3 (1,0) = 3072 + 16 = 3088;
//   (0,65) -> tile 2 (0,1) = 2049; (31,95) -> tile 2, face 3, row 15, col 15 = 2048 + 1023 = 3071.
TEST(Tilize, ExactPositions) {
  const size_t rows = 33, cols = 65, stride = 70;
  std::vector<float> src(rows * stride, 0.0f);
  auto at = [&](size_t r, size_t c) -> float& { return src[r * stride + c]; };
  at(0, 0) = 1;
  at(0, 16) = 2;
  at(16, 0) = 3;
  at(17, 18) = 4;
  at(1, 40) = 5;
  at(32, 33) = 6;
  at(32, 64) = 7;
  std::vector<float> tiled(6 * 1024, 123.0f);
  tilize(src.data(), rows, cols, stride, tiled.data(), -9.0f);
  EXPECT_EQ(tiled[0], 1);
  EXPECT_EQ(tiled[256], 2);
  EXPECT_EQ(tiled[512], 3);
  EXPECT_EQ(tiled[786], 4);
  EXPECT_EQ(tiled[1048], 5);
  EXPECT_EQ(tiled[4097], 6);
  EXPECT_EQ(tiled[5120], 7);
  EXPECT_EQ(tiled[5121], -9);
  EXPECT_EQ(tiled[3088], -9);
  EXPECT_EQ(tiled[2049], -9);
  EXPECT_EQ(tiled[3071], -9);
  EXPECT_EQ(tiled[1], 0);  // (0,1) is real data, zero
}

TEST(Tilize, DefaultPadIsZeroAndEmptyShapesWriteNothing) {
  const uint8_t one = 7;
  std::vector<uint8_t> tiled(1024, 0xFF);
  tilize(&one, 1, 1, 1, tiled.data());
  EXPECT_EQ(tiled[0], 7);
  for (size_t i = 1; i < 1024; ++i) ASSERT_EQ(tiled[i], 0) << i;

  std::vector<uint16_t> untouched(4, 0xAAAA);
  tilize<uint16_t>(nullptr, 0, 5, 5, untouched.data());
  tilize<uint16_t>(nullptr, 5, 0, 0, untouched.data());
  untilize<uint16_t>(nullptr, 0, 0, untouched.data(), 0);
  EXPECT_EQ(untouched, (std::vector<uint16_t>(4, 0xAAAA)));
}

}  // namespace
}  // namespace ttnn::formats
