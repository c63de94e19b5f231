#include "ops/common/logical_rows.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/check.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ttnn/device.hpp"

namespace ttnn {

RowMap::RowMap(const TensorSpec& spec) {
  const Shape& shape = spec.logical_shape;
  rows_ = std::max<uint64_t>(1, shape.rank() >= 2 ? shape[-2] : 1);
  padded_ = spec.layout == Layout::TILE ? (rows_ + TILE_HEIGHT - 1) / TILE_HEIGHT * TILE_HEIGHT : rows_;
}

DecodedRows::DecodedRows(const Tensor& tensor, std::string_view op)
    : decoded_(decode_activations(tensor, tensor.bytes(op), OperandCut{}, op)), map_(tensor.spec()) {}

DecodedRows::DecodedRows(const Tensor& tensor, const ActivationSource& planned, std::string_view op)
    : decoded_(decode_activations(planned.at(tensor.bytes(op)), tensor.device())), map_(tensor.spec()) {}

std::vector<float> DecodedRows::logical_values(uint64_t logical_rows) const {
  std::vector<float> values(logical_rows * cols());
  for (uint64_t r = 0; r < logical_rows; ++r) std::memcpy(values.data() + r * cols(), row(r), cols() * sizeof(float));
  return values;
}

std::vector<OutputBlock> output_blocks(const BufferLayout& layout, uint64_t logical_cols, uint32_t interleaved_items,
                                       uint32_t column_items) {
  std::vector<OutputBlock> blocks;
  if (layout.sharded()) {
    for (uint32_t shard = 0; shard < layout.num_shards(); ++shard) {
      OutputBlock block;
      block.row_begin = std::min(layout.shard_row_begin(shard), layout.height);
      block.row_end = std::min(block.row_begin + layout.shard_height, layout.height);
      block.col_begin = std::min(layout.shard_col_begin(shard), logical_cols);
      block.col_end = std::min(block.col_begin + layout.shard_width, logical_cols);
      if (block.row_begin < block.row_end && block.col_begin < block.col_end) blocks.push_back(block);
    }
    return blocks;
  }
  // Whole tiles per band so no two items touch the same tile. Fewer bands than column_items (a pooled or
  // classified batch: one band of many columns) also split the columns, in whole tile columns.
  const uint64_t tiles = (layout.height + TILE_HEIGHT - 1) / TILE_HEIGHT;
  const uint64_t items = std::max(1u, interleaved_items);
  const uint64_t step = std::max<uint64_t>(1, (tiles + items - 1) / items) * TILE_HEIGHT;
  const uint64_t bands = (layout.height + step - 1) / step;
  uint64_t chunk = std::max<uint64_t>(1, logical_cols);
  const uint64_t column_parts = std::max(1u, column_items);
  if (bands < column_parts) {
    const uint64_t parts = (column_parts + bands - 1) / bands;
    chunk = std::max<uint64_t>(TILE_WIDTH, (logical_cols + parts - 1) / parts + TILE_WIDTH - 1) / TILE_WIDTH * TILE_WIDTH;
  }
  for (uint64_t begin = 0; begin < layout.height; begin += step)
    for (uint64_t col = 0; col < logical_cols; col += chunk)
      blocks.push_back({begin, std::min(layout.height, begin + step), col, std::min(logical_cols, col + chunk)});
  return blocks;
}

namespace {
std::string storage_name(const Tensor& tensor) {
  return tensor.device() ? fmt::format("device {}", tensor.device()->id()) : std::string("the host");
}
}  // namespace

void require_input(const Tensor& tensor, std::string_view op, std::string_view role) {
  check(tensor.buffer() != nullptr, "{}: the {} tensor is empty (default-constructed)", op, role);
  tensor.bytes(op);
}

void require_same_storage(const Tensor& a, const Tensor& b, std::string_view op, std::string_view a_role,
                          std::string_view b_role) {
  check(a.device() == b.device(), "{}: {} is on {} but {} is on {}; both must be on the same device", op, a_role,
        storage_name(a), b_role, storage_name(b));
}

void run_items(const Device* device, size_t count, FunctionRef<void(size_t)> work) {
  if (device) {
    device->run_parallel(count, work);
    return;
  }
  for (size_t i = 0; i < count; ++i) work(i);
}

void run_ranges(const Device* device, uint64_t count, FunctionRef<void(uint64_t, uint64_t)> work) {
  const uint64_t parts = std::max<uint64_t>(1, std::min<uint64_t>(count, device ? device->num_cores() : 1));
  const uint64_t step = (count + parts - 1) / parts;
  run_items(device, size_t(parts), [&](size_t part) {
    const uint64_t begin = part * step, end = std::min(count, begin + step);
    if (begin < end) work(begin, end);
  });
}

OutputPlan::OutputPlan(const TensorSpec& spec, const Device* device_, std::string_view op)
    : layout(BufferLayout::of(spec, std::string(op).c_str())),
      map(spec),
      // Columns split for the threads, not the grid's cores: each block costs a call's fixed work (0.4 us
      // for a pooled image's 32 columns, 40 of them against 4 now).
      blocks(output_blocks(layout, spec.logical_shape.width(), device_ ? device_->num_cores() : 1,
                           device_ ? 2 * device_->num_threads() : 1)),
      device(device_) {}

void produce_output_blocks(const OutputPlan& plan, std::byte* bytes, const BlockProducer& produce) {
  run_items(plan.device, plan.blocks.size(), [&](size_t index) {
    const OutputBlock& block = plan.blocks[index];
    const uint64_t width = block.col_end - block.col_begin;
    // The padding rows that end the block (a tile's rows past the tensor's: 31 of a pooled image's 32) are
    // stored as zeros, neither produced nor converted.
    uint64_t end = block.row_end;
    while (end > block.row_begin && plan.map.is_padding(end - 1)) --end;
    thread_local std::vector<float> values;
    values.resize((end - block.row_begin) * width);
    if (end > block.row_begin) produce(block.row_begin, end, block.col_begin, block.col_end, values.data());
    for (uint64_t row = block.row_begin; row < end; ++row)
      if (plan.map.is_padding(row)) std::fill_n(values.data() + (row - block.row_begin) * width, width, 0.0f);
    write_rows(plan.layout, bytes, block.row_begin, end, block.col_begin, block.col_end, values.data(), width);
    zero_rows(plan.layout, bytes, end, block.row_end, block.col_begin, block.col_end);
  });
}

void produce_output(const OutputPlan& plan, std::byte* bytes, const RowProducer& produce) {
  produce_output_blocks(plan, bytes, [&](uint64_t row_begin, uint64_t row_end, uint64_t col_begin, uint64_t col_end,
                                         float* out) {
    const uint64_t width = col_end - col_begin;
    for (uint64_t row = row_begin; row < row_end; ++row)
      if (!plan.map.is_padding(row)) produce(plan.map.logical(row), col_begin, col_end, out + (row - row_begin) * width);
  });
}

void produce_output_blocks(const Tensor& output, const BlockProducer& produce, std::string_view op) {
  produce_output_blocks(OutputPlan(output.spec(), output.device(), op), output.bytes(op), produce);
}

void produce_output(const Tensor& output, const RowProducer& produce, std::string_view op) {
  produce_output(OutputPlan(output.spec(), output.device(), op), output.bytes(op), produce);
}

void write_logical_values(const Tensor& output, const std::vector<float>& values, std::string_view op) {
  const uint64_t width = output.logical_shape().width();
  produce_output(
      output,
      [&](uint64_t row, uint64_t col_begin, uint64_t col_end, float* out) {
        std::memcpy(out, values.data() + row * width + col_begin, (col_end - col_begin) * sizeof(float));
      },
      op);
}

}  // namespace ttnn
