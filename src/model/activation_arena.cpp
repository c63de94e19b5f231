#include "model/activation_arena.hpp"

#include <algorithm>
#include <numeric>

namespace ttnn::model {

namespace {
size_t aligned(size_t bytes) { return (bytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }
}  // namespace

size_t peak_live_bytes(const std::vector<ArenaValue>& values) {
  size_t peak = 0;
  for (const ArenaValue& at : values) {  // the live set only grows where a value starts
    size_t live = 0;
    for (const ArenaValue& value : values)
      if (value.first_step <= at.first_step && at.first_step <= value.last_step) live += aligned(value.bytes);
    peak = std::max(peak, live);
  }
  return peak;
}

ArenaPlan plan_activation_arena(const std::vector<ArenaValue>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a].bytes > values[b].bytes; });

  ArenaPlan plan;
  plan.offsets.assign(values.size(), 0);
  std::vector<size_t> placed;
  struct Range {
    size_t begin, end;
  };
  std::vector<Range> taken;
  for (const size_t index : order) {
    const ArenaValue& value = values[index];
    taken.clear();
    for (const size_t other : placed) {
      const ArenaValue& o = values[other];
      if (o.last_step < value.first_step || value.last_step < o.first_step) continue;  // never alive together
      taken.push_back({plan.offsets[other], plan.offsets[other] + aligned(o.bytes)});
    }
    std::sort(taken.begin(), taken.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
    size_t offset = 0;
    const size_t size = aligned(value.bytes);
    for (const Range& range : taken) {
      if (offset + size <= range.begin) break;  // fits in the gap before this range
      offset = std::max(offset, range.end);
    }
    plan.offsets[index] = offset;
    plan.total_bytes = std::max(plan.total_bytes, offset + size);
    placed.push_back(index);
  }
  return plan;
}

}  // namespace ttnn::model
