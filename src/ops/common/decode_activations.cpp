#include "ops/common/decode_activations.hpp"

#include <string>

#include "formats/fidelity.hpp"
#include "ops/common/tensor_rows.hpp"
#include "ttnn/device.hpp"

namespace ttnn {

DecodedActivations decode_activations(const Tensor& tensor, const std::byte* bytes, int truncate_bits,
                                      std::string_view op) {
  const std::string name(op);
  const BufferLayout layout = BufferLayout::of(tensor.spec(), name.c_str());
  // Block-float values carry at most 7 significant bits: truncating them to 7 or more changes nothing.
  if (is_block_float(tensor.dtype()) && truncate_bits >= 7) truncate_bits = 0;
  DecodedActivations decoded;
  decoded.rows = layout.height;
  decoded.cols = tensor.logical_shape().width();
  decoded.values.resize(decoded.rows * decoded.cols);
  constexpr uint64_t kRowsPerItem = 256;  // whole tile bands, enough work per item
  const size_t items = size_t((decoded.rows + kRowsPerItem - 1) / kRowsPerItem);
  auto work = [&](size_t item) {
    const uint64_t begin = item * kRowsPerItem, end = std::min(decoded.rows, begin + kRowsPerItem);
    float* out = decoded.values.data() + begin * decoded.cols;
    read_rows(layout, bytes, begin, end, 0, decoded.cols, out, decoded.cols);
    if (truncate_bits > 0) formats::truncate_significand(std::span(out, (end - begin) * decoded.cols), truncate_bits);
  };
  if (Device* device = tensor.device()) {
    device->run_parallel(items, work);
  } else {
    for (size_t item = 0; item < items; ++item) work(item);
  }
  return decoded;
}

}  // namespace ttnn
