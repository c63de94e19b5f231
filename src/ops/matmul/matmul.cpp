// matmul and linear: prepared weights per buffer, one work item per output shard or row band.
#include "ttnn/operations/matmul.hpp"

#include <algorithm>
#include <bit>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "formats/fidelity.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/activation.hpp"
#include "ops/common/bfloat16_operands.hpp"
#include "ops/common/decode_activations.hpp"
#include "ops/common/fidelity_widths.hpp"
#include "ops/common/logical_rows.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ops/common/tt_metal_gemm.hpp"
#include "ops/core/tensor_conversion.hpp"
#include "ops/matmul/matmul_plan.hpp"
#include "ttnn/device.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {

// b as the GEMM wants it, rounded to the fidelity's operand-A width (accurate) or truncated as the multiplier
// reads it (tt_metal; HiFi3's second phase gets its own copy).
struct PreparedMatmulOperand : BufferAttachment {
  Numerics numerics = Numerics::accurate;
  MathFidelity fidelity = MathFidelity::HiFi4;
  uint32_t batches = 1, k = 0, n = 0;
  // tt_metal: per batch a [N][K] matrix, as its staged GEMM reads it.
  std::vector<float> transposed;
  std::vector<float> transposed_top;  // tt_metal HiFi3 only
  // accurate, every weight a bfloat16 value (weights_fit_bfloat16): per batch, the layout of
  // kernels::pack_gemm_weights_bf16 for [n][k], widened into packed_f32 only if a call's activations do not
  // fit bfloat16 (packed_floats).
  std::vector<uint16_t> packed_bf16;
  size_t packed_bf16_batch_elems = 0;
  // accurate, the others: per batch, the fp32 panels of kernels::pack_gemm_weights. A classifier's GEMM reads
  // its megabytes of weights from memory at batch 1, and a panel is one sequential stream (rows of [N][K]
  // read four at a time ran at 14 GB/s where panels reach 25, this machine's memory bandwidth for a core).
  size_t packed_f32_batch_elems = 0;
  mutable std::once_flag widen_once;
  mutable std::vector<float> packed_f32;

  const std::vector<float>& packed_floats() const {
    if (packed_bf16.empty()) return packed_f32;
    std::call_once(widen_once, [this] {
      std::vector<float> rows(size_t(n) * k);
      packed_f32.resize(packed_f32_batch_elems * batches);
      for (uint32_t batch = 0; batch < batches; ++batch) {
        kernels::unpack_gemm_weights_bf16(n, k, packed_bf16.data() + batch * packed_bf16_batch_elems, rows.data());
        kernels::pack_gemm_weights(n, k, rows.data(), k, packed_f32.data() + batch * packed_f32_batch_elems);
      }
    });
    return packed_f32;
  }
};

