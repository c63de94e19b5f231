// matmul and linear: prepared weights per buffer, one work item per output shard or row band.
#include "ttnn/operations/matmul.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "core/check.hpp"
#include "core/tensor_allocation.hpp"
#include "formats/fidelity.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/activation.hpp"
#include "ops/common/decode_activations.hpp"
#include "ops/common/fidelity_widths.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ops/common/tt_metal_gemm.hpp"
#include "ops/core/tensor_conversion.hpp"
#include "ttnn/device.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn {
namespace {

// b as the GEMM wants it: per batch a [N][K] matrix, rounded to the fidelity's operand-A width (accurate)
// or truncated as the multiplier reads it (tt_metal; HiFi3's second phase gets its own copy).
struct PreparedMatmulOperand : BufferAttachment {
  Numerics numerics = Numerics::accurate;
  MathFidelity fidelity = MathFidelity::HiFi4;
  uint32_t batches = 1, k = 0, n = 0;
  std::vector<float> transposed;  // [batches][n][k]
  std::vector<float> transposed_top;  // tt_metal HiFi3 only
};

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
  const std::vector<float> values = decode_logical(b, op);
  prepared->transposed.resize(values.size());
  for (uint32_t batch = 0; batch < prepared->batches; ++batch)
    for (uint32_t k = 0; k < prepared->k; ++k)
      for (uint32_t n = 0; n < prepared->n; ++n)
        prepared->transposed[(size_t(batch) * prepared->n + n) * prepared->k + k] =
            values[(size_t(batch) * prepared->k + k) * prepared->n + n];
  if (numerics == Numerics::accurate) {
    if (const int bits = fidelity_widths(fidelity).a_bits; bits > 0)
      for (float& v : prepared->transposed) v = formats::round_significand(v, bits);
  } else {
    const TtMetalMultiplier multiplier = tt_metal_multiplier(fidelity);
    if (multiplier.second_phase) {
      prepared->transposed_top = prepared->transposed;
      formats::truncate_significand(std::span(prepared->transposed_top), kTtMetalTopABits);
    }
    formats::truncate_significand(std::span(prepared->transposed), multiplier.a_bits);
  }
  std::lock_guard lock(prepare_mutex);
  const PreparedMatmulOperand& result = *prepared;
  b.buffer()->attach(std::move(prepared));
  return result;
}

struct RowBand {
  uint64_t row_begin, row_end;
};

// Rows of the output view each work item writes: one shard each when sharded by rows, else tile bands.
std::vector<RowBand> row_bands(const BufferLayout& layout, uint64_t rows, uint32_t parts) {
  std::vector<RowBand> bands;
  const uint64_t step = layout.sharded() ? layout.shard_height
                                         : std::max<uint64_t>(32, (rows + parts - 1) / parts + 31) / 32 * 32;
  for (uint64_t begin = 0; begin < rows; begin += step) bands.push_back({begin, std::min(rows, begin + step)});
  return bands;
}

Tensor run_matmul(const Tensor& a, const Tensor& b, const float* bias, const MatmulOptions& options, const char* op) {
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
  const Numerics numerics = compute.numerics.value_or(device ? device->numerics() : Numerics::accurate);
  const ClampRange clamp = activation_clamp(options.activation, op);
  const PreparedMatmulOperand& weights = prepared_operand(b, numerics, compute.math_fidelity, op);
  const bool tt_metal = numerics == Numerics::tt_metal;

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
  Tensor output = allocate_tensor(spec, device, op);
  const BufferLayout out_layout = BufferLayout::of(spec, op);
  DecodedActivations input = decode_activations(a, a.bytes(op), activation_cut(compute.math_fidelity, numerics), op);
  std::optional<DecodedActivations> input_low;
  if (tt_metal && tt_metal_multiplier(compute.math_fidelity).second_phase)
    input_low = split_low_bits(input, kTtMetalTopBBits);
  std::byte* out_bytes = output.bytes(op);

  // Physical rows of a and of the output line up batch by batch (same row padding per batch).
  const uint64_t padded_m = a.layout() == Layout::TILE ? (m + 31) / 32 * 32 : m;
  const auto bands = row_bands(out_layout, out_layout.height, device ? device->num_cores() : 1);
  auto work = [&](size_t index) {
    thread_local std::vector<float> result;
    const RowBand band = bands[index];
    result.assign((band.row_end - band.row_begin) * n, 0.0f);
    for (uint64_t row = band.row_begin; row < band.row_end;) {
      const uint64_t batch = row / padded_m, local = row % padded_m;
      const uint64_t run_end = std::min(band.row_end, batch * padded_m + std::max<uint64_t>(local, m));
      if (local >= m || batch >= a_batches) {  // tile padding rows
        row = std::min(band.row_end, (batch + 1) * padded_m);
        continue;
      }
      const size_t weights_offset = (b_batches == 1 ? 0 : batch) * size_t(n) * k;
      float* c = result.data() + (row - band.row_begin) * n;
      kernels::GemmArgs gemm;
      gemm.m = run_end - row;
      gemm.n = n;
      gemm.k = k;
      gemm.a = input.values.data() + row * input.cols;
      gemm.a_row_stride = input.cols;
      gemm.w = weights.transposed.data() + weights_offset;
      gemm.w_row_stride = k;
      gemm.bias = bias;
      gemm.clamp_min = clamp.min;
      gemm.clamp_max = clamp.max;
      gemm.c = c;
      gemm.c_row_stride = n;
      if (tt_metal) {
        TtMetalGemmArgs staged;
        staged.product = gemm;
        if (input_low) {
          staged.a_low = input_low->values.data() + row * input.cols;
          staged.w_top = weights.transposed_top.data() + weights_offset;
        }
        staged.chunk_ends = uniform_chunk_ends(k);
        staged.bf16_dest = !compute.fp32_dest_acc_en;
        tt_metal_gemm(staged);
        tt_metal_finish(c, gemm.m, n, n, bias, staged.bf16_dest, clamp);
      } else {
        kernels::kernel_table().f32_gemm(gemm);
      }
      row = run_end;
    }
    write_rows(out_layout, out_bytes, band.row_begin, band.row_end, 0, n, result.data(), n);
  };
  if (device) device->run_parallel(bands.size(), work);
  else
    for (size_t i = 0; i < bands.size(); ++i) work(i);
  return output;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, const MatmulOptions& options) {
  profiler::OpScope profile("matmul", {&a, &b});
  profile.set_math_fidelity(options.compute_kernel_config.value_or(DeviceComputeKernelConfig{}).math_fidelity);
  return profile.output(run_matmul(a, b, nullptr, options, "matmul"));
}

Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, const MatmulOptions& options) {
  profiler::OpScope profile("linear", {&input, &weight, bias ? &*bias : nullptr});
  profile.set_math_fidelity(options.compute_kernel_config.value_or(DeviceComputeKernelConfig{}).math_fidelity);
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
  return profile.output(run_matmul(input, weight, bias ? bias_values.data() : nullptr, options, "linear"));
}

}  // namespace ttnn
