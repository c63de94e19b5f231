// PyTorch .pth state dicts, read without libtorch: the zip format (torch >= 1.6) and the legacy
// pickle stream (torch < 1.6, e.g. torchvision's mobilenet_v2-b0353104.pth). The pickles are parsed by
// a restricted reader that only knows the handful of globals a state dict needs and never runs code.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

#include "ttnn/state_dict.hpp"

namespace ttnn::io {

// Reads a checkpoint file. Every tensor (any dtype torch stores) becomes a float32 HostArray under its
// key, in file order. A dict wrapped as {"state_dict": {...}} or {"model": {...}} is unwrapped.
// Throws FormatError (naming the file, key and/or byte range) for a malformed or unsupported file,
// InvalidArgument when the file cannot be read.
StateDict load_state_dict(const std::filesystem::path& path);

// The same from bytes in memory; `what` names the source in error messages.
StateDict parse_state_dict(std::span<const std::byte> file_bytes, std::string_view what);

}  // namespace ttnn::io
