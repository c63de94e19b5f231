// torch >= 1.6 checkpoints: a zip archive <prefix>/data.pkl (the pickled state dict) with one
// <prefix>/data/<key> entry of raw bytes per storage; <prefix> is any single folder name.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "ttnn/state_dict.hpp"

namespace ttnn::io::pth {

StateDict read_zip_checkpoint(std::span<const std::byte> file_bytes, std::string_view what);

}  // namespace ttnn::io::pth