namespace {

std::mutex prepare_mutex;  // two threads preparing the same buffer at once

const PreparedMatmulOperand& prepared_operand(const Tensor& b, Numerics numerics, MathFidelity fidelity, const char* op) {
  {
    std::lock_guard lock(prepare_mutex);
    b.bytes(op);
    if (const auto* ready = dynamic_cast<const PreparedMatmulOperand*>(b.buffer()->attachment().get());
        ready && ready->numerics == numerics && ready->fidelity == fidelity)
      return *ready;
  }
  const Shape& shape = b.logical_shape();
  auto prepared = std::make_shared<PreparedMatmulOperand>();
  prepared->numerics = numerics;
  prepared->fidelity = fidelity;
  prepared->k = shape[-2];
  prepared->n = shape[-1];
  prepared->batches = uint32_t(shape.volume() / (uint64_t(prepared->k) * prepared->n));
  prepared->packed_f32_batch_elems = kernels::packed_gemm_weights_elems(prepared->n, prepared->k);
  // b is decoded a band of rows at a time into the layout the kernel reads: a classifier's weights are
  // megabytes, and whole intermediate copies would multiply the preparation's peak memory.
  const BufferLayout layout = BufferLayout::of(b.spec(), op);
  const RowMap rows(b.spec());
  const std::byte* bytes = b.bytes(op);
  // accurate: every weight rounded to the fidelity's A width as its band is read (the vectorised kernel).
  const int a_bits = fidelity_widths(fidelity).a_bits;
  const int round_bits = numerics == Numerics::accurate ? a_bits : 0;
  const auto for_each_band = [&](auto&& take) {  // take(batch, k, row of n values)
    constexpr uint32_t kBand = 32;
    std::vector<float> band(size_t(kBand) * prepared->n);
    for (uint32_t batch = 0; batch < prepared->batches; ++batch)
      for (uint32_t k0 = 0; k0 < prepared->k; k0 += kBand) {
        const uint32_t k1 = std::min(prepared->k, k0 + kBand);
        const uint64_t first = rows.physical(uint64_t(batch) * prepared->k + k0);  // one slice: contiguous rows
        read_rows(layout, bytes, first, first + (k1 - k0), 0, prepared->n, band.data(), prepared->n);
        if (round_bits > 0) kernels::kernel_table().round_significand(band.data(), size_t(k1 - k0) * prepared->n, round_bits);
        for (uint32_t k = k0; k < k1; ++k) take(batch, k, band.data() + size_t(k - k0) * prepared->n);
      }
  };
  if (numerics == Numerics::accurate && weights_fit_bfloat16(b.dtype(), fidelity)) {
    // Every weight is a bfloat16 value once rounded: straight into the bfloat16 GEMM's panels.
    prepared->packed_bf16_batch_elems = kernels::packed_gemm_weights_bf16_elems(prepared->n, prepared->k);
    prepared->packed_bf16.assign(prepared->packed_bf16_batch_elems * prepared->batches, 0);
    for_each_band([&](uint32_t batch, uint32_t k, const float* row) {
      uint16_t* packed = prepared->packed_bf16.data() + batch * prepared->packed_bf16_batch_elems;
      for (uint32_t n = 0; n < prepared->n; ++n)
        packed[kernels::packed_gemm_weights_bf16_index(n, k, prepared->k)] =
            uint16_t(std::bit_cast<uint32_t>(row[n]) >> 16);
    });
  } else if (numerics == Numerics::accurate) {
    prepared->packed_f32.assign(prepared->packed_f32_batch_elems * prepared->batches, 0.0f);
    for_each_band([&](uint32_t batch, uint32_t k, const float* row) {
      float* packed = prepared->packed_f32.data() + batch * prepared->packed_f32_batch_elems;
      for (uint32_t n = 0; n < prepared->n; ++n) packed[kernels::packed_gemm_weights_index(n, k, prepared->k)] = row[n];
    });
  } else {
    prepared->transposed.resize(size_t(prepared->batches) * prepared->k * prepared->n);
    for_each_band([&](uint32_t batch, uint32_t k, const float* row) {
      for (uint32_t n = 0; n < prepared->n; ++n)
        prepared->transposed[(size_t(batch) * prepared->n + n) * prepared->k + k] = row[n];
    });
    {
      const TtMetalMultiplier multiplier = tt_metal_multiplier(fidelity);
      if (multiplier.second_phase) {
        prepared->transposed_top = prepared->transposed;
        formats::truncate_significand(std::span(prepared->transposed_top), kTtMetalTopABits);
      }
      formats::truncate_significand(std::span(prepared->transposed), multiplier.a_bits);
    }
  }
  std::lock_guard lock(prepare_mutex);
  const PreparedMatmulOperand& result = *prepared;
  b.buffer()->attach(std::move(prepared));
  return result;
}

Numerics matmul_numerics(const DeviceComputeKernelConfig& compute, const Device* device) {
  return compute.numerics.value_or(device ? device->numerics() : Numerics::accurate);
}

// One item per shard when sharded by rows, else tile bands; when there are fewer bands than threads (a
// classifier at batch 1), each band is split into column chunks of whole tiles (no two items share a
// bfloat8_b block) so every thread has work.
std::vector<MatmulItem> matmul_items(const BufferLayout& layout, uint64_t rows, uint32_t n, uint32_t parts) {
  const uint64_t step = layout.sharded() ? layout.shard_height
                                         : std::max<uint64_t>(32, (rows + parts - 1) / parts + 31) / 32 * 32;
  const uint64_t bands = (rows + step - 1) / step;
  uint32_t chunk = n;
  // Few bands (a classifier's one row): column chunks of at least 128, the GEMM's widest strip.
  if (!layout.sharded() && bands < parts) chunk = std::max<uint32_t>(128, (n / (2 * parts) + 31) / 32 * 32);
  std::vector<MatmulItem> items;
  for (uint64_t begin = 0; begin < rows; begin += step)
    for (uint32_t col = 0; col < n; col += chunk)
      items.push_back({begin, std::min(rows, begin + step), col, std::min(n, col + chunk)});
  return items;
}

}  // namespace

