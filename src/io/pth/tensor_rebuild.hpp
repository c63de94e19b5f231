// Turns an unpickled state dict (Call values of torch._utils._rebuild_tensor_v2 and friends over
// persistent-id storages) into float32 host arrays, checking every view against its storage.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "io/pth/dtype.hpp"
#include "io/pth/unpickler.hpp"
#include "ttnn/state_dict.hpp"

namespace ttnn::io::pth {

// What a persistent id ('storage', torch.XStorage, key, location, numel[, view]) names.
struct StorageRef {
  std::string key;  // the stored (root) storage
  const DTypeInfo* type = nullptr;
  uint64_t numel = 0;  // elements of the root storage
  // Legacy format only: the tensor's storage is elements [offset, offset + numel) of the root one.
  struct View {
    uint64_t offset = 0;
    uint64_t numel = 0;
  };
  std::optional<View> view;
};

// Throws FormatError starting with `context` when `pid` (the value under a PersistentId) is not a
// storage id.
StorageRef parse_storage_pid(const Value& pid, std::string_view context);

struct StorageBytes {
  std::span<const std::byte> bytes;  // exactly numel * element size of the root storage
  bool big_endian = false;
};
// Finds a root storage's bytes; throws FormatError if the file lacks it.
using StorageSource = std::function<StorageBytes(const StorageRef&)>;

// `root` is the unpickled top-level object. Throws FormatError naming `what` and the tensor key.
StateDict rebuild_state_dict(const Value& root, const StorageSource& source, std::string_view what);

}  // namespace ttnn::io::pth
