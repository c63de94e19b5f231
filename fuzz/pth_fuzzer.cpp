// libFuzzer target: whole .pth files (zip and legacy). Only ttnn::Error may escape parse_state_dict;
// any other exception, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ttnn/errors.hpp"
#include "ttnn/io/pth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const ttnn::StateDict state_dict =
        ttnn::io::parse_state_dict(std::span(reinterpret_cast<const std::byte*>(data), size), "fuzz.pth");
    for (const auto& name : state_dict.names()) {
      const auto& array = state_dict.at(name);
      if (array.values.size() != array.shape.volume()) __builtin_trap();
    }
  } catch (const ttnn::Error&) {
  }
  return 0;
}
