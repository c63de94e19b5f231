// Shared by the tests of eltwise, concat, pools, softmax and topk: dtype settings with their tolerances,
// placements (host ROW_MAJOR, device TILE in L1 interleaved and HEIGHT-sharded, HEIGHT-sharded ROW_MAJOR),
// the oracle loop that runs every case at every setting and placement, and error-message checks.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "support/metrics.hpp"
#include "support/oracle.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/operations/core.hpp"

namespace ttnn::test {

inline Shape shape_of(const nlohmann::json& dims) {
  std::vector<uint32_t> values;
  for (const auto& d : dims) values.push_back(d.get<uint32_t>());
  return Shape(values);
}

inline Shape shape_of(const std::vector<uint64_t>& dims) {
  std::vector<uint32_t> values(dims.begin(), dims.end());
  return Shape(values);
}

struct DtypeSetting {
  DataType dtype;
  double min_pcc;
  double max_abs_relative;  // of the largest expected magnitude
};
inline constexpr DtypeSetting kFloat32{DataType::FLOAT32, 0.99999, 1e-6};
inline constexpr DtypeSetting kBfloat16{DataType::BFLOAT16, 0.9999, 1e-2};
inline constexpr DtypeSetting kBfloat8{DataType::BFLOAT8_B, 0.999, 4e-2};

inline double abs_bound(const DtypeSetting& setting, const std::vector<float>& expected) {
  double range = 0;
  for (float v : expected) range = std::max(range, double(std::fabs(v)));
  return setting.max_abs_relative * std::max(range, 1e-3);
}

enum class Placement { host_row_major, l1_interleaved_tile, height_sharded_tile, height_sharded_row_major };
inline constexpr Placement kPlacements[] = {Placement::host_row_major, Placement::l1_interleaved_tile,
                                            Placement::height_sharded_tile, Placement::height_sharded_row_major};

inline const char* placement_name(Placement placement) {
  switch (placement) {
    case Placement::host_row_major: return "host ROW_MAJOR";
    case Placement::l1_interleaved_tile: return "L1 interleaved TILE";
    case Placement::height_sharded_tile: return "HEIGHT-sharded TILE";
    case Placement::height_sharded_row_major: return "HEIGHT-sharded ROW_MAJOR";
  }
  return "?";
}

inline Layout layout_of(Placement placement) {
  return placement == Placement::l1_interleaved_tile || placement == Placement::height_sharded_tile ? Layout::TILE
                                                                                                    : Layout::ROW_MAJOR;
}

// HEIGHT sharding over a 2x4 grid (as many cores as the view needs), whole tiles in TILE layout.
inline MemoryConfig height_sharded(const Shape& shape, Layout layout) {
  return create_sharded_memory_config(shape, CoreGrid{2, 4}, ShardStrategy::HEIGHT, ShardOrientation::ROW_MAJOR, false,
                                      layout == Layout::TILE);
}

// How one run places its inputs.
struct Placer {
  DataType dtype = DataType::FLOAT32;
  Placement placement = Placement::l1_interleaved_tile;
  Device* device = nullptr;

  Tensor place(const std::vector<float>& values, const Shape& shape) const {
    const Layout layout = layout_of(placement);
    switch (placement) {
      case Placement::host_row_major: return from_host(values, shape, dtype, layout);
      case Placement::l1_interleaved_tile: return from_host(values, shape, dtype, layout, device, L1_MEMORY_CONFIG);
      default: return from_host(values, shape, dtype, layout, device, height_sharded(shape, layout));
    }
  }
};

// True when every value is a bfloat16 value (its low 16 bits are zero).
inline bool fits_bfloat16(const std::vector<float>& values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return (std::bit_cast<uint32_t>(v) & 0xFFFFu) == 0; });
}

using OracleRun = std::function<Tensor(const OracleCase&, const Placer&)>;

// Runs every case of `op` at every setting and placement (ROW_MAJOR ones skipped for block floats), checks the
// output's shape (when `expected_shape` is given) and values against `expected_role`, and that every
// placement of one dtype gives identical values (and, below float32, values that differ from float32's).
inline void expect_matches_oracle(std::string_view op, std::string_view expected_role,
                                  std::initializer_list<DtypeSetting> settings, const OracleRun& run,
                                  const std::function<Shape(const OracleCase&)>& expected_shape = {}) {
  auto device = open_device(0);
  for (const auto& oracle : oracle_cases(op)) {
    const auto expected = oracle.floats(expected_role);
    for (const auto& setting : settings) {
      std::vector<float> first;
      for (Placement placement : kPlacements) {
        if (is_block_float(setting.dtype) && layout_of(placement) == Layout::ROW_MAJOR) continue;
        SCOPED_TRACE(oracle.name + " " + std::string(to_string(setting.dtype)) + " " + placement_name(placement));
        const Tensor out = run(oracle, Placer{setting.dtype, placement, device.get()});
        if (expected_shape) {
          EXPECT_EQ(out.logical_shape(), expected_shape(oracle));
        }
        const auto actual = to_host(out);
        EXPECT_TRUE(AgreesWith(actual, expected, setting.min_pcc, abs_bound(setting, expected)));
        // Two-sided: a narrower dtype that reproduces float32 exactly was ignored somewhere (unless the
        // expected values themselves fit bfloat16, as a softmax over one element does).
        if (setting.dtype != DataType::FLOAT32 && !fits_bfloat16(expected)) {
          EXPECT_GT(max_abs_error(actual, expected), 0.0) << "dtype had no effect";
        }
        if (first.empty()) {
          first = actual;
        } else {
          EXPECT_EQ(actual, first) << "placements disagree";
        }
      }
    }
  }
}

// Expects `call` to throw InvalidArgument whose message contains every fragment.
inline void expect_invalid(const std::function<void()>& call, std::initializer_list<std::string_view> fragments) {
  try {
    call();
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    for (std::string_view fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << message;
  }
}

}  // namespace ttnn::test