void prepare_matmul_weights(const Tensor& b, const MatmulOptions& options, const char* op) {
  check(b.buffer() != nullptr, "{}: the weight tensor is empty", op);
  const DeviceComputeKernelConfig compute = options.compute_kernel_config.value_or(DeviceComputeKernelConfig{});
  prepared_operand(b, matmul_numerics(compute, b.device()), compute.math_fidelity, op);
}

MatmulPlan plan_matmul(const Tensor& a, const Tensor& b, std::vector<float> bias, const MatmulOptions& options,
                       const char* op) {
  check(a.buffer() && b.buffer(), "{}: an input tensor is empty", op);
  const Shape& a_shape = a.logical_shape();
  const Shape& b_shape = b.logical_shape();
  check(a_shape.rank() >= 2 && b_shape.rank() >= 2, "{}: inputs need rank >= 2, got {} and {}", op, a_shape, b_shape);
  check(a_shape[-1] == b_shape[-2], "{}: inner dimensions differ: a is {} (K = {}), b is {} (K = {})", op, a_shape,
        a_shape[-1], b_shape, b_shape[-2]);
  const uint64_t b_batches = b_shape.volume() / (uint64_t(b_shape[-2]) * b_shape[-1]);
  const uint32_t m = a_shape[-2], k = a_shape[-1], n = b_shape[-1];
  const uint64_t a_batches = a_shape.volume() / (uint64_t(m) * k);
  check(b_batches == 1 || b_batches == a_batches, "{}: b {} must be [K, N] or carry a's {} batches", op, b_shape, a_batches);

  const DeviceComputeKernelConfig compute = options.compute_kernel_config.value_or(DeviceComputeKernelConfig{});
  Device* device = a.device() ? a.device() : b.device();
  const Numerics numerics = matmul_numerics(compute, device);
  const ClampRange clamp = activation_clamp(options.activation, op);
  const PreparedMatmulOperand& weights = prepared_operand(b, numerics, compute.math_fidelity, op);

  std::vector<uint32_t> out_dims(a_shape.dims().begin(), a_shape.dims().end());
  out_dims.back() = n;
  TensorSpec spec{Shape(out_dims), options.dtype.value_or(a.dtype()), a.layout(), DRAM_MEMORY_CONFIG};
  spec.memory_config = options.memory_config.value_or(a.is_sharded() ? L1_MEMORY_CONFIG : a.memory_config());
  if (!options.memory_config && a.is_sharded() && a.memory_config().memory_layout == TensorMemoryLayout::HEIGHT_SHARDED) {
    ShardSpec shard = *a.shard_spec();
    shard.shape[1] = uint32_t(spec.physical_width());
    spec.memory_config = MemoryConfig{TensorMemoryLayout::HEIGHT_SHARDED, a.memory_config().buffer_type, shard};
  }
  check(spec.layout == Layout::TILE || !is_block_float(spec.dtype), "{}: output dtype {} requires TILE layout", op,
        spec.dtype);
  MatmulPlan plan;
  plan.op = op;
  plan.device = device;
  plan.weights_tensor = b;
  plan.weights = &weights;
  plan.bias = std::move(bias);
  plan.output_spec = spec;
  plan.output_layout = BufferLayout::of(spec, op);
  plan.compute = compute;
  plan.numerics = numerics;
  const OperandCut cut = activation_cut(compute.math_fidelity, numerics);
  plan.input = activation_source(a.spec(), nullptr, cut, op);
  plan.clamp = clamp;
  plan.m = m, plan.k = k, plan.n = n;
  plan.a_batches = a_batches, plan.b_batches = b_batches;
  // Physical rows of a and of the output line up batch by batch (same row padding per batch).
  plan.padded_m = a.layout() == Layout::TILE ? (m + 31) / 32 * 32 : m;
  plan.items = matmul_items(plan.output_layout, plan.output_layout.height, n, device ? device->num_cores() : 1);
  plan.bf16 = !weights.packed_bf16.empty() && activations_fit_bfloat16(a.dtype(), cut);
  return plan;
}

