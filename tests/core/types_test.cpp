#include <gtest/gtest.h>

#include "ttnn/errors.hpp"
#include "ttnn/types.hpp"

namespace ttnn {
namespace {

TEST(Types, TileSizesMatchTheFormats) {
  EXPECT_EQ(tile_size_bytes(float32), 4096u);
  EXPECT_EQ(tile_size_bytes(bfloat16), 2048u);
  EXPECT_EQ(tile_size_bytes(bfloat8_b), 1088u);
  EXPECT_EQ(tile_size_bytes(bfloat4_b), 576u);
  EXPECT_EQ(element_size_bytes(float32), 4u);
  EXPECT_EQ(element_size_bytes(bfloat16), 2u);
  EXPECT_THROW(element_size_bytes(bfloat8_b), InvalidArgument);
}

TEST(Types, NamesRoundTrip) {
  for (auto dtype : {float32, bfloat16, bfloat8_b, bfloat4_b}) EXPECT_EQ(parse_data_type(to_string(dtype)), dtype);
  for (auto fidelity : {MathFidelity::LoFi, MathFidelity::HiFi2, MathFidelity::HiFi3, MathFidelity::HiFi4})
    EXPECT_EQ(parse_math_fidelity(to_string(fidelity)), fidelity);
  EXPECT_EQ(parse_math_fidelity("lofi"), MathFidelity::LoFi);
  EXPECT_EQ(parse_data_type("bf16"), bfloat16);
  EXPECT_EQ(parse_memory_layout("block"), TensorMemoryLayout::BLOCK_SHARDED);
  EXPECT_EQ(parse_numerics("tt_metal"), Numerics::tt_metal);
}

TEST(Types, UnknownNameListsTheAcceptedOnes) {
  try {
    parse_data_type("float64");
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("float64"), std::string::npos) << message;
    EXPECT_NE(message.find("bfloat8_b"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace ttnn
