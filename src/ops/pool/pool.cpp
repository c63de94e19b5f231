// max_pool2d, avg_pool2d and global_avg_pool2d: validation, output spec, and one work item per output
// shard or tile band, each pooling its output pixels from the decoded input rows.
#include "ttnn/operations/pool.hpp"

#include <span>
#include <vector>

#include "core/aligned_vector.hpp"
#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "ops/common/logical_rows.hpp"
#include "ops/pool/pool_kernels.hpp"
#include "ops/pool/pool_plan.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {
namespace {

enum class PoolKind { max, avg };

struct PoolGeometry {
  uint32_t batch = 0, input_h = 0, input_w = 0, channels = 0;
  uint32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  Padding2d padding;
  uint32_t output_h = 0, output_w = 0;
  bool count_include_pad = true;
};

// torch's pooling output size: floor (or ceil) of the padded extent over the stride, plus one; with ceil
// the last window must still start inside the input or its leading padding.
uint32_t pool_output_size(uint32_t input, uint32_t kernel, uint32_t stride, uint32_t pad_before, uint32_t pad_after,
                          uint32_t dilation, bool ceil_mode, const char* op, const char* axis) {
  const int64_t padded = int64_t(input) + pad_before + pad_after;
  const int64_t extent = int64_t(dilation) * (kernel - 1) + 1;
  check(extent <= padded,
        "{}: the {} window (kernel {}, dilation {}, extent {}) does not fit the padded input {} ({} + {} + {})", op,
        axis, kernel, dilation, extent, padded, input, pad_before, pad_after);
  int64_t size = (padded - extent + (ceil_mode ? stride - 1 : 0)) / stride + 1;
  if (ceil_mode && (size - 1) * stride >= int64_t(input) + pad_before) --size;
  return uint32_t(size);
}

void check_input_shape(const Tensor& input, uint64_t pixels, uint32_t channels, const char* op) {
  require_input(input, op);
  const Shape& shape = input.logical_shape();
  check(shape.rank() == 4, "{}: input must be [1, 1, N*H*W, C] or [N, H, W, C] (rank 4), got {}", op, shape);
  check(shape.width() == channels, "{}: channels={} does not match the input's last dim {} (shape {})", op, channels,
        shape.width(), shape);
  check(shape.height() == pixels, "{}: input {} holds {} pixels, but batch_size*input_h*input_w = {}", op, shape,
        shape.height(), pixels);
}

PoolGeometry pool_geometry(const Tensor& input, uint32_t batch, uint32_t input_h, uint32_t input_w, uint32_t channels,
                           std::array<uint32_t, 2> kernel, std::array<uint32_t, 2> stride, Padding2d padding,
                           std::array<uint32_t, 2> dilation, bool ceil_mode, const char* op) {
  check(batch > 0 && input_h > 0 && input_w > 0 && channels > 0,
        "{}: batch_size={}, input_h={}, input_w={} and channels={} must all be positive", op, batch, input_h, input_w,
        channels);
  check(kernel[0] > 0 && kernel[1] > 0, "{}: kernel_size [{}, {}] must be positive", op, kernel[0], kernel[1]);
  check(stride[0] > 0 && stride[1] > 0, "{}: stride [{}, {}] must be positive", op, stride[0], stride[1]);
  check(dilation[0] > 0 && dilation[1] > 0, "{}: dilation [{}, {}] must be positive", op, dilation[0], dilation[1]);
  check(padding.top <= kernel[0] / 2 && padding.bottom <= kernel[0] / 2 && padding.left <= kernel[1] / 2 &&
            padding.right <= kernel[1] / 2,
        "{}: padding [{}, {}, {}, {}] (top, bottom, left, right) must be at most half the kernel [{}, {}]", op,
        padding.top, padding.bottom, padding.left, padding.right, kernel[0], kernel[1]);
  check_input_shape(input, uint64_t(batch) * input_h * input_w, channels, op);
  PoolGeometry g;
  g.batch = batch;
  g.input_h = input_h;
  g.input_w = input_w;
  g.channels = channels;
  g.kernel_h = kernel[0];
  g.kernel_w = kernel[1];
  g.stride_h = stride[0];
  g.stride_w = stride[1];
  g.dilation_h = dilation[0];
  g.dilation_w = dilation[1];
  g.padding = padding;
  g.output_h = pool_output_size(input_h, g.kernel_h, g.stride_h, padding.top, padding.bottom, g.dilation_h, ceil_mode,
                                op, "height");
  g.output_w = pool_output_size(input_w, g.kernel_w, g.stride_w, padding.left, padding.right, g.dilation_w, ceil_mode,
                                op, "width");
  return g;
}

ShardStrategy strategy_of(TensorMemoryLayout layout) {
  switch (layout) {
    case TensorMemoryLayout::WIDTH_SHARDED: return ShardStrategy::WIDTH;
    case TensorMemoryLayout::BLOCK_SHARDED: return ShardStrategy::BLOCK;
    default: return ShardStrategy::HEIGHT;
  }
}

// Given config, else the input's when interleaved, else the input's sharding refitted to the output shape.
MemoryConfig output_memory_config(const Tensor& input, const Shape& output_shape,
                                  const std::optional<MemoryConfig>& memory_config) {
  if (memory_config) return *memory_config;
  if (!input.is_sharded()) return input.memory_config();
  const ShardSpec& shard = *input.shard_spec();
  return create_sharded_memory_config(output_shape, shard.grid, strategy_of(input.memory_config().memory_layout),
                                      shard.orientation, false, input.layout() == Layout::TILE);
}

Tensor pool2d(PoolKind kind, const Tensor& input, const PoolGeometry& g,
              const std::optional<MemoryConfig>& memory_config, const char* op) {
  const Shape output_shape{1, 1, g.batch * g.output_h * g.output_w, g.channels};
  const TensorSpec spec{output_shape, input.dtype(), input.layout(),
                        output_memory_config(input, output_shape, memory_config)};
  Tensor output = allocate_tensor(spec, input.device(), op);
  const DecodedRows in(input, op);
  produce_output(
      output,
      [&](uint64_t pixel, uint64_t col_begin, uint64_t col_end, float* out) {
        thread_local std::vector<const float*> taps;
        taps.clear();
        const uint64_t image = pixel / (uint64_t(g.output_h) * g.output_w);
        const int64_t oh = int64_t(pixel / g.output_w % g.output_h), ow = int64_t(pixel % g.output_w);
        const int64_t h0 = oh * g.stride_h - g.padding.top, w0 = ow * g.stride_w - g.padding.left;
        for (uint32_t ky = 0; ky < g.kernel_h; ++ky) {
          const int64_t ih = h0 + int64_t(ky) * g.dilation_h;
          if (ih < 0 || ih >= int64_t(g.input_h)) continue;
          for (uint32_t kx = 0; kx < g.kernel_w; ++kx) {
            const int64_t iw = w0 + int64_t(kx) * g.dilation_w;
            if (iw < 0 || iw >= int64_t(g.input_w)) continue;
            taps.push_back(in.row((image * g.input_h + uint64_t(ih)) * g.input_w + uint64_t(iw)) + col_begin);
          }
        }
        const size_t channels = col_end - col_begin;
        if (kind == PoolKind::max) {
          kernels::f32_max_pool_pixel(taps.data(), taps.size(), channels, out);
          return;
        }
        // torch: the window clipped to the padded input counts with count_include_pad, else only real taps.
        const int64_t h1 = std::min<int64_t>(h0 + g.kernel_h, int64_t(g.input_h) + g.padding.bottom);
        const int64_t w1 = std::min<int64_t>(w0 + g.kernel_w, int64_t(g.input_w) + g.padding.right);
        const int64_t divisor = g.count_include_pad ? (h1 - h0) * (w1 - w0) : int64_t(taps.size());
        kernels::f32_sum_pool_pixel(taps.data(), taps.size(), channels, divisor > 0 ? 1.0f / float(divisor) : 0.0f,
                                    out);
      },
      op);
  return output;
}

GlobalAveragePlan plan_global_average(const Tensor& input, uint64_t positions, const Shape& output_shape,
                                      const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype,
                                      const char* op) {
  MemoryConfig config = memory_config.value_or(input.memory_config());
  if (!memory_config && input.is_sharded())
    config = MemoryConfig{TensorMemoryLayout::INTERLEAVED, config.buffer_type, {}};
  GlobalAveragePlan plan;
  plan.op = op;
  plan.positions = positions;
  plan.output_spec = TensorSpec{output_shape, dtype.value_or(input.dtype()), input.layout(), config};
  check(plan.output_spec.layout == Layout::TILE || !is_block_float(plan.output_spec.dtype),
        "{}: output dtype {} requires TILE layout, but the input is {}", op, plan.output_spec.dtype,
        plan.output_spec.layout);
  plan.output = OutputPlan(plan.output_spec, input.device(), op);
  plan.input = activation_source(input.spec(), nullptr, OperandCut{}, op);
  return plan;
}

Tensor global_average(const Tensor& input, uint64_t positions, const Shape& output_shape,
                      const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype, const char* op) {
  const GlobalAveragePlan plan = plan_global_average(input, positions, output_shape, memory_config, dtype, op);
  Tensor output = allocate_tensor(plan.output_spec, input.device(), op);
  run_global_average_plan(plan, input, output);
  return output;
}

}  // namespace

