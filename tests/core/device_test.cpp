#include <gtest/gtest.h>

#include "core/tensor_allocation.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn {
namespace {

TEST(Device, DefaultSpecIsAWormholeN150) {
  auto device = open_device(0);
  EXPECT_EQ(device->compute_with_storage_grid_size(), (CoreCoord{8, 8}));
  EXPECT_EQ(device->spec().l1_bytes_per_core, 1464u * 1024);
  EXPECT_EQ(device->num_cores(), 64u);
  EXPECT_GE(device->num_threads(), 1u);
  EXPECT_EQ(device->numerics(), Numerics::accurate);
}

TEST(Device, RejectsEmptyGrids) {
  DeviceOptions options;
  options.spec.compute_grid = {0, 8};
  EXPECT_THROW(open_device(0, options), InvalidArgument);
  EXPECT_THROW(open_device(-1), InvalidArgument);
}

TEST(Device, ShardedAllocationIsAccountedOnItsCoresAndFreedAtOnce) {
  auto device = open_device(0);
  const Shape shape{1, 1, 256, 64};
  const auto config = create_sharded_memory_config(shape, CoreGrid{1, 8}, ShardStrategy::HEIGHT);
  const TensorSpec spec{shape, bfloat16, Layout::TILE, config};
  Tensor tensor = allocate_device_tensor(spec, *device, "test tensor");
  // 8 shards of [32, 64]: two bf16 tiles each.
  for (uint32_t x = 0; x < 8; ++x) EXPECT_EQ(device->l1_bytes_used({x, 0}), 2u * 2048);
  EXPECT_EQ(device->l1_bytes_used({0, 1}), 0u);
  Tensor alias = tensor;
  deallocate(tensor);
  EXPECT_EQ(device->memory_usage().l1_bytes_total, 0u);
  EXPECT_FALSE(alias.is_allocated());
  try {
    to_host(alias);
    FAIL() << "expected DeallocatedTensor";
  } catch (const DeallocatedTensor& error) {
    EXPECT_NE(std::string(error.what()).find("to_host"), std::string::npos) << error.what();
  }
}

TEST(Device, InterleavedL1PagesGoRoundRobinOverAllCores) {
  auto device = open_device(0);
  const TensorSpec spec{Shape{1, 1, 32, 32 * 65}, float32, Layout::TILE, L1_MEMORY_CONFIG};  // 65 tiles
  Tensor tensor = allocate_device_tensor(spec, *device, "t");
  EXPECT_EQ(device->l1_bytes_used({0, 0}), 2u * 4096);
  EXPECT_EQ(device->l1_bytes_used({1, 0}), 4096u);
  EXPECT_EQ(device->memory_usage().l1_bytes_total, 65u * 4096);
}

TEST(Device, L1OverflowNamesTensorBytesCoreAndFreeSpace) {
  DeviceOptions options;
  options.spec.l1_bytes_per_core = 64 * 1024;
  auto device = open_device(0, options);
  const Shape shape{1, 1, 1024, 64};
  const auto config = create_sharded_memory_config(shape, CoreGrid{1, 4}, ShardStrategy::HEIGHT);  // [256, 64] shards
  const TensorSpec spec{shape, float32, Layout::TILE, config};                                       // 64 KiB a shard
  Tensor first = allocate_device_tensor(spec, *device, "first");
  try {
    allocate_device_tensor(spec, *device, "conv2d output");
    FAIL() << "expected OutOfMemory";
  } catch (const OutOfMemory& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("conv2d output"), std::string::npos) << message;
    EXPECT_NE(message.find("65536 bytes"), std::string::npos) << message;
    EXPECT_NE(message.find("(x=0, y=0)"), std::string::npos) << message;
    EXPECT_NE(message.find("0.0 KiB free of 64.0 KiB"), std::string::npos) << message;
  }
  deallocate(first);
  EXPECT_NO_THROW(allocate_device_tensor(spec, *device, "after free"));
}

TEST(Device, ClosedDeviceRejectsItsTensors) {
  auto device = open_device(0);
  std::vector<float> values(64, 1.0f);
  Tensor tensor = from_host(values, Shape{8, 8}, float32, Layout::ROW_MAJOR, device.get(), L1_MEMORY_CONFIG);
  close_device(*device);
  EXPECT_FALSE(tensor.is_allocated());
  EXPECT_THROW(to_host(tensor), DeallocatedTensor);
}

}  // namespace
}  // namespace ttnn