void run_matmul_plan(const MatmulPlan& plan, const Tensor& a, const Tensor& output) {
  const char* op = plan.op;
  const PreparedMatmulOperand& weights = *plan.weights;
  const DeviceComputeKernelConfig& compute = plan.compute;
  const bool tt_metal = plan.numerics == Numerics::tt_metal;
  const uint32_t m = plan.m, k = plan.k, n = plan.n;
  const uint64_t a_batches = plan.a_batches, b_batches = plan.b_batches, padded_m = plan.padded_m;
  const ClampRange clamp = plan.clamp;
  const float* bias = plan.bias.empty() ? nullptr : plan.bias.data();
  const bool bf16 = plan.bf16;
  const auto& items = plan.items;
  const BufferLayout& out_layout = plan.output_layout;
  Device* device = plan.device;
  // Only the rows the GEMM reads: each batch's m rows, not its tile padding (all of them where the tt_metal
  // second phase splits every decoded value).
  const bool second_phase = tt_metal && tt_metal_multiplier(compute.math_fidelity).second_phase;
  DecodedActivations input =
      decode_activations(plan.input.at(a.bytes(op)), a.device(), padded_m, second_phase ? padded_m : m);
  std::optional<DecodedActivations> input_low;
  if (second_phase) input_low = split_low_bits(input, kTtMetalTopBBits);
  std::byte* out_bytes = output.bytes(op);

  auto work = [&](size_t index) {
    thread_local std::vector<float> result;
    const MatmulItem item = items[index];
    const uint32_t width = item.col_end - item.col_begin;
    // The padding rows that end the item (a classifier's 31 below its one row) are stored as zeros.
    const auto padding = [&](uint64_t row) { return row % padded_m >= m || row / padded_m >= a_batches; };
    uint64_t rows_end = item.row_end;
    while (rows_end > item.row_begin && padding(rows_end - 1)) --rows_end;
    result.assign((rows_end - item.row_begin) * width, 0.0f);
    for (uint64_t row = item.row_begin; row < rows_end;) {
      const uint64_t batch = row / padded_m, local = row % padded_m;
      const uint64_t run_end = std::min(rows_end, batch * padded_m + std::max<uint64_t>(local, m));
      if (padding(row)) {  // tile padding rows
        row = std::min(rows_end, (batch + 1) * padded_m);
        continue;
      }
      const size_t weights_batch = b_batches == 1 ? 0 : batch;
      float* c = result.data() + (row - item.row_begin) * width;
      const float* a_rows = input.values.data() + row * input.cols;
      // The accurate numerics: packed panels, the item's columns from a panel (chunks are multiples of 32).
      const auto run_packed = [&](auto gemm, auto set_operands, auto kernel) {
        gemm.m = run_end - row, gemm.n = width, gemm.k = k;
        set_operands(gemm);
        gemm.bias = bias ? bias + item.col_begin : nullptr;
        gemm.clamp_min = clamp.min, gemm.clamp_max = clamp.max;
        gemm.c = c, gemm.c_row_stride = width;
        kernel(gemm);
        row = run_end;
      };
      if (bf16) {
        run_packed(kernels::GemmBf16Args{}, [&](kernels::GemmBf16Args& gemm) {
          set_bf16_gemm_rows(gemm, a_rows, input.cols);
          gemm.packed_w = weights.packed_bf16.data() + weights_batch * weights.packed_bf16_batch_elems +
                          kernels::packed_gemm_weights_bf16_panel(item.col_begin, k);
        }, kernels::kernel_table().bf16_gemm_packed);
        continue;
      }
      if (!tt_metal) {
        run_packed(kernels::GemmPackedArgs{}, [&](kernels::GemmPackedArgs& gemm) {
          gemm.a = a_rows, gemm.a_row_stride = input.cols;
          gemm.packed_w = weights.packed_floats().data() + weights_batch * weights.packed_f32_batch_elems +
                          size_t(item.col_begin) * k;
        }, kernels::kernel_table().f32_gemm_packed);
        continue;
      }
      kernels::GemmArgs gemm;
      gemm.m = run_end - row;
      gemm.n = width;
      gemm.k = k;
      gemm.a = a_rows;
      gemm.a_row_stride = input.cols;
      gemm.w = weights.transposed.data() + (weights_batch * n + item.col_begin) * size_t(k);
      gemm.w_row_stride = k;
      gemm.bias = bias ? bias + item.col_begin : nullptr;
      gemm.clamp_min = clamp.min;
      gemm.clamp_max = clamp.max;
      gemm.c = c;
      gemm.c_row_stride = width;
      TtMetalGemmArgs staged;
      staged.product = gemm;
      if (input_low) {
        staged.a_low = input_low->values.data() + row * input.cols;
        staged.w_top = weights.transposed_top.data() + (weights_batch * n + item.col_begin) * size_t(k);
      }
      staged.chunk_ends = uniform_chunk_ends(k);
      staged.bf16_dest = !compute.fp32_dest_acc_en;
      tt_metal_gemm(staged);
      tt_metal_finish(c, gemm.m, width, width, gemm.bias, staged.bf16_dest, clamp);
      row = run_end;
    }
    write_rows(out_layout, out_bytes, item.row_begin, rows_end, item.col_begin, item.col_end, result.data(), width);
    zero_rows(out_layout, out_bytes, rows_end, item.row_end, item.col_begin, item.col_end);
  };
  if (device) device->run_parallel(items.size(), work);
  else
    for (size_t i = 0; i < items.size(); ++i) work(i);
}

