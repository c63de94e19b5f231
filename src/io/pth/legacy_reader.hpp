// torch < 1.6 checkpoints (and torch.save(..., _use_new_zipfile_serialization=False)): five pickles
// in a row (magic number, protocol version, sys_info, the state dict, the sorted storage keys), then
// for each key an 8-byte element count and the storage's raw bytes.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "ttnn/state_dict.hpp"

namespace ttnn::io::pth {

StateDict read_legacy_checkpoint(std::span<const std::byte> file_bytes, std::string_view what);

}  // namespace ttnn::io::pth
