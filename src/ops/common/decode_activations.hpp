// Decodes a whole tensor's 2D view into a dense float array [rows][cols] (logical columns only), in
// parallel over the device's threads, optionally cutting each value to the significand bits the multiplier
// reads of operand B. The working copy ops compute from.
#pragma once

#include <memory>
#include <string_view>

#include "core/buffer_layout.hpp"
#include "ops/common/fidelity_widths.hpp"
#include "ops/common/scratch_floats.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct DecodedActivations {
  ScratchFloats values;  // [rows][cols]
  uint64_t rows = 0;  // physical view rows
  uint64_t cols = 0;  // logical columns
};

// Applies `cut` to `count` values (elementwise: any arrangement).
void apply_cut(OperandCut cut, float* values, size_t count);

// The same rows read on demand: a kernel that visits each input row once (a pointwise conv) decodes its
// block into cache-resident scratch instead of the whole tensor into memory first.
struct ActivationSource {
  std::shared_ptr<const BufferLayout> layout;  // shared: a planned conv copies its source every run
  const std::byte* bytes = nullptr;
  uint64_t cols = 0;  // logical columns
  OperandCut cut;     // already relaxed for block-float storage
  // Rows [begin, end) of the 2D view into out ([end - begin][cols], row stride out_stride), cut.
  void read(uint64_t begin, uint64_t end, float* out, size_t out_stride) const;
  // The same for columns [col_begin, col_end) only.
  void read(uint64_t begin, uint64_t end, uint64_t col_begin, uint64_t col_end, float* out, size_t out_stride) const;
  // Applies the cut to `count` values read from these rows without it (elementwise: any arrangement).
  void apply_cut(float* values, size_t count) const;
  // This source over `tensor_bytes` (a plan keeps a source without bytes and sets them per run).
  ActivationSource at(const std::byte* tensor_bytes) const {
    ActivationSource source = *this;
    source.bytes = tensor_bytes;
    return source;
  }
};
ActivationSource activation_source(const Tensor& tensor, const std::byte* bytes, OperandCut cut, std::string_view op);
ActivationSource activation_source(const TensorSpec& spec, const std::byte* bytes, OperandCut cut, std::string_view op);

DecodedActivations decode_activations(const Tensor& tensor, const std::byte* bytes, OperandCut cut, std::string_view op);
// All of `source`'s rows, on `device`'s threads (serially without one).
DecodedActivations decode_activations(const ActivationSource& source, const Device* device);
// The same, decoding only the first `used` rows of every `period` physical rows (a matmul's rows: the others
// are tile padding it never reads, 31 of 32 for a classifier's single row); the other rows hold garbage.
DecodedActivations decode_activations(const ActivationSource& source, const Device* device, uint64_t period,
                                      uint64_t used);

// Splits `decoded` at `top_bits` significand bits: `decoded` keeps trunc(v, top_bits) and the returned
// copy holds the rest, v - trunc(v, top_bits) (the tt_metal HiFi3 second phase's operand).
DecodedActivations split_low_bits(DecodedActivations& decoded, int top_bits);

}  // namespace ttnn
