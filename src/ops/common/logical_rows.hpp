// The logical-row view the non-conv ops share: a tensor's values as rows of its last dim (the
// [volume / last dim, last dim] view), decoded to float32, and the output program that fills those rows:
// one work item per output shard, or per band of whole 32-row tiles when interleaved, each encoding its
// block with write_rows. (Shared by eltwise, pool, data_movement, normalization and reduction.)
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/buffer_layout.hpp"
#include "ops/common/decode_activations.hpp"
#include "ttnn/function_ref.hpp"
#include "ttnn/tensor.hpp"

namespace ttnn {

// Where each logical row sits in the physical view: TILE layout pads every slice of the second-to-last
// dim to a multiple of 32 rows.
class RowMap {
 public:
  explicit RowMap(const TensorSpec& spec);
  uint64_t physical(uint64_t logical) const { return logical / rows_ * padded_ + logical % rows_; }
  bool is_padding(uint64_t physical) const { return physical % padded_ >= rows_; }
  uint64_t logical(uint64_t physical) const { return physical / padded_ * rows_ + physical % padded_; }

 private:
  uint64_t rows_ = 1;    // logical rows per slice (the second-to-last dim)
  uint64_t padded_ = 1;  // physical rows per slice
};

// A tensor decoded (in parallel on its device) to float32, addressed by logical row.
class DecodedRows {
 public:
  DecodedRows(const Tensor& tensor, std::string_view op);
  // The same through a source planned for the tensor's spec (activation_source with no cut), which
  // allocates nothing beyond the decoded values.
  DecodedRows(const Tensor& tensor, const ActivationSource& planned, std::string_view op);
  const float* row(uint64_t logical) const { return decoded_.values.data() + map_.physical(logical) * decoded_.cols; }
  uint64_t cols() const { return decoded_.cols; }
  // All values in logical row-major order (a dense copy).
  std::vector<float> logical_values(uint64_t logical_rows) const;

 private:
  DecodedActivations decoded_;
  RowMap map_;
};

// Fills a block of the output's physical view: rows [row_begin, row_end), columns [col_begin, col_end) into
// `out` ([rows][cols]); what it leaves in tile padding rows is replaced by zeros (and the padding rows that
// end a block are not asked for: they are stored as zeros).
using BlockProducer =
    FunctionRef<void(uint64_t row_begin, uint64_t row_end, uint64_t col_begin, uint64_t col_end, float* out)>;

// The rectangle of the output's physical view that one work item writes (logical columns only).
struct OutputBlock {
  uint64_t row_begin = 0, row_end = 0;
  uint64_t col_begin = 0, col_end = 0;
};

// One block per shard (sharded), else bands of whole 32-row tiles, about `interleaved_items` of them; fewer
// bands than `column_items` are also split into whole tile columns, about column_items blocks in all.
std::vector<OutputBlock> output_blocks(const BufferLayout& layout, uint64_t logical_cols, uint32_t interleaved_items,
                                       uint32_t column_items);

// Writes logical row `row`, columns [col_begin, col_end), to `out`.
using RowProducer = FunctionRef<void(uint64_t row, uint64_t col_begin, uint64_t col_end, float* out)>;

// An output's layout and work blocks, derived once from its spec: a planned op keeps it and produces into
// buffers of that spec without deriving (or allocating) anything again.
struct OutputPlan {
  OutputPlan() = default;
  OutputPlan(const TensorSpec& spec, const Device* device, std::string_view op);
  BufferLayout layout;
  RowMap map{TensorSpec{}};
  std::vector<OutputBlock> blocks;
  const Device* device = nullptr;
};

// Runs one work item per output block (device.run_parallel; serially for a host tensor): each fills its
// block row by row with `produce` (tile padding rows stay zero) and encodes it with write_rows.
void produce_output(const Tensor& output, const RowProducer& produce, std::string_view op);
void produce_output(const OutputPlan& plan, std::byte* bytes, const RowProducer& produce);
// The same with one call per block, for producers that read their inputs' physical rows directly.
void produce_output_blocks(const Tensor& output, const BlockProducer& produce, std::string_view op);
void produce_output_blocks(const OutputPlan& plan, std::byte* bytes, const BlockProducer& produce);

// Throws InvalidArgument when `tensor` (the op's `role` operand) is an empty Tensor(), DeallocatedTensor
// when its buffer was freed.
void require_input(const Tensor& tensor, std::string_view op, std::string_view role = "input");

// Throws InvalidArgument unless `a` and `b` live on the same device (or both on the host).
void require_same_storage(const Tensor& a, const Tensor& b, std::string_view op, std::string_view a_role,
                          std::string_view b_role);

// Runs work(i) for i in [0, count) on the device's threads, or serially without a device.
void run_items(const Device* device, size_t count, FunctionRef<void(size_t)> work);

// Splits [0, count) into about one range per core of the device (one range without a device) and runs
// work(begin, end) for each as run_items does.
void run_ranges(const Device* device, uint64_t count, FunctionRef<void(uint64_t, uint64_t)> work);

// A [volume / width, width] float array encoded into `output` (produce_output copying rows).
void write_logical_values(const Tensor& output, const std::vector<float>& values, std::string_view op);

}  // namespace ttnn
