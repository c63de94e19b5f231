// conv2d: 2D convolution over NHWC activations flattened to [1, 1, N*H*W, C], as TT-NN runs it.
//
//   auto [out, out_h, out_w, weights, bias] = ttnn::conv2d({.input_tensor = x, .weight_tensor = w, ...});
//
// The first call prepares the weights (layout change, dtype conversion, fidelity rounding) and returns the
// prepared weight and bias tensors; pass them back on later calls (or give a Conv2dOpCache) and nothing is
// prepared again.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ttnn/device.hpp"
#include "ttnn/memory_config.hpp"
#include "ttnn/operations/compute_config.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

struct Conv2dConfig {
  // Output activation dtype. bfloat8_b needs output_layout TILE.
  DataType dtype = DataType::BFLOAT16;
  // Dtype the weights and bias are prepared in. bfloat8_b weights share an exponent per 16 values along the
  // reduction dimension (accurate numerics) or along output channels (tt_metal numerics).
  DataType weights_dtype = DataType::BFLOAT16;
  // The seed's fidelity field; the compute config's math_fidelity says the same. Given both, they must agree.
  std::optional<MathFidelity> math_fidelity;
  // Sharding of the conv's work and output. Unset: HEIGHT when N*H*W >= 8*C, WIDTH when C >= 8*N*H*W, else
  // BLOCK (C = the larger of in and out channels), the seed's rule.
  std::optional<TensorMemoryLayout> shard_layout;
  // Frees the input as soon as it is consumed, so the output can take its L1 space.
  bool deallocate_activation = false;
  // Same as the compute config's fp32_dest_acc_en; given both, they must agree.
  std::optional<bool> fp32_dest_acc_enabled;
  // This op's numerics (NUMERICS.md), like the compute config's; given both, they must agree. Unset: the
  // compute config's, else the device's.
  std::optional<Numerics> numerics;
  // Same as the compute config's packer_l1_acc (a scheduling hint); given both, they must agree.
  std::optional<bool> packer_l1_accum_enabled;
  // Scheduling hints for the device's data movers. Here the whole input is in shared memory, so they change
  // nothing; they are validated and recorded in the program (and by the profiler).
  bool enable_act_double_buffer = false;
  bool enable_split_reader = false;
  bool enable_subblock_padding = false;
  // When the input is sharded differently from the conv's layout, reshard it first (the resharded copy is
  // what the conv reads; with deallocate_activation the original is freed). Otherwise the conv reads the
  // input where it lies.
  bool reshard_if_not_optimal = false;
  // Use core_grid as the conv's grid instead of choosing one.
  bool override_sharding_config = false;
  std::optional<CoreRangeSet> core_grid;
  // Activation fused into the output: "", "relu" or "relu6".
  std::string activation;
  // Rows of output pixels a work item computes per block (a multiple of 32; 0 = chosen to fit the cache).
  uint32_t act_block_h_override = 0;
  Layout output_layout = Layout::TILE;
};

// Padding as {top, bottom, left, right}; Padding{p_h, p_w} is symmetric.
struct Padding2d {
  uint32_t top = 0, bottom = 0, left = 0, right = 0;
  Padding2d() = default;
  Padding2d(uint32_t pad_h, uint32_t pad_w) : top(pad_h), bottom(pad_h), left(pad_w), right(pad_w) {}
  Padding2d(uint32_t pad_top, uint32_t pad_bottom, uint32_t pad_left, uint32_t pad_right)
      : top(pad_top), bottom(pad_bottom), left(pad_left), right(pad_right) {}
  Padding2d(std::array<uint32_t, 2> symmetric) : Padding2d(symmetric[0], symmetric[1]) {}  // NOLINT: as TT-NN
  Padding2d(std::array<uint32_t, 4> sides) : Padding2d(sides[0], sides[1], sides[2], sides[3]) {}  // NOLINT
  bool operator==(const Padding2d&) const = default;
};

class Conv2dOpCache;

struct Conv2dArgs {
  // [1, 1, N*H*W, C] (or [N, H, W, C]), ROW_MAJOR or TILE, interleaved or sharded, host or device.
  Tensor input_tensor;
  // Raw: host [out_channels, in_channels/groups, kh, kw] float. Prepared: what an earlier call returned.
  Tensor weight_tensor;
  // Raw: host [out_channels] or [1, 1, 1, out_channels]. Prepared: what an earlier call returned.
  std::optional<Tensor> bias_tensor;
  Device* device = nullptr;
  uint32_t in_channels = 0;
  uint32_t out_channels = 0;
  uint32_t batch_size = 0;
  uint32_t input_height = 0;
  uint32_t input_width = 0;
  std::array<uint32_t, 2> kernel_size{1, 1};
  std::array<uint32_t, 2> stride{1, 1};
  Padding2d padding;
  std::array<uint32_t, 2> dilation{1, 1};
  uint32_t groups = 1;
  Conv2dConfig conv_config;
  std::optional<DeviceComputeKernelConfig> compute_config;
  // The seed's conv_op_cache: prepared weights and plans per (shapes, config, weights) key.
  Conv2dOpCache* conv_op_cache = nullptr;
  // Output memory config; unset = sharded like the conv.
  std::optional<MemoryConfig> memory_config;
};

struct Conv2dResult {
  Tensor output;  // [1, 1, N*OH*OW, out_channels]
  uint32_t output_height = 0;
  uint32_t output_width = 0;
  Tensor weight_tensor;              // prepared; pass back in later calls
  std::optional<Tensor> bias_tensor;  // prepared
};

Conv2dResult conv2d(const Conv2dArgs& args);

// TT-NN's prepare_conv_weights and prepare_conv_bias in one call: the weights (and bias) of `args` prepared
// for its geometry, dtypes and compute config, on args.device, without an input tensor (args.input_tensor
// is not read). Pass the results back as weight_tensor and bias_tensor: conv2d then prepares nothing, and
// the raw tensors can be released at once (a model prepares layer by layer instead of holding every raw
// weight until its first run).
struct Conv2dPreparedWeights {
  Tensor weight_tensor;
  std::optional<Tensor> bias_tensor;
};
Conv2dPreparedWeights prepare_conv_weights(const Conv2dArgs& args);

// Output size of one spatial dimension; throws InvalidArgument when the kernel does not fit.
uint32_t conv_output_size(uint32_t input, uint32_t kernel, uint32_t stride, uint32_t pad_before, uint32_t pad_after,
                          uint32_t dilation);

// Holds prepared weights and bias per key (shapes, config, identity of the raw weights). A hit prepares
// nothing; any change of shapes, dtypes, fidelity, numerics or weights is a different key.
class Conv2dOpCache {
 public:
  struct Entry {
    Tensor weight_tensor;
    std::optional<Tensor> bias_tensor;
  };
  size_t hits() const;
  size_t misses() const;
  size_t size() const;
  void clear();

  // Internal: used by conv2d.
  std::optional<Entry> find(const std::string& key);
  void insert(const std::string& key, Entry entry);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace ttnn
