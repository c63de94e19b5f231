// matmul and linear in two halves (as conv2d, ops/conv2d/plan.hpp): the plan derived from the operands'
// specs (prepared weights, output spec, work items), and running it on tensors of those specs, which
// allocates nothing on the heap.
#pragma once

#include <optional>
#include <vector>

#include "core/buffer_layout.hpp"
#include "ops/common/activation.hpp"
#include "ops/common/decode_activations.hpp"
#include "ops/common/fidelity_widths.hpp"
#include "ttnn/operations/matmul.hpp"

namespace ttnn {

struct PreparedMatmulOperand;

// One work item: output rows [row_begin, row_end) of the view, columns [col_begin, col_end).
struct MatmulItem {
  uint64_t row_begin, row_end;
  uint32_t col_begin, col_end;
};

struct MatmulPlan {
  const char* op = "";
  Device* device = nullptr;
  Tensor weights_tensor;  // keeps `weights` (its buffer's attachment) alive
  const PreparedMatmulOperand* weights = nullptr;
  std::vector<float> bias;  // empty: none
  std::optional<Tensor> bias_tensor;  // linear: the bias it was given (for the profiler's record)
  TensorSpec output_spec;
  BufferLayout output_layout;
  DeviceComputeKernelConfig compute;
  Numerics numerics = Numerics::accurate;
  ActivationSource input;  // a, cut for the fidelity; its bytes are set per run
  ClampRange clamp;
  uint32_t m = 0, k = 0, n = 0;
  uint64_t a_batches = 1, b_batches = 1, padded_m = 0;
  bool bf16 = false;
  std::vector<MatmulItem> items;
};

// `bias`: out_features values, or empty.
MatmulPlan plan_matmul(const Tensor& a, const Tensor& b, std::vector<float> bias, const MatmulOptions& options,
                       const char* op);
void run_matmul_plan(const MatmulPlan& plan, const Tensor& a, const Tensor& output);

// Prepares `b` for the GEMM the options select (what the first plan_matmul would do), so a model can
// prepare its classifier while lowering, in parallel with its convs, rather than in its first pass.
void prepare_matmul_weights(const Tensor& b, const MatmulOptions& options, const char* op);

// linear's plan: validates the weight and bias as linear() does.
MatmulPlan plan_linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                       const MatmulOptions& options);

}  // namespace ttnn
