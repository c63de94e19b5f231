// A restricted pickle reader for PyTorch state dicts. It builds plain values, knows a fixed list of
// globals (anything else is refused by name) and never runs code: a "call" of an allowed global is
// recorded as a Call value for tensor_rebuild to interpret.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ttnn::io::pth {

enum class Kind : uint8_t {
  None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict, Global, Call, PersistentId
};
std::string_view kind_name(Kind kind);

struct Value {
  Kind kind = Kind::None;
  int64_t integer = 0;  // Int, Bool
  double real = 0.0;    // Float
  // String and Bytes: the content; BigInt: little-endian two's complement bytes;
  // Global and Call: the qualified name ("torch._utils._rebuild_tensor_v2").
  std::string text;
  std::vector<Value*> items;                         // Tuple, List, Call arguments, PersistentId {pid}
  std::vector<std::pair<Value*, Value*>> entries;  // Dict, in insertion order, duplicates kept
};

// Values may share children and even form cycles (as pickles can), so they live in one arena and
// nothing walks them recursively without a depth bound.
class Pickle {
 public:
  Pickle(std::unique_ptr<std::deque<Value>> arena, const Value* root, size_t end)
      : arena_(std::move(arena)), root_(root), end_(end) {}
  const Value& root() const { return *root_; }
  // Bytes consumed, up to and including STOP.
  size_t end() const { return end_; }
  const std::deque<Value>& values() const { return *arena_; }

 private:
  std::unique_ptr<std::deque<Value>> arena_;
  const Value* root_;
  size_t end_;
};

struct UnpickleLimits {
  size_t max_stack = size_t{1} << 20;
  size_t max_mark_depth = 64;  // nested MARKs: state dicts need a handful
  size_t max_memo = size_t{1} << 22;
  size_t max_values = size_t{1} << 24;
  size_t max_long_bytes = 64;  // LONG4 payloads; the legacy magic number needs 10
};

// Reads one pickle from the start of `bytes` (trailing bytes are left alone). `what` names the source
// and `base_offset` is where `bytes` starts in it, for messages. Throws FormatError.
Pickle unpickle(std::span<const std::byte> bytes, std::string_view what, size_t base_offset = 0,
                const UnpickleLimits& limits = {});

// Last value stored under string key `key` in a Dict (Python's overwrite rule), or nullptr.
const Value* dict_get(const Value& dict, std::string_view key);

}  // namespace ttnn::io::pth
