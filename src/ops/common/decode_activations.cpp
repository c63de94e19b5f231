#include "ops/common/decode_activations.hpp"

#include <algorithm>
#include <string>

#include "formats/fidelity.hpp"
#include "kernels/kernels.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ttnn/device.hpp"

namespace ttnn {

ActivationSource activation_source(const Tensor& tensor, const std::byte* bytes, OperandCut cut, std::string_view op) {
  return activation_source(tensor.spec(), bytes, cut, op);
}

ActivationSource activation_source(const TensorSpec& spec, const std::byte* bytes, OperandCut cut, std::string_view op) {
  const std::string name(op);
  ActivationSource source;
  source.layout = std::make_shared<const BufferLayout>(BufferLayout::of(spec, name.c_str()));
  source.bytes = bytes;
  source.cols = spec.logical_shape.width();
  // Block-float values carry at most 7 significant bits, bfloat16 values 8: rounding them to bfloat16, or
  // truncating them to as many bits or more, changes nothing.
  const int stored_bits = is_block_float(spec.dtype) ? 7 : spec.dtype == DataType::BFLOAT16 ? 8 : 24;
  if (stored_bits <= 8) cut.to_bfloat16 = false;
  if (cut.bits >= stored_bits) cut.bits = 0;
  source.cut = cut;
  return source;
}

void ActivationSource::read(uint64_t begin, uint64_t end, float* out, size_t out_stride) const {
  read(begin, end, 0, cols, out, out_stride);
}

void ActivationSource::read(uint64_t begin, uint64_t end, uint64_t col_begin, uint64_t col_end, float* out,
                            size_t out_stride) const {
  read_rows(*layout, bytes, begin, end, col_begin, col_end, out, out_stride);
  if (cut.none()) return;
  const size_t width = col_end - col_begin;
  if (out_stride == width) {  // contiguous rows (narrow ones above all, the image's 3 channels): one call
    apply_cut(out, (end - begin) * width);
    return;
  }
  for (uint64_t row = begin; row < end; ++row) apply_cut(out + (row - begin) * out_stride, width);
}

void apply_cut(OperandCut cut, float* values, size_t count) {
  if (cut.to_bfloat16) kernels::kernel_table().bf16_round_rows(values, 1, count, count);
  if (cut.bits > 0) formats::truncate_significand(std::span(values, count), cut.bits);
}

void ActivationSource::apply_cut(float* values, size_t count) const { ttnn::apply_cut(cut, values, count); }

DecodedActivations decode_activations(const Tensor& tensor, const std::byte* bytes, OperandCut cut, std::string_view op) {
  return decode_activations(activation_source(tensor, bytes, cut, op), tensor.device());
}

DecodedActivations decode_activations(const ActivationSource& source, const Device* device) {
  return decode_activations(source, device, source.layout->height, source.layout->height);
}

DecodedActivations decode_activations(const ActivationSource& source, const Device* device, uint64_t period,
                                      uint64_t used) {
  DecodedActivations decoded;
  decoded.rows = source.layout->height;
  decoded.cols = source.cols;
  decoded.values = ScratchFloats(decoded.rows * decoded.cols);
  constexpr uint64_t kRowsPerItem = 256;  // whole tile bands, enough work per item
  constexpr uint64_t kColsPerItem = 256;  // a short tensor of many columns (a pooled batch) splits them
  period = std::max<uint64_t>(1, period);
  used = std::min(used, period);
  const uint64_t periods = (decoded.rows + period - 1) / period;
  const uint64_t bands_per_period = (used + kRowsPerItem - 1) / kRowsPerItem;
  const size_t bands = size_t(periods * bands_per_period);
  const uint64_t cols_per_item = bands == 1 ? kColsPerItem : std::max<uint64_t>(1, decoded.cols);
  const size_t col_parts = size_t(std::max<uint64_t>(1, (decoded.cols + cols_per_item - 1) / cols_per_item));
  auto work = [&](size_t item) {
    const uint64_t band = item / col_parts, first = band / bands_per_period * period;
    const uint64_t begin = first + band % bands_per_period * kRowsPerItem;
    const uint64_t end = std::min({decoded.rows, first + used, begin + kRowsPerItem});
    const uint64_t col_begin = item % col_parts * cols_per_item;
    const uint64_t col_end = std::min(decoded.cols, col_begin + cols_per_item);
    if (begin < end)
      source.read(begin, end, col_begin, col_end, decoded.values.data() + begin * decoded.cols + col_begin,
                  decoded.cols);
  };
  const size_t items = bands * col_parts;
  // A few thousand values (a pooled image for the classifier: 1280) decode in less time than a parallel
  // region takes to start and end on two threads.
  constexpr uint64_t kValuesWorthThreads = 8192;
  if (device && periods * used * decoded.cols > kValuesWorthThreads) {
    device->run_parallel(items, work);
  } else {
    for (size_t item = 0; item < items; ++item) work(item);
  }
  return decoded;
}

DecodedActivations split_low_bits(DecodedActivations& decoded, int top_bits) {
  DecodedActivations low;
  low.rows = decoded.rows;
  low.cols = decoded.cols;
  low.values = ScratchFloats(decoded.values.size());
  std::copy(decoded.values.begin(), decoded.values.end(), low.values.begin());
  formats::truncate_significand(std::span(decoded.values.data(), decoded.values.size()), top_bits);
  for (size_t i = 0; i < low.values.size(); ++i) low.values[i] -= decoded.values[i];
  return low;
}

}  // namespace ttnn
