// Argument checks that throw typed errors with formatted messages (private to the library).
#pragma once

#include <fmt/format.h>

#include "ttnn/errors.hpp"

namespace ttnn {

// Throws E with a fmt-formatted message when `condition` is false.
template <class E = InvalidArgument, class... Args>
void check(bool condition, fmt::format_string<Args...> format, Args&&... args) {
  if (!condition) throw E(fmt::format(format, std::forward<Args>(args)...));
}

template <class E = InvalidArgument, class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw E(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace ttnn

namespace ttnn {
template <class T>
concept PrintableByToString = requires(const T& value) {
  { to_string(value) };
};
}  // namespace ttnn

// Lets messages format any ttnn value that has a to_string overload (enums, Shape, MemoryConfig).
template <ttnn::PrintableByToString T>
struct fmt::formatter<T, char> : fmt::formatter<std::string_view> {
  auto format(const T& value, fmt::format_context& ctx) const {
    const auto text = ttnn::to_string(value);
    return fmt::formatter<std::string_view>::format(std::string_view(text), ctx);
  }
};