namespace {

Tensor run_matmul(const Tensor& a, const Tensor& b, std::vector<float> bias, const MatmulOptions& options,
                  const char* op) {
  const MatmulPlan plan = plan_matmul(a, b, std::move(bias), options, op);
  Tensor output = allocate_tensor(plan.output_spec, plan.device, op);
  run_matmul_plan(plan, a, output);
  return output;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, const MatmulOptions& options) {
  profiler::OpScope profile("matmul", {&a, &b});
  profile.set_math_fidelity(options.compute_kernel_config.value_or(DeviceComputeKernelConfig{}).math_fidelity);
  return profile.output(run_matmul(a, b, {}, options, "matmul"));
}

MatmulPlan plan_linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                       const MatmulOptions& options) {
  check(weight.buffer() != nullptr, "linear: weight is empty");
  check(weight.logical_shape().rank() == 2, "linear: weight must be [in_features, out_features], got {}",
        weight.logical_shape());
  std::vector<float> bias_values;
  if (bias) {
    const uint32_t n = weight.logical_shape()[-1];
    check(bias->logical_shape().volume() == n && bias->logical_shape().width() == n,
          "linear: bias {} does not match out_features={} (expected [{}] or [1, {}])", bias->logical_shape(), n, n, n);
    bias_values = decode_logical(*bias, "linear bias");
  }
  MatmulPlan plan = plan_matmul(input, weight, std::move(bias_values), options, "linear");
  plan.bias_tensor = bias;
  return plan;
}

Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, const MatmulOptions& options) {
  profiler::OpScope profile("linear", {&input, &weight, bias ? &*bias : nullptr});
  profile.set_math_fidelity(options.compute_kernel_config.value_or(DeviceComputeKernelConfig{}).math_fidelity);
  const MatmulPlan plan = plan_linear(input, weight, bias, options);
  Tensor output = allocate_tensor(plan.output_spec, plan.device, plan.op);
  run_matmul_plan(plan, input, output);
  return profile.output(output);
}

}  // namespace ttnn