Tensor max_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w, uint32_t channels,
                  std::array<uint32_t, 2> kernel_size, std::array<uint32_t, 2> stride, Padding2d padding,
                  std::array<uint32_t, 2> dilation, const std::optional<MemoryConfig>& memory_config, bool ceil_mode) {
  profiler::OpScope profile("max_pool2d", {&input});
  const char* op = "max_pool2d";
  const PoolGeometry g = pool_geometry(input, batch_size, input_h, input_w, channels, kernel_size, stride, padding,
                                       dilation, ceil_mode, op);
  return profile.output(pool2d(PoolKind::max, input, g, memory_config, op));
}

Tensor avg_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w, uint32_t channels,
                  std::array<uint32_t, 2> kernel_size, std::array<uint32_t, 2> stride, Padding2d padding,
                  bool ceil_mode, bool count_include_pad, const std::optional<MemoryConfig>& memory_config) {
  profiler::OpScope profile("avg_pool2d", {&input});
  const char* op = "avg_pool2d";
  PoolGeometry g =
      pool_geometry(input, batch_size, input_h, input_w, channels, kernel_size, stride, padding, {1, 1}, ceil_mode, op);
  g.count_include_pad = count_include_pad;
  return profile.output(pool2d(PoolKind::avg, input, g, memory_config, op));
}

