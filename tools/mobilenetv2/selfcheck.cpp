// `mobilenetv2 selfcheck`: opens a device and checks that tensors survive every dtype, layout and
// memory config round trip, so a user can see the build works before any weights are involved.
#include <cmath>
#include <cstdio>
#include <vector>

#include "mobilenetv2/commands.hpp"
#include "ttnn/device.hpp"
#include "ttnn/operations/core.hpp"

namespace mobilenetv2 {
namespace {

// Largest error a value in [-1, 1) may pick up when stored in `dtype` and read back.
float tolerance(ttnn::DataType dtype) {
  switch (dtype) {
    case ttnn::DataType::FLOAT32: return 0.0f;
    case ttnn::DataType::BFLOAT16: return 1.0f / 256;
    case ttnn::DataType::BFLOAT8_B: return 1.0f / 64;
    case ttnn::DataType::BFLOAT4_B: return 1.0f / 4;
  }
  return 0.0f;
}

int run_selfcheck() {
  auto device = ttnn::open_device(0);
  std::printf("device 0: %ux%u cores, %llu KiB L1 per core, %u threads\n", device->compute_with_storage_grid_size().x,
              device->compute_with_storage_grid_size().y,
              static_cast<unsigned long long>(device->spec().l1_bytes_per_core / 1024), device->num_threads());
  const ttnn::Shape shape{1, 1, 100, 48};
  std::vector<float> values(shape.volume());
  for (size_t i = 0; i < values.size(); ++i) values[i] = std::sin(float(i) * 0.37f);

  int failures = 0;
  for (const auto dtype : {ttnn::float32, ttnn::bfloat16, ttnn::bfloat8_b, ttnn::bfloat4_b}) {
    const auto memory_config = ttnn::create_sharded_memory_config(shape, ttnn::CoreGrid{2, 2}, ttnn::ShardStrategy::HEIGHT,
                                                                  ttnn::ShardOrientation::ROW_MAJOR, false, true);
    const auto tensor = ttnn::from_host(values, shape, dtype, ttnn::TILE_LAYOUT, device.get(), memory_config);
    const auto back = ttnn::to_host(ttnn::sharded_to_interleaved(tensor, ttnn::DRAM_MEMORY_CONFIG));
    float worst = 0.0f;
    for (size_t i = 0; i < values.size(); ++i) worst = std::max(worst, std::fabs(back[i] - values[i]));
    const bool ok = worst <= tolerance(dtype);
    failures += ok ? 0 : 1;
    std::printf("  %-10s TILE HEIGHT_SHARDED -> DRAM: max error %.6f  %s\n", std::string(ttnn::to_string(dtype)).c_str(),
                worst, ok ? "ok" : "FAILED");
  }
  std::printf(failures == 0 ? "selfcheck passed\n" : "selfcheck FAILED\n");
  return failures == 0 ? 0 : 1;
}

}  // namespace

Command add_selfcheck_command(CLI::App& app) {
  auto* command = app.add_subcommand("selfcheck", "Check that the library works on this machine");
  return [command] { return command->parsed() ? run_selfcheck() : -1; };
}

}  // namespace mobilenetv2
