// The steady-state forward pass. Built from a first pass (its values' specs and the decisions its ops
// made, such as a conv moved to DRAM), it holds every op's plan and one activation arena laid out by
// plan_activation_arena, and runs with no heap allocation: ops run their plans on views into the arena.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/buffer_layout.hpp"
#include "model/lowered_step.hpp"
#include "ops/conv2d/program.hpp"
#include "ttnn/device.hpp"
#include "ttnn/model/graph.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn::model {

// The tiles of a TILE tensor that hold padding (rows past a slice's end, columns past the width).
class PaddingTiles {
 public:
  PaddingTiles() = default;
  explicit PaddingTiles(const TensorSpec& spec);
  void zero(std::byte* bytes, const Device& device) const;

 private:
  std::vector<size_t> offsets_;
  size_t tile_bytes_ = 0;
};

class PlannedPass {
 public:
  // `specs`: per graph node, the spec of the value the first pass gave it (values that steps read or
  // write). `output_node`: the value the pass returns. `fuse_convs`: ModelConfig::fuse_convs.
  PlannedPass(const Graph& graph, const std::vector<Step>& steps, const std::vector<std::optional<TensorSpec>>& specs,
              size_t output_node, Device& device, bool fuse_convs = true);
  PlannedPass(const PlannedPass&) = delete;
  PlannedPass& operator=(const PlannedPass&) = delete;

  // nchw: the traced input's values; output: room for the output's logical values.
  void run(std::span<const float> nchw, const Shape& input_shape, std::span<float> output) const;
  // Runs the pass once on each of the device's threads alone, so that every thread's scratch buffers
  // have grown to the largest work item they can be handed: after it, no pass allocates, whichever
  // thread takes which item.
  void prepare_threads(std::span<const float> nchw, const Shape& input_shape) const;

  // The ops this pass runs, in order: the lowered steps, with each fused residual add named in its conv's
  // `fused` instead of a step of its own, and each expand conv run inside its depthwise conv named (with its
  // own fused modules) first in that conv's `fused`, and each project conv run inside its depthwise conv
  // named (with its own fused modules, then its residual add) last, both convs' multiply-adds added to the
  // depthwise conv's.
  const std::vector<ModelStep>& steps() const { return infos_; }
  size_t output_volume() const { return values_[output_node_].logical_shape().volume(); }
  size_t arena_bytes() const { return arena_bytes_; }
  size_t activation_bytes() const { return activation_bytes_; }  // every value's size, summed
  size_t peak_live_bytes() const { return peak_live_bytes_; }

 private:
  void write_input(std::span<const float> nchw, const Shape& input_shape) const;
  void run_steps(std::span<const float> nchw, const Shape& input_shape) const;
  void read_output(std::span<float> output) const;

  Device& device_;
  std::shared_ptr<Buffer> arena_;
  BufferLayout input_layout_, output_layout_;
  PaddingTiles input_padding_;
  std::vector<Tensor> values_;  // per graph node: a view into the arena (empty for nodes no step reads or writes)
  std::vector<std::function<void()>> steps_;
  std::vector<ModelStep> infos_;
  size_t output_node_ = 0;
  size_t arena_bytes_ = 0, activation_bytes_ = 0, peak_live_bytes_ = 0;
};

}  // namespace ttnn::model