Tensor global_avg_pool2d(const Tensor& input, const std::optional<MemoryConfig>& memory_config,
                         std::optional<DataType> dtype) {
  profiler::OpScope profile("global_avg_pool2d", {&input});
  const char* op = "global_avg_pool2d";
  require_input(input, op);
  const Shape& shape = input.logical_shape();
  check(shape.rank() == 4, "{}: input must be [N, H, W, C] (rank 4), got {}", op, shape);
  check(shape.volume() > 0, "{}: input {} is empty", op, shape);
  return profile.output(global_average(input, uint64_t(shape[1]) * shape[2], Shape{shape[0], 1, 1, shape[3]},
                                       memory_config, dtype, op));
}

namespace {

// Each output block of columns sums its images' rows: taps(image, col_begin, col_end) gives a pointer to
// each of an image's positions at col_begin.
template <typename Taps>
void sum_positions(const GlobalAveragePlan& plan, const Tensor& output, Taps taps) {
  const float scale = 1.0f / float(plan.positions);
  produce_output(plan.output, output.bytes(plan.op),
                 [&](uint64_t image, uint64_t col_begin, uint64_t col_end, float* out) {
                   const std::span<const float* const> position_taps = taps(image, col_begin, col_end);
                   kernels::f32_sum_pool_pixel(position_taps.data(), position_taps.size(), col_end - col_begin,
                                               scale, out);
                 });
}

}  // namespace

void run_global_average_plan(const GlobalAveragePlan& plan, const Tensor& input, const Tensor& output) {
  // Each output block reads just its columns of its images' rows: no decoded copy of the whole input (and
  // no parallel region for it).
  const ActivationSource source = plan.input.at(input.bytes(plan.op));
  const RowMap map(input.spec());
  const uint64_t positions = plan.positions;
  sum_positions(plan, output, [&](uint64_t image, uint64_t col_begin, uint64_t col_end) {
    const size_t width = col_end - col_begin;
    thread_local AlignedVector<float> rows;
    thread_local std::vector<const float*> taps;
    rows.resize(positions * width);
    taps.resize(positions);
    for (uint64_t p = 0; p < positions;) {  // runs of rows that are consecutive in storage
      const uint64_t first = map.physical(image * positions + p);
      uint64_t run = 1;
      while (p + run < positions && map.physical(image * positions + p + run) == first + run) ++run;
      source.read(first, first + run, col_begin, col_end, rows.data() + p * width, width);
      p += run;
    }
    for (uint64_t p = 0; p < positions; ++p) taps[p] = rows.data() + p * width;
    return std::span<const float* const>(taps);
  });
}

void run_global_average_plan(const GlobalAveragePlan& plan, const float* rows, size_t row_stride,
                             const Tensor& output) {
  const uint64_t positions = plan.positions;
  sum_positions(plan, output, [&](uint64_t image, uint64_t col_begin, uint64_t) {
    thread_local std::vector<const float*> taps;
    taps.resize(positions);
    for (uint64_t p = 0; p < positions; ++p) taps[p] = rows + (image * positions + p) * row_stride + col_begin;
    return std::span<const float* const>(taps);
  });
}

GlobalAveragePlan plan_global_avg_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w,
                                         const std::optional<MemoryConfig>& memory_config,
                                         std::optional<DataType> dtype) {
  const char* op = "global_avg_pool2d";
  check(batch_size > 0 && input_h > 0 && input_w > 0, "{}: batch_size={}, input_h={} and input_w={} must be positive",
        op, batch_size, input_h, input_w);
  const uint32_t channels = input.buffer() ? input.logical_shape().width() : 0;
  check_input_shape(input, uint64_t(batch_size) * input_h * input_w, channels, op);
  check(channels > 0, "{}: input {} has no channels", op, input.logical_shape());
  return plan_global_average(input, uint64_t(input_h) * input_w, Shape{1, 1, batch_size, channels}, memory_config,
                             dtype, op);
}

Tensor global_avg_pool2d(const Tensor& input, uint32_t batch_size, uint32_t input_h, uint32_t input_w,
                         const std::optional<MemoryConfig>& memory_config, std::optional<DataType> dtype) {
  profiler::OpScope profile("global_avg_pool2d", {&input});
  const GlobalAveragePlan plan = plan_global_avg_pool2d(input, batch_size, input_h, input_w, memory_config, dtype);
  Tensor output = allocate_tensor(plan.output_spec, input.device(), plan.op);
  run_global_average_plan(plan, input, output);
  return profile.output(output);
}

}  // namespace ttnn
