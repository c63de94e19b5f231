// Argument checks that throw typed errors with formatted messages (private to the library).
#pragma once

#include <fmt/format.h>

#include <string_view>
#include <type_traits>

#include "ttnn/core_coord.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/memory_config.hpp"
#include "ttnn/shape.hpp"
#include "ttnn/types.hpp"

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
// Types that messages may pass as arguments; they are turned into text only when a check fails.
template <class T>
inline constexpr bool kFormattedByToString = std::is_enum_v<T>;
template <>
inline constexpr bool kFormattedByToString<Shape> = true;
template <>
inline constexpr bool kFormattedByToString<CoreCoord> = true;
template <>
inline constexpr bool kFormattedByToString<CoreRange> = true;
template <>
inline constexpr bool kFormattedByToString<CoreRangeSet> = true;
template <>
inline constexpr bool kFormattedByToString<ShardSpec> = true;
template <>
inline constexpr bool kFormattedByToString<MemoryConfig> = true;

template <class T>
concept FormattedByToString = kFormattedByToString<T>;
}  // namespace ttnn

template <ttnn::FormattedByToString T>
struct fmt::formatter<T, char> : fmt::formatter<std::string_view> {
  auto format(const T& value, fmt::format_context& ctx) const {
    const auto text = ttnn::to_string(value);
    return fmt::formatter<std::string_view>::format(std::string_view(text), ctx);
  }
};
