// Coordinates of Tensix-style cores on a device's compute grid.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ttnn/types.hpp"

namespace ttnn {

struct CoreCoord {
  uint32_t x = 0;  // column
  uint32_t y = 0;  // row
  bool operator==(const CoreCoord&) const = default;
};

// Inclusive rectangle of cores, as in TT-NN: CoreRange({0,0},{7,7}) is the 8x8 grid.
struct CoreRange {
  CoreCoord start;
  CoreCoord end;
  CoreRange(CoreCoord start_coord, CoreCoord end_coord);
  uint32_t num_cores() const { return (end.x - start.x + 1) * (end.y - start.y + 1); }
  bool contains(CoreCoord core) const;
  bool operator==(const CoreRange&) const = default;
};

// A set of disjoint core ranges. Cores are enumerated range by range, each range row by row
// (ROW_MAJOR) or column by column (COL_MAJOR); that order assigns shards to cores.
class CoreRangeSet {
 public:
  CoreRangeSet() = default;
  explicit CoreRangeSet(std::vector<CoreRange> ranges);  // throws if ranges overlap
  CoreRangeSet(CoreRange range) : CoreRangeSet(std::vector<CoreRange>{range}) {}  // NOLINT: implicit as in TT-NN

  const std::vector<CoreRange>& ranges() const { return ranges_; }
  uint32_t num_cores() const;
  bool contains(CoreCoord core) const;
  CoreRange bounding_box() const;  // throws on an empty set
  std::vector<CoreCoord> cores(ShardOrientation orientation = ShardOrientation::ROW_MAJOR) const;
  bool operator==(const CoreRangeSet&) const = default;

 private:
  std::vector<CoreRange> ranges_;
};

// TT-NN's ttnn.CoreGrid(y=..., x=...): a rectangle of y rows by x columns starting at core (0, 0).
struct CoreGrid {
  uint32_t y = 0;
  uint32_t x = 0;
  uint32_t num_cores() const { return x * y; }
  CoreRangeSet to_core_range_set() const;
  bool operator==(const CoreGrid&) const = default;
};

// The first `num_cores` cores of a grid `grid_size` wide/high in row-major (or column-major) order,
// as TT-NN's num_cores_to_corerangeset builds them: full rows plus one partial row.
CoreRangeSet num_cores_to_core_range_set(uint32_t num_cores, CoreCoord grid_size, bool row_wise = true);

std::string to_string(const CoreCoord& core);
std::string to_string(const CoreRange& range);
std::string to_string(const CoreRangeSet& set);

}  // namespace ttnn
