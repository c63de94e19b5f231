#include "ttnn/core_coord.hpp"

#include <algorithm>

#include "core/check.hpp"

namespace ttnn {

CoreRange::CoreRange(CoreCoord start_coord, CoreCoord end_coord) : start(start_coord), end(end_coord) {
  check(start.x <= end.x && start.y <= end.y, "CoreRange: start {} must not be past end {}", start,
        end);
}

bool CoreRange::contains(CoreCoord core) const {
  return core.x >= start.x && core.x <= end.x && core.y >= start.y && core.y <= end.y;
}

namespace {
bool overlap(const CoreRange& a, const CoreRange& b) {
  return a.start.x <= b.end.x && b.start.x <= a.end.x && a.start.y <= b.end.y && b.start.y <= a.end.y;
}
}  // namespace

CoreRangeSet::CoreRangeSet(std::vector<CoreRange> ranges) : ranges_(std::move(ranges)) {
  for (size_t i = 0; i < ranges_.size(); ++i)
    for (size_t j = i + 1; j < ranges_.size(); ++j)
      check(!overlap(ranges_[i], ranges_[j]), "CoreRangeSet: ranges {} and {} overlap", ranges_[i],
            ranges_[j]);
}

uint32_t CoreRangeSet::num_cores() const {
  uint32_t count = 0;
  for (const auto& range : ranges_) count += range.num_cores();
  return count;
}

bool CoreRangeSet::contains(CoreCoord core) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const CoreRange& r) { return r.contains(core); });
}

CoreRange CoreRangeSet::bounding_box() const {
  check(!ranges_.empty(), "CoreRangeSet::bounding_box: the set is empty");
  CoreCoord low = ranges_.front().start, high = ranges_.front().end;
  for (const auto& range : ranges_) {
    low = {std::min(low.x, range.start.x), std::min(low.y, range.start.y)};
    high = {std::max(high.x, range.end.x), std::max(high.y, range.end.y)};
  }
  return CoreRange(low, high);
}

std::vector<CoreCoord> CoreRangeSet::cores(ShardOrientation orientation) const {
  std::vector<CoreCoord> cores;
  cores.reserve(num_cores());
  for (const auto& range : ranges_) {
    if (orientation == ShardOrientation::ROW_MAJOR) {
      for (uint32_t y = range.start.y; y <= range.end.y; ++y)
        for (uint32_t x = range.start.x; x <= range.end.x; ++x) cores.push_back({x, y});
    } else {
      for (uint32_t x = range.start.x; x <= range.end.x; ++x)
        for (uint32_t y = range.start.y; y <= range.end.y; ++y) cores.push_back({x, y});
    }
  }
  return cores;
}

CoreRangeSet CoreGrid::to_core_range_set() const {
  check(x > 0 && y > 0, "CoreGrid: grid of {}x{} cores is empty", y, x);
  return CoreRangeSet(CoreRange({0, 0}, {x - 1, y - 1}));
}

CoreRangeSet num_cores_to_core_range_set(uint32_t num_cores, CoreCoord grid_size, bool row_wise) {
  const uint32_t capacity = grid_size.x * grid_size.y;
  check(num_cores > 0 && num_cores <= capacity, "num_cores_to_core_range_set: {} cores requested, the grid {}x{} has {}",
        num_cores, grid_size.x, grid_size.y, capacity);
  const uint32_t line = row_wise ? grid_size.x : grid_size.y;
  const uint32_t full_lines = num_cores / line, remainder = num_cores % line;
  std::vector<CoreRange> ranges;
  if (full_lines > 0) {
    ranges.push_back(row_wise ? CoreRange({0, 0}, {grid_size.x - 1, full_lines - 1})
                              : CoreRange({0, 0}, {full_lines - 1, grid_size.y - 1}));
  }
  if (remainder > 0) {
    ranges.push_back(row_wise ? CoreRange({0, full_lines}, {remainder - 1, full_lines})
                              : CoreRange({full_lines, 0}, {full_lines, remainder - 1}));
  }
  return CoreRangeSet(std::move(ranges));
}

std::string to_string(const CoreCoord& core) { return fmt::format("(x={}, y={})", core.x, core.y); }
std::string to_string(const CoreRange& range) { return to_string(range.start) + "-" + to_string(range.end); }
std::string to_string(const CoreRangeSet& set) {
  std::string text = "{";
  for (size_t i = 0; i < set.ranges().size(); ++i) text += (i ? ", " : "") + to_string(set.ranges()[i]);
  return text + "}";
}

}  // namespace ttnn
