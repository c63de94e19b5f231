#include "ops/common/decode_activations.hpp"

#include <algorithm>
#include <string>

#include "formats/fidelity.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ttnn/device.hpp"

namespace ttnn {

DecodedActivations decode_activations(const Tensor& tensor, const std::byte* bytes, OperandCut cut, std::string_view op) {
  const std::string name(op);
  const BufferLayout layout = BufferLayout::of(tensor.spec(), name.c_str());
  // Block-float values carry at most 7 significant bits: cutting them to 7 or more changes nothing.
  if (is_block_float(tensor.dtype()) && cut.bits >= 7) cut.bits = 0;
  DecodedActivations decoded;
  decoded.rows = layout.height;
  decoded.cols = tensor.logical_shape().width();
  decoded.values = ScratchFloats(decoded.rows * decoded.cols);
  constexpr uint64_t kRowsPerItem = 256;  // whole tile bands, enough work per item
  const size_t items = size_t((decoded.rows + kRowsPerItem - 1) / kRowsPerItem);
  auto work = [&](size_t item) {
    const uint64_t begin = item * kRowsPerItem, end = std::min(decoded.rows, begin + kRowsPerItem);
    float* out = decoded.values.data() + begin * decoded.cols;
    read_rows(layout, bytes, begin, end, 0, decoded.cols, out, decoded.cols);
    const std::span values(out, (end - begin) * decoded.cols);
    if (cut.bits > 0 && cut.round) formats::round_significand(values, cut.bits);
    else if (cut.bits > 0) formats::truncate_significand(values, cut.bits);
  };
  if (Device* device = tensor.device()) {
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
